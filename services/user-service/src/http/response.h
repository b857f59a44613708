/* response.h — filling an http_response in FastAPI's shapes.
 *
 *   {"detail":"Not Found"}                                   http_detail
 *   {"detail":[{"type","loc","msg","input"[,"ctx"]}, ...]}   http_422 + http_422_add
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
/* 422 with {"detail": errors} (errors stolen: an array built with http_422_add). */
void http_422(http_response *res, json_t *errors);

/* Appends one validation error to errors, pydantic v2's shape:
 *   type  "missing", "string_too_short", "json_invalid", ...
 *   loc   stolen array, e.g. json_pack("[ss]", "body", "email")
 *   msg   "Field required"
 *   input borrowed (copied by reference); NULL encodes as null
 *   ctx   stolen object or NULL (omitted)
 * Returns 0, -1 when out of memory. */
int http_422_add(json_t *errors, const char *type, json_t *loc, const char *msg, json_t *input,
                 json_t *ctx);

/* Parses the request body as JSON. On success returns the value (caller
 * owns it). Otherwise NULL with res set as FastAPI answers: an empty body is
 * 422 missing at ["body"], malformed JSON (including invalid UTF-8 and
 * nesting beyond the parser's depth) is 422 json_invalid at
 * ["body", offset]. */
json_t *http_body_json(const http_request *req, http_response *res);

/* The uniform answers. */
void http_not_found(http_response *res);
void http_method_not_allowed(http_response *res, unsigned allowed);
void http_unavailable(http_response *res, const char *why); /* 503 */
void http_internal_error(http_response *res);               /* 500 */

#endif
