/* auth.c — POST /auth/register, /auth/login, /auth/refresh, GET /auth/me
 * and the authenticator (see auth.h). Answers and their texts are the
 * Python service's (FastAPI), so its clients see no difference. */
#include "api/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/auth_context.h"
#include "api/context.h"
#include "core/ids.h"
#include "http/response.h"
#include "schemas/users.h"
#include "services/auth.h"
#include "banned.h"

static const char bad_token[] = "Could not validate credentials";

static void unauthorized(http_response *res, const char *detail)
{
	http_detail(res, 401, detail);
	res->www_authenticate = "Bearer";
}

/* The service context for req, or false after answering 503. */
static bool service(http_request *req, http_response *res, svc_auth *a)
{
	api_context *ctx = api_ctx(req);
	*a = (svc_auth){.sec = &ctx->security, .users = &ctx->users, .db = api_db(req, res)};
	return a->db != NULL;
}

/* Answers a failed service call other than the endpoint's own errors. */
static void failed(http_request *req, http_response *res, svc_status st, const core_db_error *err)
{
	if (st == SVC_DB)
		api_db_failed(req, res, err);
	else
		http_internal_error(res);
}

static void answer_user(http_response *res, int status, core_db_result *user)
{
	http_json_text(res, status, schema_user_text(user, 0));
	core_db_result_free(user);
}

static void answer_tokens(http_response *res, const svc_tokens *t)
{
	http_json(res, 200,
	          json_pack("{s:s, s:s, s:s}", "access_token", t->access, "refresh_token",
	                    t->refresh, "token_type", "bearer"));
}

void api_auth_register(http_request *req, http_response *res)
{
	schema_values v;
	svc_auth a;
	core_db_error err;
	core_db_result *user;
	if (api_validated(req, res, &schema_user_register, &v) && service(req, res, &a)) {
		svc_status st = svc_auth_register(&a, &v, &user, &err);
		if (st == SVC_OK) {
			answer_user(res, 201, user);
		} else if (st == SVC_EMAIL_TAKEN) {
			char detail[400];
			snprintf(detail, sizeof detail, "Email %s is already registered",
			         schema_get_string(&v, "email"));
			http_detail(res, 400, detail);
		} else {
			failed(req, res, st, &err);
		}
	}
	schema_values_release(&v);
}

void api_auth_login(http_request *req, http_response *res)
{
	schema_values v;
	svc_auth a;
	core_db_error err;
	svc_tokens *t = NULL;
	if (api_validated(req, res, &schema_user_login, &v) && service(req, res, &a) &&
	    (t = malloc(sizeof *t))) {
		json_t *pw = schema_get(&v, "password");
		svc_status st =
		    svc_auth_login(&a, schema_get_string(&v, "email"), json_string_value(pw),
		                   json_string_length(pw), t, &err);
		if (st == SVC_OK)
			answer_tokens(res, t);
		else if (st == SVC_BAD_CREDENTIALS)
			http_detail(res, 401, "Invalid email or password");
		else
			failed(req, res, st, &err);
	} else if (!res->status) {
		http_internal_error(res);
	}
	free(t);
	schema_values_release(&v);
}

void api_auth_refresh(http_request *req, http_response *res)
{
	schema_values v;
	svc_auth a;
	core_db_error err;
	svc_tokens *t = NULL;
	if (api_validated(req, res, &schema_token_refresh, &v) && service(req, res, &a) &&
	    (t = malloc(sizeof *t))) {
		svc_status st =
		    svc_auth_refresh(&a, schema_get_string(&v, "refresh_token"), t, &err);
		if (st == SVC_OK)
			answer_tokens(res, t);
		else if (st == SVC_BAD_TOKEN)
			unauthorized(res, bad_token);
		else
			failed(req, res, st, &err);
	} else if (!res->status) {
		http_internal_error(res);
	}
	free(t);
	schema_values_release(&v);
}

void api_auth_me(http_request *req, http_response *res)
{
	svc_auth a;
	core_db_error err;
	core_db_result *user;
	if (!service(req, res, &a))
		return;
	svc_status st = svc_auth_user(&a, api_caller_of(req).user_id, &user, &err);
	if (st == SVC_OK)
		answer_user(res, 200, user);
	else if (st == SVC_NOT_FOUND)
		http_detail(res, 404, "User not found");
	else
		failed(req, res, st, &err);
}

/* ---- the authenticator ---- */

static void set_caller(http_request *req, const char *user_id, const char *role)
{
	req->auth.ok = true;
	snprintf(req->auth.user_id, sizeof req->auth.user_id, "%s", user_id);
	snprintf(req->auth.role, sizeof req->auth.role, "%s", role ? role : "");
	for (char *p = req->auth.user_id; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
}

/* X-User-ID from a trusted gateway: the role is read from the user row
 * ("" when the user does not exist; the handler answers 404). */
static int from_gateway(http_request *req, http_response *res, const char *id)
{
	if (!core_uuid_valid(id)) {
		unauthorized(res, bad_token);
		return -1;
	}
	svc_auth a;
	core_db_error err;
	core_db_result *user;
	char lower[37];
	snprintf(lower, sizeof lower, "%s", id);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	if (!service(req, res, &a))
		return -1;
	svc_status st = svc_auth_user(&a, lower, &user, &err);
	if (st != SVC_OK && st != SVC_NOT_FOUND) {
		failed(req, res, st, &err);
		return -1;
	}
	set_caller(req, lower, user ? schema_user_col(user, 0, "role") : "");
	core_db_result_free(user);
	return 0;
}

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

int api_auth_authenticate(http_request *req, http_response *res)
{
	const char *gateway_id = http_header(req, "X-User-ID");
	if (api_ctx(req)->cfg->trust_gateway_headers && gateway_id)
		return from_gateway(req, res, gateway_id);
	const char *token = bearer_token(http_header(req, "Authorization"));
	if (!token) {
		unauthorized(res, "Not authenticated");
		return -1;
	}
	core_claims c;
	if (core_token_verify(&api_ctx(req)->security, token, CORE_TOKEN_ACCESS,
	                      (int64_t)time(NULL), &c)) {
		unauthorized(res, bad_token);
		return -1;
	}
	set_caller(req, c.sub, c.role);
	return 0;
}
