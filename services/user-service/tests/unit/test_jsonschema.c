/* test_jsonschema.c — descriptor rows as JSON Schema (schemas/jsonschema.c),
 * cases as data: one field per case and the property the OpenAPI document
 * gets for it, as a request body and as an answer; component names; a
 * schema that extends another and nests objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "schemas/jsonschema.h"

static const struct {
	schema_field field;
	const char *request;  /* its property as a request body's */
	const char *response; /* as an answer's; NULL: left out */
	bool required;
} cases[] = {
    {{"s", SCHEMA_STRING, 0, 1, 100, NULL, NULL, NULL},
     "{\"type\":\"string\",\"minLength\":1,\"maxLength\":100}",
     "{\"type\":\"string\",\"minLength\":1,\"maxLength\":100}",
     true},
    {{"s", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
     "{\"type\":\"string\"}",
     "{\"type\":\"string\"}",
     true},
    {{"e", SCHEMA_EMAIL, 0, 0, 254, NULL, NULL, NULL},
     "{\"type\":\"string\",\"format\":\"email\",\"maxLength\":254}",
     "{\"type\":\"string\",\"format\":\"email\",\"maxLength\":254}",
     true},
    {{"r", SCHEMA_CHOICE, SCHEMA_OPTIONAL, 0, 0, "a|b", "\"a\"", NULL},
     "{\"type\":\"string\",\"enum\":[\"a\",\"b\"],\"default\":\"a\"}",
     "{\"type\":\"string\",\"enum\":[\"a\",\"b\"],\"default\":\"a\"}",
     false},
    {{"i", SCHEMA_INT, 0, 1, 2147483647, NULL, NULL, NULL},
     "{\"type\":\"integer\",\"minimum\":1,\"maximum\":2147483647}",
     "{\"type\":\"integer\",\"minimum\":1,\"maximum\":2147483647}",
     true},
    /* the validator's rule: a minimum of 0 holds when a maximum is set */
    {{"i", SCHEMA_INT, 0, 0, 9, NULL, NULL, NULL},
     "{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}",
     "{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}",
     true},
    {{"i", SCHEMA_INT, 0, 0, 0, NULL, NULL, NULL},
     "{\"type\":\"integer\"}",
     "{\"type\":\"integer\"}",
     true},
    {{"p", SCHEMA_STRING, SCHEMA_OPTIONAL | SCHEMA_NULLABLE, 10, 20, NULL, NULL, NULL},
     "{\"anyOf\":[{\"type\":\"string\",\"minLength\":10,\"maxLength\":20},{\"type\":\"null\"}]}",
     "{\"anyOf\":[{\"type\":\"string\",\"minLength\":10,\"maxLength\":20},{\"type\":\"null\"}]}",
     false},
    {{"pw", SCHEMA_STRING, SCHEMA_WRITE_ONLY, 8, 100, NULL, NULL, NULL},
     "{\"type\":\"string\",\"format\":\"password\",\"writeOnly\":true,\"minLength\":8,"
     "\"maxLength\":100}",
     NULL,
     true},
    {{"b", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, NULL},
     "{\"type\":\"boolean\"}",
     "{\"type\":\"boolean\"}",
     true},
    {{"n", SCHEMA_NUMBER, 0, 0, 0, NULL, NULL, NULL},
     "{\"type\":\"number\"}",
     "{\"type\":\"number\"}",
     true},
    {{"u", SCHEMA_UUID, 0, 0, 0, NULL, NULL, NULL},
     "{\"type\":\"string\",\"format\":\"uuid\"}",
     "{\"type\":\"string\",\"format\":\"uuid\"}",
     true},
    {{"t", SCHEMA_DATETIME, SCHEMA_NULLABLE, 0, 0, NULL, NULL, NULL},
     "{\"anyOf\":[{\"type\":\"string\",\"format\":\"date-time\"},{\"type\":\"null\"}]}",
     "{\"anyOf\":[{\"type\":\"string\",\"format\":\"date-time\"},{\"type\":\"null\"}]}",
     true},
};

static void assert_json(json_t *got, const char *want)
{
	json_t *expected = json_loads(want, 0, NULL);
	assert_non_null(expected);
	if (!json_equal(got, expected)) {
		char *text = json_dumps(got, JSON_COMPACT);
		fail_msg("got %s, want %s", text ? text : "(null)", want);
	}
	json_decref(expected);
}

static void check_direction(const schema *s, size_t i, bool response)
{
	json_t *js = schema_json_schema(s, response);
	assert_non_null(js);
	assert_string_equal(json_string_value(json_object_get(js, "type")), "object");
	json_t *prop = json_object_get(json_object_get(js, "properties"), cases[i].field.name);
	const char *want = response ? cases[i].response : cases[i].request;
	if (!want)
		assert_null(prop);
	else
		assert_json(prop, want);
	json_t *required = json_object_get(js, "required");
	bool listed =
	    required && json_array_size(required) == 1 &&
	    strcmp(json_string_value(json_array_get(required, 0)), cases[i].field.name) == 0;
	assert_int_equal(listed, cases[i].required && want != NULL);
	json_decref(js);
}

static void fields_as_properties(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const schema s = {"schema_case", &cases[i].field, 1, NULL, NULL};
		check_direction(&s, i, false);
		check_direction(&s, i, true);
	}
}

static void component_names(void **state)
{
	(void)state;
	static const struct {
		const char *var, *name;
	} names[] = {
	    {"schema_user", "User"},
	    {"schema_user_register", "UserRegister"},
	    {"schema_instructor_profile_update", "InstructorProfileUpdate"},
	    {"plain", "Plain"},
	};
	char out[64];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const schema s = {names[i].var, NULL, 0, NULL, NULL};
		schema_component_name(&s, out, sizeof out);
		assert_string_equal(out, names[i].name);
	}
	const schema s = {"schema_instructor_profile", NULL, 0, NULL, NULL};
	schema_component_name(&s, out, 8); /* truncated, terminated */
	assert_string_equal(out, "Instruc");
}

static const schema_field inner_fields[] = {
    {"x", SCHEMA_INT, 0, 0, 0, NULL, NULL, "x"},
};
static SCHEMA_DEFINE(schema_inner, inner_fields);
static const schema_field base_fields[] = {
    {"id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "id"},
};
static SCHEMA_DEFINE(schema_base, base_fields);
static const schema_field outer_fields[] = {
    {"a", SCHEMA_OBJECT, SCHEMA_OPTIONAL | SCHEMA_NULLABLE, 0, 0, NULL, NULL, NULL},
    {"n", SCHEMA_INT, 0, 0, 0, NULL, NULL, NULL},
    {"b", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL, NULL},
};
static const schema *const outer_objects[] = {&schema_inner, &schema_base};
static SCHEMA_DEFINE_EXTENDS(schema_outer, schema_base, outer_fields, outer_objects);

static void extends_and_nests(void **state)
{
	(void)state;
	json_t *js = schema_json_schema(&schema_outer, true);
	assert_json(js,
	            "{\"type\":\"object\",\"title\":\"Outer\",\"required\":[\"id\",\"n\",\"b\"],"
	            "\"properties\":{\"id\":{\"type\":\"string\",\"format\":\"uuid\"},"
	            "\"a\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/Inner\"},"
	            "{\"type\":\"null\"}]},\"n\":{\"type\":\"integer\"},"
	            "\"b\":{\"$ref\":\"#/components/schemas/Base\"}}}");
	json_decref(js);
	assert_ptr_equal(schema_object_of(&schema_outer, 0), &schema_inner);
	assert_ptr_equal(schema_object_of(&schema_outer, 2), &schema_base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fields_as_properties),
	    cmocka_unit_test(component_names),
	    cmocka_unit_test(extends_and_nests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
