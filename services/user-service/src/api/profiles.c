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

/* The body validated against s into v, or -1 after answering 422. Release
 * v in both cases. */
static int validated(http_request *req, http_response *res, const schema *s, schema_values *v)
{
	json_t *body = http_body_json(req, res);
	*v = (schema_values){.s = s};
	if (!body)
		return -1;
	json_t *errors = json_array();
	int rc = errors ? schema_validate(s, body, v, errors) : -1;
	json_decref(body);
	if (rc)
		http_422(res, errors);
	else
		json_decref(errors);
	return rc;
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
	if (validated(req, res, &schema_profile_update, &v) == 0) {
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
	if (validated(req, res, &schema_instructor_profile_update, &v) == 0) {
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
