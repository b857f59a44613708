/* enrollments.c — the enrollment handlers (see enrollments.h): validate
 * against schemas/enrollments.c, call services/enrollments.c, answer.
 */
#include "api/enrollments.h"

#include "api/auth_context.h"
#include "api/context.h"
#include "http/response.h"
#include "schemas/enrollments.h"
#include "services/enrollments.h"
#include "banned.h"

/* What each outcome of services/enrollments.h answers. */
static const struct {
	int status;
	const char *detail;
} outcomes[] = {
    [SVC_ENROLLMENT_ALREADY] = {409, "Already enrolled in this course"},
    [SVC_ENROLLMENT_NOT_FOUND] = {404, "Enrollment not found"},
    [SVC_ENROLLMENT_NO_USER] = {404, "User not found"},
};

static void answer(http_request *req, http_response *res, int rc, int ok_status, json_t *out,
                   const core_db_error *err)
{
	if (rc < 0)
		api_db_failed(req, res, err);
	else if (rc == SVC_ENROLLMENT_OK)
		http_json(res, ok_status, out);
	else
		http_detail(res, outcomes[rc].status, outcomes[rc].detail);
}

void api_enrollment_create(http_request *req, http_response *res)
{
	schema_values v;
	if (api_validated(req, res, &schema_enrollment_create, &v)) {
		core_db *db = api_db(req, res);
		if (db) {
			json_t *out;
			core_db_error err;
			int rc =
			    svc_enrollment_create(db, api_caller_of(req).user_id, &v, &out, &err);
			answer(req, res, rc, 201, out, &err);
		}
	}
	schema_values_release(&v);
}

void api_enrollments_list(http_request *req, http_response *res)
{
	core_db *db = api_db(req, res);
	if (!db)
		return;
	json_t *out;
	core_db_error err;
	int rc = svc_enrollments_list(db, api_caller_of(req).user_id, &out, &err);
	answer(req, res, rc, 200, out, &err);
}

void api_enrollment_cancel(http_request *req, http_response *res)
{
	const char *id = http_param_get(req, "id");
	if (!id) {
		http_not_found(res); /* the route always has {id}; kept for safety */
		return;
	}
	core_db *db = api_db(req, res);
	if (!db)
		return;
	json_t *out;
	core_db_error err;
	int rc = svc_enrollment_cancel(db, api_caller_of(req).user_id, id, &out, &err);
	answer(req, res, rc, 200, out, &err);
}
