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
#include "schemas/users.h"
#include "services/avatars.h"
#include "services/profiles.h"
#include "banned.h"

/* How GET /profile/ shows each kind of profile: its key and schema (the
 * other kind's key is null). */
static const struct {
	const char *key;
	const schema *s;
} shown[] = {
    [SVC_PROFILE_STUDENT] = {"student_profile", &schema_student_profile},
    [SVC_PROFILE_INSTRUCTOR] = {"instructor_profile", &schema_instructor_profile},
};

/* The user object with both profile keys, as the Python service answers:
 * the user's kind set (null when the row is missing), the other null. */
static json_t *profile_json(const svc_profile *p)
{
	json_t *user = schema_serialize_row(&schema_user, p->user, 0);
	if (!user)
		return NULL;
	for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
		json_t *profile = k == (size_t)p->kind && p->profile
		                      ? schema_serialize_row(shown[k].s, p->profile, 0)
		                      : json_null();
		if (!profile || json_object_set_new(user, shown[k].key, profile)) {
			json_decref(user);
			return NULL;
		}
	}
	return user;
}

void api_profile_get(http_request *req, http_response *res)
{
	svc_profile p;
	svc_error err;
	if (svc_profile_get(api_svc(req), api_caller_of(req).user_id, &p, &err) == SVC_OK)
		http_json(res, 200, profile_json(&p));
	else
		api_failed(req, res, &err);
	svc_profile_release(&p);
}

void api_profile_update(http_request *req, http_response *res)
{
	schema_values v;
	svc_rows *user;
	svc_error err;
	if (api_validated(req, res, &schema_profile_update, &v)) {
		if (svc_profile_update(api_svc(req), api_caller_of(req).user_id, &v, &user, &err))
			api_failed(req, res, &err);
		else
			api_answer_rows(res, 200, &schema_user, user, false);
	}
	schema_values_release(&v);
}

void api_profile_instructor_update(http_request *req, http_response *res)
{
	schema_values v;
	svc_rows *profile;
	svc_error err;
	if (api_validated(req, res, &schema_instructor_profile_update, &v)) {
		if (svc_instructor_profile_update(api_svc(req), api_caller_of(req).user_id, &v,
		                                  &profile, &err))
			api_failed(req, res, &err);
		else
			api_answer_rows(res, 200, &schema_instructor_profile, profile, false);
	}
	schema_values_release(&v);
}

/* FastAPI's answer for a required UploadFile that did not come: the body was
 * not multipart/form-data, or had no part named "file". */
static void missing_file(http_response *res)
{
	json_t *errors = json_pack("[{s:s,s:[s,s],s:s,s:n}]", "type", "missing", "loc", "body",
	                           HTTP_FORM_FILE_FIELD, "msg", "Field required", "input");
	if (!errors) {
		http_internal_error(res);
		return;
	}
	http_422(res, errors);
}

void api_profile_avatar(http_request *req, http_response *res)
{
	const http_form *form = req->form;
	if (!form || form->bad || !form->has_file) {
		missing_file(res);
		return;
	}
	if (form->too_large) {
		http_detail(res, 413, "File too large: an avatar has at most 5 MB");
		return;
	}
	char url[SVC_AVATAR_URL_MAX];
	svc_error err;
	if (svc_avatar_set(api_svc(req), api_caller_of(req).user_id, form->data, form->len, url,
	                   &err)) {
		api_failed(req, res, &err);
		return;
	}
	json_t *body = json_pack("{s:s}", "profile_picture_url", url);
	if (body)
		http_json(res, 200, body);
	else
		http_internal_error(res);
}
