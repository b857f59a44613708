/* context.c — the application context and the handlers' database access
 * (see context.h). */
#include "api/context.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "http/response.h"
#include "repositories/repo.h"
#include "retort/buf.h"
#include "banned.h"

int api_context_init(api_context *ctx, const core_config *cfg, char *err, size_t errlen)
{
	core_db_error dberr;
	rt_buf b = RT_BUF_INIT;
	*ctx = (api_context){.cfg = cfg};
	if (core_db_pool_new(cfg->database_url, &ctx->db, &dberr)) {
		snprintf(err, errlen, "DATABASE_URL: %s", dberr.message);
		return -1;
	}
	if (repo_version_sql(&b, cfg->version_table) || !(ctx->version_sql = rt_buf_detach(&b))) {
		rt_buf_release(&b);
		api_context_release(ctx);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (repo_users_init(&ctx->users)) {
		api_context_release(ctx);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (core_security_init(&ctx->security, cfg->jwt_secret_key,
	                       (int64_t)cfg->jwt_access_minutes * 60,
	                       (int64_t)cfg->jwt_refresh_days * 86400)) {
		api_context_release(ctx);
		snprintf(err, errlen, "JWT_SECRET_KEY: must be set and not empty");
		return -1;
	}
	return 0;
}

void api_context_release(api_context *ctx)
{
	core_db_pool_free(ctx->db);
	free(ctx->version_sql);
	repo_users_release(&ctx->users);
	core_security_release(&ctx->security);
	*ctx = (api_context){0};
}

void api_db_failed(http_request *req, http_response *res, const core_db_error *err)
{
	core_log(err->status == CORE_DB_UNAVAILABLE ? CORE_LOG_WARNING : CORE_LOG_ERROR,
	         "rid=%s database: %s", req->request_id, err->message);
	if (err->status == CORE_DB_UNAVAILABLE)
		http_unavailable(res, "Database unavailable");
	else
		http_internal_error(res);
}

core_db *api_db(http_request *req, http_response *res)
{
	core_db_error err;
	core_db *db = core_db_pool_get(api_ctx(req)->db, &err);
	if (!db)
		api_db_failed(req, res, &err);
	return db;
}

bool api_validated(http_request *req, http_response *res, const schema *s, schema_values *v)
{
	json_t *body = http_body_json(req, res);
	if (!body) {
		*v = (schema_values){.s = s};
		return false;
	}
	json_t *errors = json_array();
	if (!errors) {
		json_decref(body);
		*v = (schema_values){.s = s};
		http_internal_error(res);
		return false;
	}
	int rc = schema_validate(s, body, v, errors);
	json_decref(body);
	if (rc) {
		http_422(res, errors);
		return false;
	}
	json_decref(errors);
	return true;
}
