/* openapi.h — the service's OpenAPI 3.1 document, generated from the route
 * table (each row's method, pattern, auth flag and document, api/routes.h)
 * and the schema descriptor tables the handlers validate and serialise
 * with (schemas/, as JSON Schema by schemas/jsonschema.h), so it cannot
 * drift from what the service does. Built once at start-up (api/docs.c
 * serves it at /openapi.json).
 */
#ifndef API_OPENAPI_H
#define API_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

#include "http/http.h"

/* The document of the rows of routes[0..n) that have a doc (the others are
 * left out, as FastAPI leaves out its docs routes). root_path: "" or the
 * prefix a proxy serves the API under ("/user-service"), written as the
 * one server; version: info.version. New reference; NULL when out of
 * memory. */
json_t *api_openapi_document(const http_route *routes, size_t n, const char *root_path,
                             const char *version);

#endif
