/* routes.c — every endpoint of the service, in one table.
 *
 * Adding an endpoint:
 *   1. The handler: `void api_<noun>_<verb>(http_request *, http_response *)`
 *      in api/<noun>.c (declared in api/<noun>.h); it validates with
 *      schema_validate against schemas/<noun>.c, calls services/<noun>.c,
 *      and answers with http_json / http_detail / http_422.
 *   2. One row below: method, path pattern ("{id}" matches one segment; no
 *      trailing slash, both forms are served), handler, auth (true: the
 *      authenticator runs first and answers 401 itself).
 *   3. A test in tests/ for its success path and each error of the API
 *      table (DESIGN §4). 404 and 405 for other paths and methods follow
 *      from the table.
 */
#include "api/routes.h"

#include "api/enrollments.h"
#include "api/auth.h"
#include "api/health.h"
#include "api/metrics.h"
#include "api/profiles.h"
#include "http/response.h"
#include "banned.h"

const http_route api_routes[] = {
    {HTTP_GET, "/health", api_health, false},
    {HTTP_GET, "/ready", api_ready, false},
    {HTTP_POST, "/auth/register", api_auth_register, false},
    {HTTP_POST, "/auth/login", api_auth_login, false},
    {HTTP_POST, "/auth/refresh", api_auth_refresh, false},
    {HTTP_GET, "/auth/me", api_auth_me, true},
    {HTTP_GET, "/profile", api_profile_get, true},
    {HTTP_PUT, "/profile", api_profile_update, true},
    {HTTP_PUT, "/profile/instructor", api_profile_instructor_update, true},
    {HTTP_POST, "/enrollments", api_enrollment_create, true},
    {HTTP_GET, "/enrollments", api_enrollments_list, true},
    {HTTP_DELETE, "/enrollments/{id}", api_enrollment_cancel, true},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

const http_route api_metrics_routes[] = {
    {HTTP_GET, "/metrics", api_metrics, false},
};

const size_t api_metrics_routes_count = sizeof api_metrics_routes / sizeof api_metrics_routes[0];

/* Bearer access tokens, or a trusted gateway's X-User-ID (api/auth.c). */
int api_authenticate(http_request *req, http_response *res)
{
	return api_auth_authenticate(req, res);
}
