/* schema.c — the one validator and the one serializer (see schema.h).
 * Error types and messages are pydantic v2's, so clients of the Python
 * service see the same 422 bodies. */
#include "schemas/schema.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schemas/errors.h"
#include "banned.h"

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static json_t *loc(const schema_field *f)
{
	return json_pack("[s,s]", "body", f->name);
}

static int add_error(json_t *errors, const schema_field *f, const char *type, const char *msg,
                     json_t *input, json_t *ctx)
{
	return schema_error_add(errors, type, loc(f), msg, input, ctx);
}

/* An address with one '@', a non-empty local part of at most 64 bytes and a
 * dotted domain, no spaces. Returns NULL when fine, else the reason. */
static const char *email_problem(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at)
		return "An email address must have an @-sign.";
	if (strchr(at + 1, '@'))
		return "The part after the @-sign contains invalid characters: '@'.";
	if (at == s)
		return "There must be something before the @-sign.";
	if (at - s > 64)
		return "The email address is too long before the @-sign.";
	const char *domain = at + 1;
	if (!*domain)
		return "There must be something after the @-sign.";
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20)
			return "The email address contains invalid characters.";
	const char *dot = strrchr(domain, '.');
	if (!dot || dot == domain || !dot[1] || strstr(domain, ".."))
		return "The part after the @-sign is not valid. It should have a period.";
	return NULL;
}

static bool in_choices(const char *choices, const char *s)
{
	size_t len = strlen(s);
	for (const char *p = choices; *p;) {
		size_t n = strcspn(p, "|");
		if (n == len && memcmp(p, s, n) == 0)
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

static int check_string(const schema_field *f, json_t *v, json_t *errors, json_t **out)
{
	char msg[160];
	if (!json_is_string(v))
		return add_error(errors, f, "string_type", "Input should be a valid string", v,
		                 NULL)
		           ? -2
		           : -1;
	const char *s = json_string_value(v);
	/* jansson keeps a "\u0000" inside the string; counted up to it, the rest
	 * would pass unmeasured, and bound as C text it would be cut there
	 * (PostgreSQL cannot store it at all): such text is refused */
	if (memchr(s, '\0', json_string_length(v)))
		return add_error(errors, f, "value_error",
		                 "Value error, text must not contain the NUL character (\\u0000)",
		                 v, json_pack("{s:s}", "error", "NUL character in text"))
		           ? -2
		           : -1;
	size_t chars = utf8_chars(s);
	if (f->min && chars < (size_t)f->min) {
		snprintf(msg, sizeof msg, "String should have at least %lld character%s", f->min,
		         f->min == 1 ? "" : "s");
		return add_error(errors, f, "string_too_short", msg, v,
		                 json_pack("{s:I}", "min_length", f->min))
		           ? -2
		           : -1;
	}
	if (f->max && chars > (size_t)f->max) {
		snprintf(msg, sizeof msg, "String should have at most %lld character%s", f->max,
		         f->max == 1 ? "" : "s");
		return add_error(errors, f, "string_too_long", msg, v,
		                 json_pack("{s:I}", "max_length", f->max))
		           ? -2
		           : -1;
	}
	if (f->type == SCHEMA_CHOICE && !in_choices(f->choices, s)) {
		char pattern[128];
		snprintf(pattern, sizeof pattern, "^(%s)$", f->choices);
		snprintf(msg, sizeof msg, "String should match pattern '%s'", pattern);
		return add_error(errors, f, "string_pattern_mismatch", msg, v,
		                 json_pack("{s:s}", "pattern", pattern))
		           ? -2
		           : -1;
	}
	if (f->type == SCHEMA_EMAIL) {
		const char *why = email_problem(s);
		if (why) {
			snprintf(msg, sizeof msg, "value is not a valid email address: %s", why);
			return add_error(errors, f, "value_error", msg, v,
			                 json_pack("{s:s}", "reason", why))
			           ? -2
			           : -1;
		}
		/* As the Python service (email-validator) stores it: the domain
		 * lowercased, the local part as typed. Lookups and uniqueness are
		 * case-insensitive in the repositories (lower(email)). */
		char *lower = strdup(s);
		if (!lower)
			return -2;
		for (char *p = strrchr(lower, '@'); p && *p; p++)
			*p = (char)tolower((unsigned char)*p);
		*out = json_string(lower);
		free(lower);
		return *out ? 0 : -2;
	}
	*out = json_incref(v);
	return 0;
}

/* Integers as pydantic's lax mode takes them: 5, 5.0 and "5". */
static int check_int(const schema_field *f, json_t *v, json_t *errors, json_t **out)
{
	char msg[160];
	json_int_t n;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) &&
	           fabs(json_real_value(v)) < 9e15) {
		n = (json_int_t)json_real_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		n = strtoll(s, &end, 10);
		if (!*s || *end)
			return add_error(
			           errors, f, "int_parsing",
			           "Input should be a valid integer, unable to parse string as "
			           "an integer",
			           v, NULL)
			           ? -2
			           : -1;
	} else {
		return add_error(errors, f, "int_type", "Input should be a valid integer", v, NULL)
		           ? -2
		           : -1;
	}
	if ((f->min || f->max) && n < f->min) {
		snprintf(msg, sizeof msg, "Input should be greater than or equal to %lld", f->min);
		return add_error(errors, f, "greater_than_equal", msg, v,
		                 json_pack("{s:I}", "ge", f->min))
		           ? -2
		           : -1;
	}
	if (f->max && n > f->max) {
		snprintf(msg, sizeof msg, "Input should be less than or equal to %lld", f->max);
		return add_error(errors, f, "less_than_equal", msg, v,
		                 json_pack("{s:I}", "le", f->max))
		           ? -2
		           : -1;
	}
	*out = json_integer(n);
	return *out ? 0 : -2;
}

static int check_value(const schema_field *f, json_t *v, json_t *errors, json_t **out)
{
	if (json_is_null(v) && (f->flags & SCHEMA_NULLABLE)) {
		*out = json_null();
		return 0;
	}
	switch (f->type) {
	case SCHEMA_STRING:
	case SCHEMA_EMAIL:
	case SCHEMA_CHOICE:
	case SCHEMA_UUID:
		return check_string(f, v, errors, out);
	case SCHEMA_INT:
		return check_int(f, v, errors, out);
	case SCHEMA_BOOL:
		if (!json_is_boolean(v))
			return add_error(errors, f, "bool_type", "Input should be a valid boolean",
			                 v, NULL)
			           ? -2
			           : -1;
		*out = json_incref(v);
		return 0;
	case SCHEMA_NUMBER:
		if (!json_is_number(v))
			return add_error(errors, f, "float_type", "Input should be a valid number",
			                 v, NULL)
			           ? -2
			           : -1;
		*out = json_real(json_number_value(v));
		return *out ? 0 : -2;
	case SCHEMA_DATETIME:
	case SCHEMA_OBJECT:
		break;
	}
	return add_error(errors, f, "value_error", "Field is not accepted as input", v, NULL) ? -2
	                                                                                      : -1;
}

int schema_validate(const schema *s, json_t *body, schema_values *out, json_t *errors)
{
	memset(out, 0, sizeof *out);
	out->s = s;
	if (!json_is_object(body)) {
		schema_error_add(
		    errors, "model_attributes_type", json_pack("[s]", "body"),
		    "Input should be a valid dictionary or object to extract fields from", body,
		    NULL);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < s->n && i < SCHEMA_MAX_FIELDS; i++) {
		const schema_field *f = &s->fields[i];
		json_t *v = json_object_get(body, f->name);
		if (!v) {
			if (!(f->flags & SCHEMA_OPTIONAL)) {
				schema_error_add(errors, "missing", loc(f), "Field required", body,
				                 NULL);
				rc = -1;
			} else if (f->fallback) {
				out->v[i] = json_loads(f->fallback, JSON_DECODE_ANY, NULL);
			}
			continue;
		}
		out->sent[i] = true;
		int r = check_value(f, v, errors, &out->v[i]);
		if (r)
			rc = -1;
		if (r == -2)
			break; /* out of memory: stop adding errors */
	}
	return rc;
}

void schema_values_release(schema_values *v)
{
	for (size_t i = 0; i < SCHEMA_MAX_FIELDS; i++) {
		json_decref(v->v[i]);
		v->v[i] = NULL;
	}
}

const schema *schema_object_of(const schema *s, size_t i)
{
	size_t k = 0;
	for (size_t j = 0; j < i; j++)
		k += s->fields[j].type == SCHEMA_OBJECT;
	return s->objects[k];
}

int schema_field_index(const schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

json_t *schema_get(const schema_values *v, const char *name)
{
	int i = schema_field_index(v->s, name);
	return i < 0 ? NULL : v->v[i];
}

const char *schema_get_string(const schema_values *v, const char *name)
{
	return json_string_value(schema_get(v, name));
}

static json_t *cell(const schema_field *f, const core_db_result *r, size_t row, size_t col)
{
	if (core_db_is_null(r, row, col))
		return json_null();
	char when[32];
	switch (f->type) {
	case SCHEMA_INT:
		return json_integer(core_db_get_int(r, row, col));
	case SCHEMA_BOOL:
		return json_boolean(core_db_get_bool(r, row, col));
	case SCHEMA_NUMBER:
		return json_real(core_db_get_double(r, row, col));
	case SCHEMA_DATETIME:
		return core_db_get_time(r, row, col, when) ? json_string(when)
		                                           : json_string(core_db_get(r, row, col));
	default:
		return json_string(core_db_get(r, row, col));
	}
}

/* Fields that have a column and are not write-only are serialised, from
 * the row's columns in order. */
static bool serialised(const schema_field *f)
{
	return f->column && !(f->flags & SCHEMA_WRITE_ONLY);
}

json_t *schema_serialize_row(const schema *s, const core_db_result *r, size_t row)
{
	json_t *obj = json_object();
	size_t col = 0;
	for (size_t i = 0; obj && i < s->n; i++) {
		const schema_field *f = &s->fields[i];
		if (!serialised(f))
			continue;
		if (json_object_set_new(obj, f->name, cell(f, r, row, col++))) {
			json_decref(obj);
			obj = NULL;
		}
	}
	return obj;
}

json_t *schema_serialize_rows(const schema *s, const core_db_result *r)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < core_db_rows(r); i++)
		if (json_array_append_new(list, schema_serialize_row(s, r, i))) {
			json_decref(list);
			list = NULL;
		}
	return list;
}

/* ---- the text form ---- */

/* Length of the UTF-8 sequence at p (a non-ASCII lead byte), or 0 when it
 * is malformed, overlong, a surrogate or beyond U+10FFFF. */
static size_t utf8_sequence(const unsigned char *p)
{
	unsigned c = p[0], n, min;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	unsigned cp = c & (0x3fu >> (n - 1));
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string as jansson writes it: '"' and '\\' escaped, control
 * characters as \b \f \n \r \t or \u00XX, everything else as is. */
static int write_string(rt_buf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text, *run = p;
	int rc = rt_buf_putc(b, '"');
	while (!rc && *p) {
		size_t n = 1;
		char esc = 0;
		if (*p >= 0x80 && !(n = utf8_sequence(p)))
			return -1;
		switch (*p) {
		case '"':
			esc = '"';
			break;
		case '\\':
			esc = '\\';
			break;
		case '\b':
			esc = 'b';
			break;
		case '\f':
			esc = 'f';
			break;
		case '\n':
			esc = 'n';
			break;
		case '\r':
			esc = 'r';
			break;
		case '\t':
			esc = 't';
			break;
		default:
			if (*p >= 0x20) {
				p += n;
				continue;
			}
		}
		rc = rt_buf_add(b, run, (size_t)(p - run));
		if (esc) {
			char seq[2] = {'\\', esc};
			rc = rc ? rc : rt_buf_add(b, seq, sizeof seq);
		} else {
			char seq[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			rc = rc ? rc : rt_buf_add(b, seq, sizeof seq);
		}
		run = ++p;
	}
	rc = rc ? rc : rt_buf_add(b, run, (size_t)(p - run));
	return rc ? rc : rt_buf_putc(b, '"');
}

/* A number through jansson itself, so that reals print exactly as
 * schema_serialize_row's do (the rare case: no hot response has one). */
static int write_jansson(rt_buf *b, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	int rc = text ? rt_buf_puts(b, text) : -1;
	free(text);
	return rc;
}

static int write_cell(rt_buf *b, const schema_field *f, const core_db_result *r, size_t row,
                      size_t col)
{
	if (core_db_is_null(r, row, col))
		return rt_buf_puts(b, "null");
	char when[32];
	switch (f->type) {
	case SCHEMA_INT:
		return rt_buf_printf(b, "%lld", (long long)core_db_get_int(r, row, col));
	case SCHEMA_BOOL:
		return rt_buf_puts(b, core_db_get_bool(r, row, col) ? "true" : "false");
	case SCHEMA_NUMBER:
		return write_jansson(b, json_real(core_db_get_double(r, row, col)));
	case SCHEMA_DATETIME:
		return write_string(
		    b, core_db_get_time(r, row, col, when) ? when : core_db_get(r, row, col));
	default:
		return write_string(b, core_db_get(r, row, col));
	}
}

int schema_write_row(rt_buf *b, const schema *s, const core_db_result *r, size_t row)
{
	int rc = rt_buf_putc(b, '{');
	size_t col = 0;
	for (size_t i = 0; !rc && i < s->n; i++) {
		const schema_field *f = &s->fields[i];
		if (!serialised(f))
			continue;
		if (col)
			rc = rt_buf_putc(b, ',');
		rc = rc ? rc : write_string(b, f->name);
		rc = rc ? rc : rt_buf_putc(b, ':');
		rc = rc ? rc : write_cell(b, f, r, row, col++);
	}
	return rc ? -1 : rt_buf_putc(b, '}');
}
