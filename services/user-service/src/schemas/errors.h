/* errors.h — validation errors as pydantic v2 reports them, built by the
 * schema layer and answered by the API layer (http_422 wraps the list in
 * {"detail": [...]}). The list is a JSON array the caller owns; nothing
 * here knows HTTP.
 *
 *   {"type":"missing","loc":["body","email"],"msg":"Field required","input":{...}}
 */
#ifndef SCHEMAS_ERRORS_H
#define SCHEMAS_ERRORS_H

#include <jansson.h>
#include <stddef.h>

/* Appends one error to errors:
 *   type  "missing", "string_too_short", "json_invalid", ...
 *   loc   stolen array, e.g. json_pack("[ss]", "body", "email")
 *   msg   "Field required"
 *   input borrowed (copied by reference); NULL encodes as null
 *   ctx   stolen object or NULL (omitted)
 * Returns 0, -1 when out of memory (loc and ctx are released either way). */
int schema_error_add(json_t *errors, const char *type, json_t *loc, const char *msg, json_t *input,
                     json_t *ctx);

/* Parses a request body (text[0..len), len 0 for none) as JSON. Returns the
 * value (the caller owns it), or NULL with the error FastAPI reports
 * appended to errors: an empty body is "missing" at ["body"], malformed JSON
 * (also invalid UTF-8 and nesting beyond the parser's depth) "json_invalid"
 * at ["body", offset]. When errors stays empty after NULL, memory ran out. */
json_t *schema_parse_body(const char *text, size_t len, json_t *errors);

#endif
