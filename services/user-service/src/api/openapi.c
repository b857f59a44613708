/* openapi.c — the OpenAPI 3.1 document from the route table (see
 * openapi.h). Every row with a doc becomes one operation: its path
 * parameters from the pattern's "{name}" segments, its request body from
 * the schema the handler validates with, its success answer from the
 * schema it serialises with, {"detail": "..."} (HTTPError) for the error
 * statuses the row lists, 401 and the bearer requirement for rows marked
 * auth, and 422 with FastAPI's HTTPValidationError for rows with a body.
 * Each schema a row names becomes a component once (nested ones too).
 */
#include "api/openapi.h"

#include <stdio.h>
#include <string.h>

#include "api/routes.h"
#include "schemas/jsonschema.h"
#include "banned.h"

/* The error shapes every FastAPI service shares (the API layer answers
 * them: http/response.h, schemas/errors.h), named as FastAPI names them. */
static const char error_components[] =
    "{\"HTTPError\": {\"type\": \"object\", \"title\": \"HTTPError\", \"required\": [\"detail\"],"
    "  \"properties\": {\"detail\": {\"type\": \"string\", \"title\": \"Detail\"}}},"
    " \"ValidationError\": {\"type\": \"object\", \"title\": \"ValidationError\","
    "  \"required\": [\"loc\", \"msg\", \"type\"],"
    "  \"properties\": {"
    "   \"loc\": {\"type\": \"array\", \"title\": \"Location\","
    "    \"items\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}},"
    "   \"msg\": {\"type\": \"string\", \"title\": \"Message\"},"
    "   \"type\": {\"type\": \"string\", \"title\": \"Error Type\"},"
    "   \"input\": {\"title\": \"Input\"},"
    "   \"ctx\": {\"type\": \"object\", \"title\": \"Context\"}}},"
    " \"HTTPValidationError\": {\"type\": \"object\", \"title\": \"HTTPValidationError\","
    "  \"required\": [\"detail\"],"
    "  \"properties\": {\"detail\": {\"type\": \"array\", \"title\": \"Detail\","
    "   \"items\": {\"$ref\": \"#/components/schemas/ValidationError\"}}}}}";

static const char security_schemes[] =
    "{\"HTTPBearer\": {\"type\": \"http\", \"scheme\": \"bearer\", \"bearerFormat\": \"JWT\","
    " \"description\": \"The access token of POST /auth/login or /auth/refresh\"}}";

static const char description[] =
    "User accounts, JWT login, profiles and course enrollments of SmartCourse. Errors are "
    "FastAPI's: `{\"detail\": \"...\"}`, and 422 with a list of validation errors. Any "
    "operation may also answer 413 (body too large), 500, or 503 when the database is "
    "unavailable.";

static const struct {
	http_method method;
	const char *name;
} method_names[] = {
    {HTTP_GET, "get"},     {HTTP_POST, "post"},     {HTTP_PUT, "put"},
    {HTTP_PATCH, "patch"}, {HTTP_DELETE, "delete"},
};

/* The descriptions of the statuses rows answer. */
static const struct {
	int status;
	const char *text;
} reasons[] = {
    {200, "Successful Response"},
    {201, "Successful Response"},
    {400, "Bad Request"},
    {401, "Not authenticated, or the credentials are not valid"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {409, "Conflict"},
    {422, "Validation Error"},
    {429, "Too Many Requests (with Retry-After)"},
    {503, "Service Unavailable"},
};

static const char *reason(int status)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return "Error";
}

static const char *method_name(http_method m)
{
	for (size_t i = 0; i < sizeof method_names / sizeof method_names[0]; i++)
		if (method_names[i].method == m)
			return method_names[i].name;
	return "get";
}

/* Sets key to value (stolen, also on failure); false when either is NULL
 * or memory runs out. */
static bool put(json_t *obj, const char *key, json_t *value)
{
	if (!obj) {
		json_decref(value);
		return false;
	}
	return value && json_object_set_new(obj, key, value) == 0;
}

static json_t *ref(const char *name)
{
	char text[128];
	snprintf(text, sizeof text, "%s%s", SCHEMA_COMPONENT_REF, name);
	return json_pack("{s:s}", "$ref", text);
}

/* Adds s (as a request body or an answer) and the schemas it nests to
 * components, each once. */
static bool add_component(json_t *components, const schema *s, bool response)
{
	char name[64];
	schema_component_name(s, name, sizeof name);
	if (json_object_get(components, name))
		return true;
	if (!put(components, name, schema_json_schema(s, response)))
		return false;
	for (const schema *part = s; part; part = part->base)
		for (size_t i = 0; i < part->n; i++)
			if (part->fields[i].type == SCHEMA_OBJECT &&
			    !add_component(components, schema_object_of(part, i), response))
				return false;
	return true;
}

/* {"description": ..., "content": {"application/json": {"schema": body}}} */
static json_t *answer(int status, json_t *body)
{
	if (!body)
		return NULL;
	return json_pack("{s:s, s:{s:{s:o}}}", "description", reason(status), "content",
	                 "application/json", "schema", body);
}

static bool put_answer(json_t *responses, int status, json_t *body)
{
	char code[8];
	snprintf(code, sizeof code, "%d", status);
	return put(responses, code, answer(status, body));
}

static json_t *success_body(const struct http_route_doc *d, json_t *components)
{
	char name[64];
	if (!d->answer)
		return json_pack("{s:s}", "type", "object");
	if (!add_component(components, d->answer, true))
		return NULL;
	schema_component_name(d->answer, name, sizeof name);
	return d->many ? json_pack("{s:s, s:o}", "type", "array", "items", ref(name)) : ref(name);
}

static json_t *responses_of(const http_route *r, json_t *components)
{
	const struct http_route_doc *d = r->doc;
	json_t *out = json_object();
	bool ok = put_answer(out, d->status, success_body(d, components));
	if (ok && r->auth)
		ok = put_answer(out, 401, ref("HTTPError"));
	for (size_t i = 0; ok && i < API_DOC_MAX_ERRORS && d->errors[i]; i++)
		ok = put_answer(out, d->errors[i], ref("HTTPError"));
	if (ok && d->request)
		ok = put_answer(out, 422, ref("HTTPValidationError"));
	if (!ok) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* One path parameter for each "{name}" of the pattern. */
static json_t *parameters_of(const char *pattern)
{
	json_t *list = json_array();
	for (const char *p = strchr(pattern, '{'); list && p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		if (!close)
			break;
		json_t *param =
		    json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, (size_t)(close - p - 1),
		              "in", "path", "required", 1, "schema", "type", "string");
		if (json_array_append_new(list, param)) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* The first segment of the pattern ("auth" for /auth/login), the
 * operation's tag: Swagger UI and ReDoc group by it. */
static json_t *tag_of(const char *pattern)
{
	const char *p = pattern + (*pattern == '/');
	return json_pack("[s%]", p, strcspn(p, "/"));
}

static json_t *operation(const http_route *r, json_t *components)
{
	const struct http_route_doc *d = r->doc;
	json_t *op = json_pack("{s:o, s:s, s:s}", "tags", tag_of(r->pattern), "summary", d->summary,
	                       "operationId", d->operation_id);
	bool ok = op != NULL;
	if (ok && strchr(r->pattern, '{'))
		ok = put(op, "parameters", parameters_of(r->pattern));
	if (ok && d->request) {
		char name[64];
		ok = add_component(components, d->request, false);
		schema_component_name(d->request, name, sizeof name);
		ok = ok && put(op, "requestBody",
		               json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
		                         "application/json", "schema", ref(name)));
	}
	ok = ok && put(op, "responses", responses_of(r, components));
	if (ok && r->auth)
		ok = put(op, "security", json_pack("[{s:[]}]", "HTTPBearer"));
	if (!ok) {
		json_decref(op);
		return NULL;
	}
	return op;
}

static bool add_operations(json_t *paths, json_t *components, const http_route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const http_route *r = &routes[i];
		if (!r->doc)
			continue;
		json_t *item = json_object_get(paths, r->pattern);
		if (!item && !put(paths, r->pattern, item = json_object()))
			return false;
		if (!put(item, method_name(r->method), operation(r, components)))
			return false;
	}
	return true;
}

json_t *api_openapi_document(const http_route *routes, size_t n, const char *root_path,
                             const char *version)
{
	json_t *components = json_loads(error_components, 0, NULL);
	json_t *paths = json_object();
	json_t *doc =
	    json_pack("{s:s, s:{s:s, s:s, s:s}}", "openapi", "3.1.0", "info", "title",
	              "SmartCourse User Service", "description", description, "version", version);
	bool ok = doc && components && paths;
	if (ok && root_path && *root_path)
		ok = put(doc, "servers", json_pack("[{s:s}]", "url", root_path));
	ok = ok && add_operations(paths, components, routes, n);
	ok = ok && put(doc, "paths", json_incref(paths));
	ok = ok && put(doc, "components",
	               json_pack("{s:O, s:o}", "schemas", components, "securitySchemes",
	                         json_loads(security_schemes, 0, NULL)));
	json_decref(components);
	json_decref(paths);
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
