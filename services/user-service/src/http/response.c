/* response.c — FastAPI-shaped responses (see response.h). */
#include "http/response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "banned.h"

void http_json(http_response *res, int status, json_t *body)
{
	json_decref(res->body);
	free(res->text);
	res->text = NULL;
	res->data = NULL;
	res->data_len = 0;
	res->content_type = res->cache_control = res->etag = NULL;
	if (!body) {
		res->status = 500;
		res->body = NULL; /* the server sends its fixed 500 body */
		return;
	}
	res->status = status;
	res->body = body;
}

void http_json_text(http_response *res, int status, char *text)
{
	http_json(res, status, NULL); /* drops what was there; 500 */
	if (text) {
		res->status = status;
		res->text = text;
	}
}

void http_static(http_response *res, int status, const char *content_type,
                 const char *cache_control, const char *etag, const void *data, size_t len)
{
	http_json(res, status, NULL); /* drops what was there */
	res->status = status;
	res->data = data ? data : "";
	res->data_len = data ? len : 0;
	res->content_type = content_type;
	res->cache_control = cache_control;
	res->etag = etag;
}

void http_detail(http_response *res, int status, const char *detail)
{
	http_json(res, status, json_pack("{s:s}", "detail", detail));
}

void http_422(http_response *res, json_t *errors)
{
	http_json(res, 422, errors ? json_pack("{s:o}", "detail", errors) : NULL);
}

void http_not_found(http_response *res)
{
	http_detail(res, 404, "Not Found");
}

void http_method_not_allowed(http_response *res, unsigned allowed)
{
	http_methods_text(allowed, res->allow, sizeof res->allow);
	http_detail(res, 405, "Method Not Allowed");
}

void http_unavailable(http_response *res, const char *why)
{
	http_detail(res, 503, why);
}

void http_internal_error(http_response *res)
{
	http_detail(res, 500, "Internal Server Error");
}
