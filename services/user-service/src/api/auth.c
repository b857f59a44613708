/* auth.c — POST /auth/register, /auth/login, /auth/refresh, GET /auth/me
 * and the authenticator (see auth.h). Answers and their texts are the
 * Python service's (FastAPI), so its clients see no difference. */
#include "api/auth.h"

#include <stdio.h>
#include <strings.h>

#include "api/auth_context.h"
#include "api/context.h"
#include "http/response.h"
#include "schemas/users.h"
#include "services/auth.h"
#include "banned.h"

static void answer_tokens(http_response *res, const svc_tokens *t)
{
	http_json(res, 200,
	          json_pack("{s:s, s:s, s:s}", "access_token", t->access, "refresh_token",
	                    t->refresh, "token_type", "bearer"));
}

void api_auth_register(http_request *req, http_response *res)
{
	schema_values v;
	svc_rows *user;
	svc_error err;
	if (api_validated(req, res, &schema_user_register, &v)) {
		if (svc_auth_register(api_svc(req), &v, &user, &err))
			api_failed(req, res, &err);
		else
			api_answer_rows(res, 201, &schema_user, user, false);
	}
	schema_values_release(&v);
}

void api_auth_login(http_request *req, http_response *res)
{
	schema_values v;
	svc_error err;
	svc_tokens t; /* 2 KiB; a fiber's stack is 1 MiB */
	if (api_validated(req, res, &schema_user_login, &v)) {
		json_t *pw = schema_get(&v, "password");
		char client[64];
		api_client_address(req, client, sizeof client);
		if (svc_auth_login(api_svc(req), schema_get_string(&v, "email"),
		                   json_string_value(pw), json_string_length(pw), client, &t, &err))
			api_failed(req, res, &err);
		else
			answer_tokens(res, &t);
	}
	schema_values_release(&v);
}

void api_auth_refresh(http_request *req, http_response *res)
{
	schema_values v;
	svc_error err;
	svc_tokens t;
	if (api_validated(req, res, &schema_token_refresh, &v)) {
		if (svc_auth_refresh(api_svc(req), schema_get_string(&v, "refresh_token"), &t,
		                     &err))
			api_failed(req, res, &err);
		else
			answer_tokens(res, &t);
	}
	schema_values_release(&v);
}

void api_auth_me(http_request *req, http_response *res)
{
	svc_rows *user;
	svc_error err;
	if (svc_auth_user(api_svc(req), api_caller_of(req).user_id, &user, &err))
		api_failed(req, res, &err);
	else
		api_answer_rows(res, 200, &schema_user, user, false);
}

/* ---- the authenticator ---- */

/* The token of "Bearer <token>" (scheme case-insensitive), or NULL. */
static const char *bearer_token(const char *header)
{
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	const char *t = header + 7;
	while (*t == ' ')
		t++;
	return *t ? t : NULL;
}

/* A trusted gateway's X-User-ID, or else the bearer access token. */
int api_auth_authenticate(http_request *req, http_response *res)
{
	const char *gateway_id = http_header(req, "X-User-ID");
	const char *token = bearer_token(http_header(req, "Authorization"));
	svc_caller who;
	svc_error err;
	svc_status st;
	if (api_ctx(req)->trust_gateway_headers && gateway_id) {
		st = svc_auth_gateway_caller(api_svc(req), gateway_id, &who, &err);
	} else if (!token) {
		http_detail(res, 401, "Not authenticated");
		res->www_authenticate = "Bearer";
		return -1;
	} else {
		st = svc_auth_token_caller(api_svc(req), token, &who, &err);
	}
	if (st) {
		api_failed(req, res, &err);
		return -1;
	}
	req->auth.ok = true;
	snprintf(req->auth.user_id, sizeof req->auth.user_id, "%s", who.user_id);
	snprintf(req->auth.role, sizeof req->auth.role, "%s", who.role);
	return 0;
}
