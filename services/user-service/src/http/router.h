/* router.h — matching a request against the route table. Paths match with
 * or without a trailing slash; "{name}" matches one non-empty segment. */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include "http/http.h"

/* GET, POST, ...; HTTP_OTHER for anything else. HEAD is treated as GET. */
http_method http_method_parse(const char *name);

/* Copies path into out (size outlen) without its trailing slashes ("/"
 * stays "/"); false when it does not fit. */
bool http_path_normalise(const char *path, char *out, size_t outlen);

/* The route for method and a normalised path, filling req->params; NULL
 * when none. Then *allowed has the methods that the path does match (0:
 * answer 404, else 405 with those methods). */
const http_route *http_router_match(const http_route *routes, size_t n, http_method method,
                                    const char *path, http_request *req, unsigned *allowed);

/* "GET, POST" for a method mask, into out. */
void http_methods_text(unsigned mask, char *out, size_t outlen);

#endif
