/* jsonschema.h — a descriptor table as JSON Schema (draft 2020-12, the
 * dialect of OpenAPI 3.1), so the service's OpenAPI document
 * (api/openapi.c) says what the validator accepts and the serialiser
 * writes, from the same tables.
 *
 *   type            JSON Schema
 *   SCHEMA_STRING   string, minLength/maxLength from min/max
 *   SCHEMA_EMAIL    string, format email, maxLength
 *   SCHEMA_CHOICE   string, enum of the choices
 *   SCHEMA_INT      integer, minimum/maximum as the validator checks them
 *   SCHEMA_NUMBER   number;  SCHEMA_BOOL boolean
 *   SCHEMA_UUID     string, format uuid; SCHEMA_DATETIME string, format date-time
 *   SCHEMA_OBJECT   $ref to the nested schema's component
 *
 * SCHEMA_NULLABLE: anyOf [that, null]; a fallback: "default"; fields
 * without SCHEMA_OPTIONAL are required; SCHEMA_WRITE_ONLY fields are
 * writeOnly (format password) and left out of responses.
 */
#ifndef SCHEMAS_JSONSCHEMA_H
#define SCHEMAS_JSONSCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "schemas/schema.h"

/* The prefix of a component reference: "#/components/schemas/". */
#define SCHEMA_COMPONENT_REF "#/components/schemas/"

/* The component name of s: its variable name in CamelCase without the
 * "schema_" prefix (schema_user_register -> "UserRegister"), into
 * out[0..len) (truncated to fit). */
void schema_component_name(const schema *s, char *out, size_t len);

/* The JSON Schema object of s (base's fields first): as a request body
 * when response is false, as an answer when true (write-only fields left
 * out). New reference; NULL when out of memory. */
json_t *schema_json_schema(const schema *s, bool response);

#endif
