/* jsonschema.c — descriptor tables as JSON Schema (see jsonschema.h). The
 * bounds are written as the validator (schema.c) checks them: a zero
 * min or max is no bound, and an integer's minimum holds when either is
 * set. */
#include "schemas/jsonschema.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

void schema_component_name(const schema *s, char *out, size_t len)
{
	const char *p = s->name;
	if (strncmp(p, "schema_", 7) == 0)
		p += 7;
	size_t n = 0;
	bool upper = true;
	for (; *p && n + 1 < len; p++) {
		if (*p == '_') {
			upper = true;
			continue;
		}
		out[n++] = upper ? (char)toupper((unsigned char)*p) : *p;
		upper = false;
	}
	if (len)
		out[n] = '\0';
}

/* Sets key to value (stolen, also on failure) in obj; false when either
 * is NULL or memory runs out. */
static bool put(json_t *obj, const char *key, json_t *value)
{
	if (!obj) {
		json_decref(value);
		return false;
	}
	return value && json_object_set_new(obj, key, value) == 0;
}

static json_t *choices_enum(const char *choices)
{
	json_t *list = json_array();
	for (const char *p = choices; list && *p;) {
		size_t n = strcspn(p, "|");
		if (json_array_append_new(list, json_stringn(p, n))) {
			json_decref(list);
			return NULL;
		}
		p += n + (p[n] == '|');
	}
	return list;
}

/* The schema of one value of field i of s, before nullability and default. */
static json_t *value_schema(const schema *s, size_t i)
{
	const schema_field *f = &s->fields[i];
	static const struct {
		const char *type, *format;
	} base[] = {
	    [SCHEMA_STRING] = {"string", NULL}, [SCHEMA_EMAIL] = {"string", "email"},
	    [SCHEMA_CHOICE] = {"string", NULL}, [SCHEMA_INT] = {"integer", NULL},
	    [SCHEMA_BOOL] = {"boolean", NULL},  [SCHEMA_NUMBER] = {"number", NULL},
	    [SCHEMA_UUID] = {"string", "uuid"}, [SCHEMA_DATETIME] = {"string", "date-time"},
	    [SCHEMA_OBJECT] = {NULL, NULL},
	};
	json_t *v = json_object();
	bool ok = v != NULL;
	if (f->type == SCHEMA_OBJECT) {
		char name[64], ref[96];
		schema_component_name(schema_object_of(s, i), name, sizeof name);
		snprintf(ref, sizeof ref, "%s%s", SCHEMA_COMPONENT_REF, name);
		ok = put(v, "$ref", json_string(ref));
		return ok ? v : (json_decref(v), NULL);
	}
	ok = ok && put(v, "type", json_string(base[f->type].type));
	if (ok && base[f->type].format)
		ok = put(v, "format", json_string(base[f->type].format));
	if (ok && (f->flags & SCHEMA_WRITE_ONLY))
		ok = put(v, "format", json_string("password")) && put(v, "writeOnly", json_true());
	bool text = f->type == SCHEMA_STRING || f->type == SCHEMA_EMAIL;
	if (ok && text && f->min)
		ok = put(v, "minLength", json_integer(f->min));
	if (ok && text && f->max)
		ok = put(v, "maxLength", json_integer(f->max));
	if (ok && f->type == SCHEMA_INT && (f->min || f->max))
		ok = put(v, "minimum", json_integer(f->min));
	if (ok && f->type == SCHEMA_INT && f->max)
		ok = put(v, "maximum", json_integer(f->max));
	if (ok && f->type == SCHEMA_CHOICE)
		ok = put(v, "enum", choices_enum(f->choices));
	return ok ? v : (json_decref(v), NULL);
}

static json_t *field_schema(const schema *s, size_t i)
{
	const schema_field *f = &s->fields[i];
	json_t *v = value_schema(s, i);
	if (v && (f->flags & SCHEMA_NULLABLE)) {
		json_t *any = json_object();
		if (!put(any, "anyOf", json_pack("[o, {s:s}]", v, "type", "null"))) {
			json_decref(any);
			return NULL;
		}
		v = any;
	}
	if (v && f->fallback &&
	    !put(v, "default", json_loads(f->fallback, JSON_DECODE_ANY, NULL))) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Adds s's fields (base's first) to properties and required. */
static bool add_fields(const schema *s, bool response, json_t *properties, json_t *required)
{
	if (s->base && !add_fields(s->base, response, properties, required))
		return false;
	for (size_t i = 0; i < s->n; i++) {
		const schema_field *f = &s->fields[i];
		if (response && (f->flags & SCHEMA_WRITE_ONLY))
			continue;
		if (!put(properties, f->name, field_schema(s, i)))
			return false;
		if (!(f->flags & SCHEMA_OPTIONAL) &&
		    json_array_append_new(required, json_string(f->name)))
			return false;
	}
	return true;
}

json_t *schema_json_schema(const schema *s, bool response)
{
	char title[64];
	schema_component_name(s, title, sizeof title);
	json_t *properties = json_object(), *required = json_array();
	json_t *obj = json_pack("{s:s, s:s}", "type", "object", "title", title);
	bool ok = obj && properties && required && add_fields(s, response, properties, required);
	if (ok && json_array_size(required))
		ok = put(obj, "required", json_incref(required));
	ok = ok && put(obj, "properties", json_incref(properties));
	json_decref(properties);
	json_decref(required);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
