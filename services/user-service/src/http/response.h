/* response.h — filling an http_response in FastAPI's shapes.
 *
 *   {"detail":"Not Found"}                                   http_detail
 *   {"detail":[{"type","loc","msg","input"[,"ctx"]}, ...]}   http_422 (the list: schemas/errors.h)
 *
 * Every function takes ownership of the json_t it is given, also on failure,
 * and answers 500 when memory runs out, so handlers need no error paths for
 * building responses.
 */
#ifndef HTTP_RESPONSE_H
#define HTTP_RESPONSE_H

#include <jansson.h>

#include "http/http.h"

/* status with body (stolen; NULL means out of memory -> 500). */
void http_json(http_response *res, int status, json_t *body);
/* status with body given as JSON text (stolen, malloc'd; NULL -> 500). */
void http_json_text(http_response *res, int status, char *text);
/* status with {"detail": detail}. */
void http_detail(http_response *res, int status, const char *detail);
/* 422 with {"detail": errors} (errors stolen: a JSON array of error objects). */
void http_422(http_response *res, json_t *errors);

/* status with data[0..len) as the body, sent as it is (not copied: it
 * must outlive the server), with the given Content-Type, Cache-Control
 * (NULL: none) and ETag (NULL: none; borrowed like data). */
void http_static(http_response *res, int status, const char *content_type,
                 const char *cache_control, const char *etag, const void *data, size_t len);

/* The uniform answers. */
void http_not_found(http_response *res);
void http_method_not_allowed(http_response *res, unsigned allowed);
void http_unavailable(http_response *res, const char *why); /* 503 */
void http_internal_error(http_response *res);               /* 500 */

#endif
