/* routes.c — every endpoint of the service, in one table, with what
 * /openapi.json says of it.
 *
 * Adding an endpoint:
 *   1. The handler: `void api_<noun>_<verb>(http_request *, http_response *)`
 *      in api/<noun>.c (declared in api/<noun>.h); it validates with
 *      schema_validate against schemas/<noun>.c, calls services/<noun>.c,
 *      and answers with http_json / http_detail / http_422.
 *   2. One row below: method, path pattern ("{id}" matches one segment; no
 *      trailing slash, both forms are served), handler, auth (true: the
 *      authenticator runs first and answers 401 itself), and its document
 *      (DOC: operation id, summary, the request schema the handler
 *      validates with, the success status and the schema it serialises
 *      with, whether that is a list, and the error statuses it answers;
 *      routes.h). The OpenAPI document, /docs and /redoc follow from it.
 *   3. A test in tests/ for its success path and each error of the API
 *      table (DESIGN §4). 404 and 405 for other paths and methods follow
 *      from the table; tests/e2e/test_30_openapi.py checks that the
 *      document lists the row and that real answers match its schemas.
 */
#include "api/routes.h"

#include "api/auth.h"
#include "api/docs.h"
#include "api/enrollments.h"
#include "api/health.h"
#include "api/metrics.h"
#include "api/profiles.h"
#include "http/response.h"
#include "schemas/enrollments.h"
#include "schemas/health.h"
#include "schemas/profiles.h"
#include "schemas/users.h"
#include "banned.h"

/* A row's document (a static object, see routes.h). */
#define DOC(...) (&(const struct http_route_doc){__VA_ARGS__})

const http_route api_routes[] = {
    {HTTP_GET, "/health", api_health, false,
     DOC("health", "Liveness, and whether the database answers", NULL, 200, &schema_health, false,
         {0})},
    {HTTP_GET, "/ready", api_ready, false,
     DOC("ready", "Readiness: the database answers at the expected revision", NULL, 200,
         &schema_ready, false, {503})},
    {HTTP_POST, "/auth/register", api_auth_register, false,
     DOC("register", "Register a user (and its student or instructor profile)",
         &schema_user_register, 201, &schema_user, false, {400, 503})},
    {HTTP_POST, "/auth/login", api_auth_login, false,
     DOC("login", "Log in: an access and a refresh token", &schema_user_login, 200,
         &schema_token_pair, false, {401, 429, 503})},
    {HTTP_POST, "/auth/refresh", api_auth_refresh, false,
     DOC("refreshTokens", "A new token pair for a refresh token", &schema_token_refresh, 200,
         &schema_token_pair, false, {401})},
    {HTTP_GET, "/auth/me", api_auth_me, true,
     DOC("getMe", "The caller's user", NULL, 200, &schema_user, false, {404})},
    {HTTP_GET, "/profile", api_profile_get, true,
     DOC("getProfile", "The caller's user with its student or instructor profile", NULL, 200,
         &schema_profile, false, {404})},
    {HTTP_PUT, "/profile", api_profile_update, true,
     DOC("updateProfile",
         "Change the caller's names, phone number or education level (only the fields sent)",
         &schema_profile_update, 200, &schema_user, false, {404})},
    {HTTP_PUT, "/profile/instructor", api_profile_instructor_update, true,
     DOC("updateInstructorProfile", "Change the caller's instructor profile (only the fields sent)",
         &schema_instructor_profile_update, 200, &schema_instructor_profile, false, {403, 404})},
    /* multipart/form-data, not a JSON body: no request schema (the 422 of a
     * missing "file" part is FastAPI's, left out as for other bodyless rows) */
    {HTTP_POST, "/profile/avatar", api_profile_avatar, true,
     DOC("uploadAvatar", "Upload the caller's profile picture (multipart/form-data, part \"file\")",
         NULL, 200, &schema_avatar, false, {400, 404, 413})},
    {HTTP_POST, "/enrollments", api_enrollment_create, true,
     DOC("createEnrollment", "Enroll the caller in a course", &schema_enrollment_create, 201,
         &schema_enrollment, false, {404, 409})},
    {HTTP_GET, "/enrollments", api_enrollments_list, true,
     DOC("listEnrollments", "The caller's enrollments, newest first", NULL, 200, &schema_enrollment,
         true, {0})},
    {HTTP_DELETE, "/enrollments/{id}", api_enrollment_cancel, true,
     DOC("cancelEnrollment", "Cancel one of the caller's enrollments", NULL, 200,
         &schema_enrollment, false, {404})},
    /* the documentation itself (DOCS_ENABLED; 404 when off), not in it,
     * as FastAPI leaves it out */
    {HTTP_GET, "/openapi.json", api_docs_openapi, false, NULL},
    {HTTP_GET, "/docs", api_docs_swagger_ui, false, NULL},
    {HTTP_GET, "/docs/{file}", api_docs_asset, false, NULL},
    {HTTP_GET, "/redoc", api_docs_redoc, false, NULL},
    {HTTP_GET, "/redoc/{file}", api_docs_asset, false, NULL},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

/* not in /openapi.json: the operators' endpoint (maybe on METRICS_ADDR),
 * Prometheus' text rather than the API's JSON */
const http_route api_metrics_routes[] = {
    {HTTP_GET, "/metrics", api_metrics, false, NULL},
};

const size_t api_metrics_routes_count = sizeof api_metrics_routes / sizeof api_metrics_routes[0];

/* Bearer access tokens, or a trusted gateway's X-User-ID (api/auth.c). */
int api_authenticate(http_request *req, http_response *res)
{
	return api_auth_authenticate(req, res);
}
