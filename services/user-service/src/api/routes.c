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

#include "api/health.h"
#include "http/response.h"
#include "banned.h"

const http_route api_routes[] = {
    {HTTP_GET, "/health", api_health, false},
    {HTTP_GET, "/ready", api_ready, false},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

/* No endpoint needs a caller yet; the token check (core/security) replaces
 * this when the auth endpoints arrive. Until then nobody is authenticated. */
int api_authenticate(http_request *req, http_response *res)
{
	(void)req;
	res->www_authenticate = "Bearer";
	http_detail(res, 401, "Not authenticated");
	return -1;
}
