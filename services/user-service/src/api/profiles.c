/* profiles.c — the profile handlers (see profiles.h): validate the body
 * against schemas/profiles.c, call services/profiles.c, answer. As in
 * FastAPI, a body that fails validation is a 422 before any permission
 * check of the handler (401 comes first: the authenticator runs before).
 */
#include "api/profiles.h"

#include "api/auth_context.h"
#include "api/context.h"
#include "http/response.h"
#include "schemas/profiles.h"
#include "services/profiles.h"
#include "banned.h"

/* What each outcome of services/profiles.h answers. */
static const struct {
	int status;
	const char *detail;
} outcomes[] = {
    [SVC_PROFILE_NO_USER] = {404, "User not found"},
    [SVC_PROFILE_NOT_INSTRUCTOR] = {403, "Only instructors have an instructor profile"},
};

static void answer(http_request *req, http_response *res, int rc, json_t *out,
                   const core_db_error *err)
{
	if (rc < 0)
		api_db_failed(req, res, err);
	else if (rc == SVC_PROFILE_OK)
		http_json(res, 200, out);
	else
		http_detail(res, outcomes[rc].status, outcomes[rc].detail);
}

void api_profile_get(http_request *req, http_response *res)
{
	core_db *db = api_db(req, res);
	if (!db)
		return;
	json_t *out;
	core_db_error err;
	int rc = svc_profile_get(&api_ctx(req)->users, db, api_caller_of(req).user_id, &out, &err);
	answer(req, res, rc, out, &err);
}

void api_profile_update(http_request *req, http_response *res)
{
	schema_values v;
	if (api_validated(req, res, &schema_profile_update, &v)) {
		core_db *db = api_db(req, res);
		if (db) {
			json_t *out;
			core_db_error err;
			int rc = svc_profile_update(db, api_caller_of(req).user_id, &v, &out, &err);
			answer(req, res, rc, out, &err);
		}
	}
	schema_values_release(&v);
}

void api_profile_instructor_update(http_request *req, http_response *res)
{
	schema_values v;
	if (api_validated(req, res, &schema_instructor_profile_update, &v)) {
		core_db *db = api_db(req, res);
		if (db) {
			json_t *out;
			core_db_error err;
			int rc = svc_instructor_profile_update(db, api_caller_of(req).user_id, &v,
			                                       &out, &err);
			answer(req, res, rc, out, &err);
		}
	}
	schema_values_release(&v);
}
