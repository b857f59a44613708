/* app.c — the composition root (see app.h). */
#include "app.h"

#include <stdio.h>

#include "banned.h"

static int fail(app *a, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	app_release(a);
	return -1;
}

int app_init(app *a, const core_config *cfg, char *err, size_t errlen)
{
	core_db_error dberr;
	*a = (app){0};
	if (core_db_pool_new(cfg->database_url, &a->db, &dberr)) {
		snprintf(err, errlen, "DATABASE_URL: %s", dberr.message);
		return -1;
	}
	if (repo_version_init(&a->version, cfg->version_table) || repo_users_init(&a->users))
		return fail(a, err, errlen, "out of memory");
	if (core_security_init(&a->security, cfg->jwt_secret_key,
	                       (int64_t)cfg->jwt_access_minutes * 60,
	                       (int64_t)cfg->jwt_refresh_days * 86400))
		return fail(a, err, errlen, "JWT_SECRET_KEY: must be set and not empty");
	a->svc = (svc_context){
	    .db = a->db, .sec = &a->security, .users = &a->users, .version = &a->version};
	a->api = (api_context){.svc = &a->svc, .trust_gateway_headers = cfg->trust_gateway_headers};
	return 0;
}

void app_release(app *a)
{
	core_db_pool_free(a->db);
	repo_version_release(&a->version);
	repo_users_release(&a->users);
	core_security_release(&a->security);
	*a = (app){0};
}
