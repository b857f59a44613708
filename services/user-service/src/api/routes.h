/* routes.h — the route table, what each row documents (its OpenAPI
 * operation: /openapi.json is generated from the rows, api/openapi.c), and
 * the authenticator the server runs for routes marked auth. */
#ifndef API_ROUTES_H
#define API_ROUTES_H

#include <stddef.h>

#include "http/http.h"
#include "schemas/schema.h"

enum { API_DOC_MAX_ERRORS = 6 };

/* One route's operation in the OpenAPI document. Beside what is written
 * here the generator adds: 401 and the bearer security requirement for
 * routes marked auth, 422 (HTTPValidationError) for routes with a request
 * schema, and each "{name}" of the pattern as a path parameter. */
struct http_route_doc {
	const char *operation_id; /* unique, camelCase: client generators name methods after it */
	const char *summary;
	const schema *request; /* the JSON body the handler validates with; NULL: none */
	int status;            /* the success answer */
	const schema *answer;  /* its body's schema; NULL: an untyped JSON object */
	bool many;             /* the body is a JSON array of answer */
	/* the other statuses the handler answers, each {"detail": "..."}
	 * (HTTPError); 0 ends the list */
	int errors[API_DOC_MAX_ERRORS];
};

extern const http_route api_routes[];
extern const size_t api_routes_count;

/* GET /metrics, kept out of api_routes: main.c serves it beside them, or
 * alone on METRICS_ADDR (so it is not exposed with the API). */
extern const http_route api_metrics_routes[];
extern const size_t api_metrics_routes_count;

/* Fills req->auth from the request's credentials or answers 401. */
int api_authenticate(http_request *req, http_response *res);

#endif
