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

void http_detail(http_response *res, int status, const char *detail)
{
	http_json(res, status, json_pack("{s:s}", "detail", detail));
}

void http_422(http_response *res, json_t *errors)
{
	http_json(res, 422, errors ? json_pack("{s:o}", "detail", errors) : NULL);
}

int http_422_add(json_t *errors, const char *type, json_t *loc, const char *msg, json_t *input,
                 json_t *ctx)
{
	json_t *e = json_pack("{s:s, s:o, s:s, s:O}", "type", type, "loc", loc, "msg", msg, "input",
	                      input ? input : json_null());
	if (!e) {
		json_decref(ctx);
		return -1;
	}
	if (ctx && json_object_set_new(e, "ctx", ctx)) {
		json_decref(e);
		return -1;
	}
	return json_array_append_new(errors, e);
}

json_t *http_body_json(const http_request *req, http_response *res)
{
	json_t *errors = json_array();
	if (!errors) {
		http_internal_error(res);
		return NULL;
	}
	if (req->body_len == 0) {
		if (http_422_add(errors, "missing", json_pack("[s]", "body"), "Field required",
		                 NULL, NULL))
			json_array_clear(errors);
		http_422(res, errors);
		return NULL;
	}
	json_error_t jerr;
	json_t *v = json_loadb(req->body, req->body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (v) {
		json_decref(errors);
		return v;
	}
	/* FastAPI reports the offset of the error and Python's reason; jansson's
	 * text is the closest honest equivalent */
	json_t *ctx = json_pack("{s:s}", "error", jerr.text);
	json_t *empty = json_object();
	if (http_422_add(errors, "json_invalid", json_pack("[s,i]", "body", jerr.position),
	                 "JSON decode error", empty, ctx))
		json_array_clear(errors);
	json_decref(empty);
	http_422(res, errors);
	return NULL;
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
