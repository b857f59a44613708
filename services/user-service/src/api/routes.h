/* routes.h — the route table and the authenticator the server runs for
 * routes marked auth. */
#ifndef API_ROUTES_H
#define API_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const http_route api_routes[];
extern const size_t api_routes_count;

/* GET /metrics, kept out of api_routes: main.c serves it beside them, or
 * alone on METRICS_ADDR (so it is not exposed with the API). */
extern const http_route api_metrics_routes[];
extern const size_t api_metrics_routes_count;

/* Fills req->auth from the request's credentials or answers 401. */
int api_authenticate(http_request *req, http_response *res);

#endif
