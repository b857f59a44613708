/* context.c — the handlers' shared steps (see context.h). */
#include "api/context.h"

#include <string.h>

#include "core/log.h"
#include "http/response.h"
#include "schemas/errors.h"
#include "banned.h"

/* What each service status answers. detail NULL: err->message is the
 * detail (the services word the sentences clients read). */
static const struct {
	int code;
	const char *detail;
	bool log;       /* the message is for the log, never for the client */
	bool challenge; /* WWW-Authenticate: Bearer */
} answers[SVC_STATUS_COUNT] = {
    [SVC_OK] = {500, "Internal Server Error", true, false}, /* a bug: not a failure */
    [SVC_UNAVAILABLE] = {503, "Database unavailable", true, false},
    [SVC_DB] = {500, "Internal Server Error", true, false},
    [SVC_NOMEM] = {500, "Internal Server Error", true, false},
    [SVC_BUSY] = {503, NULL, false, false},
    [SVC_THROTTLED] = {429, NULL, false, false},
    [SVC_NOT_READY] = {503, NULL, false, false},
    [SVC_EMAIL_TAKEN] = {400, NULL, false, false},
    [SVC_BAD_CREDENTIALS] = {401, NULL, false, false},
    [SVC_BAD_TOKEN] = {401, NULL, false, true},
    [SVC_USER_NOT_FOUND] = {404, NULL, false, false},
    [SVC_NOT_INSTRUCTOR] = {403, NULL, false, false},
    [SVC_ALREADY_ENROLLED] = {409, NULL, false, false},
    [SVC_ENROLLMENT_NOT_FOUND] = {404, NULL, false, false},
    [SVC_NOT_AN_IMAGE] = {400, NULL, false, false},
    [SVC_STORAGE] = {500, "Internal Server Error", true, false},
};

void api_failed(http_request *req, http_response *res, const svc_error *err)
{
	unsigned st = (unsigned)err->status < SVC_STATUS_COUNT ? (unsigned)err->status : SVC_DB;
	if (answers[st].log)
		core_log(st == SVC_UNAVAILABLE ? CORE_LOG_WARNING : CORE_LOG_ERROR,
		         "rid=%s database: %s", req->request_id, err->message);
	http_detail(res, answers[st].code, answers[st].detail ? answers[st].detail : err->message);
	if (answers[st].challenge)
		res->www_authenticate = "Bearer";
	res->retry_after = err->retry_after;
}

void api_client_address(const http_request *req, char *out, size_t len)
{
	const char *forwarded = http_header(req, "X-Forwarded-For");
	if (api_ctx(req)->trust_gateway_headers && forwarded) {
		/* the first hop is the client the gateway saw */
		while (*forwarded == ' ')
			forwarded++;
		size_t n = strcspn(forwarded, ", ");
		if (n > 0 && n < len) {
			memcpy(out, forwarded, n);
			out[n] = '\0';
			return;
		}
	}
	http_peer_address(req, out, len);
}

bool api_validated(http_request *req, http_response *res, const schema *s, schema_values *v)
{
	*v = (schema_values){.s = s};
	json_t *errors = json_array();
	if (!errors) {
		http_internal_error(res);
		return false;
	}
	json_t *body = schema_parse_body(req->body, req->body_len, errors);
	int rc = body ? schema_validate(s, body, v, errors) : -1;
	json_decref(body);
	if (rc) {
		if (json_array_size(errors))
			http_422(res, errors);
		else {
			json_decref(errors);
			http_internal_error(res);
		}
		return false;
	}
	json_decref(errors);
	return true;
}

void api_answer_rows(http_response *res, int status, const schema *s, svc_rows *rows, bool many)
{
	if (many) {
		http_json(res, status, schema_serialize_rows(s, rows));
	} else {
		rt_buf b = RT_BUF_INIT;
		char *text = schema_write_row(&b, s, rows, 0) ? NULL : rt_buf_detach(&b);
		rt_buf_release(&b);
		http_json_text(res, status, text); /* NULL: 500 */
	}
	svc_rows_free(rows);
}
