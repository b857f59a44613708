/* schema.h — request and response schemas as descriptor tables, read by one
 * validator (JSON body -> checked values or FastAPI 422 errors) and one
 * serializer (database row -> JSON). Repositories derive their column lists
 * from the same tables (repositories/repo.h), so a field is declared once.
 *
 * Adding a field to an endpoint (DESIGN §4 "Adding a column is small"):
 *   1. models/<table>.sql: add the column; `retort revision --autogenerate
 *      -m "..."`, review, `retort upgrade head` (rebuild: the service checks
 *      the revision at start).
 *   2. schemas/<noun>.c: one row in the request and/or response table, e.g.
 *      {"phone_number", SCHEMA_STRING, SCHEMA_OPTIONAL | SCHEMA_NULLABLE,
 *       10, 20, NULL, NULL, "phone_number"}
 *   Nothing else: SELECT lists, INSERT/UPDATE columns, validation and the
 *   JSON output follow from the tables.
 *
 * Adding a schema: a `static const schema_field x_fields[]` table and
 * `SCHEMA_DEFINE(schema_x, x_fields);` in schemas/<noun>.c, declared in
 * schemas/<noun>.h as `extern const schema schema_x;`.
 */
#ifndef SCHEMAS_SCHEMA_H
#define SCHEMAS_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/db.h"
#include "retort/buf.h"

typedef enum schema_type {
	SCHEMA_STRING, /* min/max: length in characters */
	SCHEMA_EMAIL,  /* a string that must look like an address; the domain lowercased */
	SCHEMA_CHOICE, /* a string from choices ("student|instructor") */
	SCHEMA_INT,    /* min/max: value bounds when either is non-zero */
	SCHEMA_BOOL,
	SCHEMA_NUMBER,   /* a double */
	SCHEMA_UUID,     /* a string; output only */
	SCHEMA_DATETIME, /* output only: a time column as RFC 3339 UTC */
	SCHEMA_OBJECT,   /* output only: another schema's object (schema.objects), built by the
	                    handler */
} schema_type;

enum schema_flags {
	SCHEMA_OPTIONAL = 1 << 0,   /* may be absent (then `fallback` applies, if any) */
	SCHEMA_NULLABLE = 1 << 1,   /* null is a valid value (e.g. clears phone_number) */
	SCHEMA_WRITE_ONLY = 1 << 2, /* accepted, never serialised (password) */
};

typedef struct schema_field {
	const char *name; /* JSON key */
	schema_type type;
	unsigned flags;
	long long min, max;
	const char *choices;  /* SCHEMA_CHOICE: values separated by '|' */
	const char *fallback; /* JSON text of the default when absent, or NULL */
	const char *column;   /* database column, or NULL when not stored */
} schema_field;

typedef struct schema {
	const char *name; /* "schema_user": the variable; the OpenAPI component is "User" */
	const schema_field *fields;
	size_t n;
	/* a response that is another schema's object with more members (GET
	 * /profile: the user and its profile): base's fields come first. Only
	 * the OpenAPI document reads it; the handler builds such an answer */
	const struct schema *base;
	/* the schemas of the SCHEMA_OBJECT fields, in the fields' order */
	const struct schema *const *objects;
} schema;

#define SCHEMA_DEFINE(var, table) \
	const schema var = {#var, table, sizeof(table) / sizeof((table)[0]), NULL, NULL}
#define SCHEMA_DEFINE_NESTED(var, table, nested) \
	const schema var = {#var, table, sizeof(table) / sizeof((table)[0]), NULL, nested}
#define SCHEMA_DEFINE_EXTENDS(var, base_schema, table, nested) \
	const schema var = {#var, table, sizeof(table) / sizeof((table)[0]), &(base_schema), nested}

/* The schema of SCHEMA_OBJECT field i of s (from s->objects). */
const schema *schema_object_of(const schema *s, size_t i);

enum { SCHEMA_MAX_FIELDS = 32 };

/* The validated input of one request: for each field of the schema (same
 * index), the value (a new reference; NULL when absent without default) and
 * whether the client sent it (PUT changes only the fields sent). */
typedef struct schema_values {
	const schema *s;
	json_t *v[SCHEMA_MAX_FIELDS];
	bool sent[SCHEMA_MAX_FIELDS];
} schema_values;

/* Validates body (any JSON value) against s. Returns 0 with out filled, or
 * -1 with pydantic-v2-shaped errors appended to errors (schemas/errors.h;
 * the API layer answers them as a 422). Unknown keys are ignored, as pydantic does. Email
 * values are lowercased. Release out with schema_values_release in both
 * cases. */
int schema_validate(const schema *s, json_t *body, schema_values *out, json_t *errors);
void schema_values_release(schema_values *v);

/* Index of field name in s, or -1. */
int schema_field_index(const schema *s, const char *name);
/* The value of field name (borrowed), or NULL when absent or unknown. */
json_t *schema_get(const schema_values *v, const char *name);
/* The string value of field name, or NULL (absent, null or not a string). */
const char *schema_get_string(const schema_values *v, const char *name);

/* The JSON object for row of r, whose columns are the ones
 * repo_columns(s) lists, in that order. NULL when out of memory. */
json_t *schema_serialize_row(const schema *s, const core_db_result *r, size_t row);

/* A JSON array of every row of r (columns as above). NULL when out of
 * memory. */
json_t *schema_serialize_rows(const schema *s, const core_db_result *r);

/* The same object as JSON text appended to b, byte for byte what
 * json_dumps(schema_serialize_row(s, r, row), JSON_COMPACT) gives, without
 * building the tree first (for responses that are one row). Returns 0, or
 * -1 when out of memory or a text value is not UTF-8 (as jansson refuses
 * it too). */
int schema_write_row(rt_buf *b, const schema *s, const core_db_result *r, size_t row);

#endif
