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

void api_enrollment_create(http_request *req, http_response *res)
{
	schema_values v;
	svc_rows *rows;
	svc_error err;
	if (api_validated(req, res, &schema_enrollment_create, &v)) {
		if (svc_enrollment_create(api_svc(req), api_caller_of(req).user_id, &v, &rows,
		                          &err))
			api_failed(req, res, &err);
		else
			api_answer_rows(res, 201, &schema_enrollment, rows, false);
	}
	schema_values_release(&v);
}

void api_enrollments_list(http_request *req, http_response *res)
{
	svc_rows *rows;
	svc_error err;
	if (svc_enrollments_list(api_svc(req), api_caller_of(req).user_id, &rows, &err))
		api_failed(req, res, &err);
	else
		api_answer_rows(res, 200, &schema_enrollment, rows, true);
}

void api_enrollment_cancel(http_request *req, http_response *res)
{
	const char *id = http_param_get(req, "id");
	if (!id) {
		http_not_found(res); /* the route always has {id}; kept for safety */
		return;
	}
	svc_rows *rows;
	svc_error err;
	if (svc_enrollment_cancel(api_svc(req), api_caller_of(req).user_id, id, &rows, &err))
		api_failed(req, res, &err);
	else
		api_answer_rows(res, 200, &schema_enrollment, rows, false);
}
