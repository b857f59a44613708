/* errors.c — pydantic-shaped validation errors (see errors.h). */
#include "schemas/errors.h"

#include "banned.h"

int schema_error_add(json_t *errors, const char *type, json_t *loc, const char *msg, json_t *input,
                     json_t *ctx)
{
	json_t *e = json_pack("{s:s, s:o, s:s, s:O}", "type", type, "loc", loc, "msg", msg, "input",
	                      input ? input : json_null());
	if (!e) {
		json_decref(ctx);
		return -1;
	}
	if (ctx && json_object_set_new(e, "ctx", ctx)) {
		json_decref(e);
		return -1;
	}
	return json_array_append_new(errors, e);
}

json_t *schema_parse_body(const char *text, size_t len, json_t *errors)
{
	if (len == 0) {
		if (schema_error_add(errors, "missing", json_pack("[s]", "body"), "Field required",
		                     NULL, NULL))
			json_array_clear(errors);
		return NULL;
	}
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (v)
		return v;
	/* FastAPI reports the offset of the error and Python's reason; jansson's
	 * text is the closest honest equivalent */
	json_t *ctx = json_pack("{s:s}", "error", jerr.text);
	json_t *empty = json_object();
	if (schema_error_add(errors, "json_invalid", json_pack("[s,i]", "body", jerr.position),
	                     "JSON decode error", empty, ctx))
		json_array_clear(errors);
	json_decref(empty);
	return NULL;
}
