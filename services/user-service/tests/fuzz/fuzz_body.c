/* fuzz_body.c — libFuzzer target for the request-body path of the user
 * service: the input is a request body, parsed by schema_parse_body
 * (schemas/errors.h) and, when it is JSON, validated by schema_validate
 * (schemas/schema.h) against every request schema the API uses. Beyond "no
 * crash, no leak", it checks the contracts the API layer relies on:
 *   - parsing yields a value and no error, or NULL and exactly one error
 *     ("missing" for an empty body, else "json_invalid");
 *   - a failed validation leaves a non-empty list of pydantic-shaped errors
 *     (type, loc starting with "body" and naming a field of the schema,
 *     msg), which serialises as the 422 body does;
 *   - a passed one has a value for every required field, each value of the
 *     field's type within its bounds, `sent` exactly for the keys present,
 *     and nothing past the schema's fields.
 * Built and run by scripts/fuzz-smoke; see docs/fuzzing.md. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schemas/enrollments.h"
#include "schemas/errors.h"
#include "schemas/profiles.h"
#include "schemas/schema.h"
#include "schemas/users.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every schema a handler in api/ validates a request body against. */
static const schema *const request_schemas[] = {
    &schema_user_register,
    &schema_user_login,
    &schema_token_refresh,
    &schema_profile_update,
    &schema_instructor_profile_update,
    &schema_enrollment_create,
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool is_text(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0;
}

/* One error as errors.h describes it; field is the schema it came from, or
 * NULL for body-level errors. */
static void check_error(const json_t *e, const schema *s)
{
	check(json_is_object(e));
	check(is_text(json_object_get(e, "type")));
	check(is_text(json_object_get(e, "msg")));
	check(json_object_get(e, "input") != NULL);
	const json_t *loc = json_object_get(e, "loc");
	check(json_is_array(loc) && json_array_size(loc) >= 1);
	check(json_is_string(json_array_get(loc, 0)) &&
	      strcmp(json_string_value(json_array_get(loc, 0)), "body") == 0);
	if (s && json_array_size(loc) == 2) {
		const json_t *name = json_array_get(loc, 1);
		check(json_is_string(name) && schema_field_index(s, json_string_value(name)) >= 0);
	}
}

/* Characters (UTF-8 lead bytes) in s[0..len). */
static size_t chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static bool in_choices(const char *choices, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	for (const char *p = choices; *p;) {
		size_t n = strcspn(p, "|");
		if (n == len && memcmp(p, s, n) == 0)
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

/* A value validation accepted for field f. */
static void check_value(const schema_field *f, const json_t *v)
{
	if (json_is_null(v)) {
		check(f->flags & SCHEMA_NULLABLE);
		return;
	}
	switch (f->type) {
	case SCHEMA_STRING:
	case SCHEMA_EMAIL:
	case SCHEMA_CHOICE:
	case SCHEMA_UUID: {
		check(json_is_string(v));
		/* accepted text holds no NUL (schema.c refuses it: the finding
		 * findings/body-nul-hides-string-length), so its bounds hold
		 * over all of it */
		const char *s = json_string_value(v);
		check(strlen(s) == json_string_length(v));
		size_t n = chars(s, json_string_length(v));
		check(!f->min || n >= (size_t)f->min);
		check(!f->max || n <= (size_t)f->max);
		if (f->type == SCHEMA_CHOICE)
			check(in_choices(f->choices, v));
		if (f->type == SCHEMA_EMAIL) {
			/* the domain lowercased, the local part as typed (as the
			 * Python service stores addresses) */
			const char *at = strrchr(s, '@');
			check(at != NULL);
			for (const char *p = at; p && *p; p++)
				check(!isupper((unsigned char)*p));
		}
		break;
	}
	case SCHEMA_INT:
		check(json_is_integer(v));
		check(!(f->min || f->max) || json_integer_value(v) >= f->min);
		check(!f->max || json_integer_value(v) <= f->max);
		break;
	case SCHEMA_BOOL:
		check(json_is_boolean(v));
		break;
	case SCHEMA_NUMBER:
		check(json_is_real(v));
		break;
	case SCHEMA_DATETIME:
	case SCHEMA_OBJECT:
		check(false); /* output only: never accepted */
		break;
	}
}

static void validate(const schema *s, json_t *body)
{
	json_t *errors = json_array();
	check(errors != NULL);
	schema_values out;
	int rc = schema_validate(s, body, &out, errors);
	check(rc == 0 || rc == -1);
	check(out.s == s);
	if (rc) {
		check(json_array_size(errors) > 0);
		size_t i;
		json_t *e;
		json_array_foreach(errors, i, e) check_error(e, json_is_object(body) ? s : NULL);
		/* what http_422 sends */
		char *text = json_dumps(errors, JSON_COMPACT);
		check(text != NULL);
		free(text);
	} else {
		check(json_array_size(errors) == 0);
		for (size_t i = 0; i < s->n; i++) {
			const schema_field *f = &s->fields[i];
			check(out.sent[i] == (json_object_get(body, f->name) != NULL));
			if (!(f->flags & SCHEMA_OPTIONAL))
				check(out.sent[i] && out.v[i]);
			if (out.sent[i])
				check(out.v[i] != NULL);
			else
				check(!out.v[i] || f->fallback);
			if (out.v[i])
				check_value(f, out.v[i]);
			check(schema_get(&out, f->name) == out.v[i]);
		}
	}
	for (size_t i = s->n; i < SCHEMA_MAX_FIELDS; i++)
		check(!out.v[i] && !out.sent[i]);
	schema_values_release(&out);
	json_decref(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *errors = json_array();
	if (!errors)
		return 0;
	json_t *body = schema_parse_body((const char *)data, size, errors);
	if (body) {
		check(json_array_size(errors) == 0);
		for (size_t i = 0; i < sizeof request_schemas / sizeof request_schemas[0]; i++)
			validate(request_schemas[i], body);
		json_decref(body);
	} else {
		check(json_array_size(errors) == 1);
		const json_t *e = json_array_get(errors, 0);
		check_error(e, NULL);
		check(strcmp(json_string_value(json_object_get(e, "type")),
		             size ? "json_invalid" : "missing") == 0);
	}
	json_decref(errors);
	return 0;
}
