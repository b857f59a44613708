/* context.h — what every handler reaches through req->app: the services'
 * context and the few settings the API layer itself reads, both built by
 * the composition root (app.c) and read-only while the server runs. Plus
 * the handlers' shared steps: validating a body, answering a service's
 * failure, serialising rows.
 *
 * Handlers see only svc_* (services/), schema_* (what they validate and
 * serialise with) and http_*: never a repository or a database handle.
 */
#ifndef API_CONTEXT_H
#define API_CONTEXT_H

#include <stdbool.h>

#include "core/metrics.h"
#include "http/http.h"
#include "schemas/schema.h"
#include "services/service.h"

typedef struct api_context {
	const svc_context *svc;
	bool trust_gateway_headers;  /* honour X-User-ID (TRUST_GATEWAY_HEADERS) */
	const core_metrics *metrics; /* what GET /metrics renders */
	const struct api_docs *docs; /* /openapi.json, /docs, /redoc; NULL: DOCS_ENABLED off */
} api_context;

static inline const api_context *api_ctx(const http_request *req)
{
	return req->app;
}

static inline const svc_context *api_svc(const http_request *req)
{
	return api_ctx(req)->svc;
}

/* Answers a service's failure (err->status != SVC_OK) from one table:
 * 503 when the database is unavailable, 500 (logged with the request id,
 * the text never sent) when it failed otherwise, else the status's code
 * with err->message as the detail, and Retry-After when err has one. */
void api_failed(http_request *req, http_response *res, const svc_error *err);

/* The client's address into out[0..len): the socket's peer, or, only with
 * TRUST_GATEWAY_HEADERS=true, the first address of X-Forwarded-For. */
void api_client_address(const http_request *req, char *out, size_t len);

/* The JSON body of req validated against s into v (release v with
 * schema_values_release either way), or false after answering 422 (or
 * 500). */
bool api_validated(http_request *req, http_response *res, const schema *s, schema_values *v);

/* Answers status with row 0 of rows (columns of s) as the JSON object, or
 * with every row as a JSON array when many is true. Takes rows (frees
 * them); answers 500 when memory runs out. */
void api_answer_rows(http_response *res, int status, const schema *s, svc_rows *rows, bool many);

#endif
