/* health.c — GET /health and GET /ready (see health.h). /ready asks the
 * health service, which reads the version table through the worker's own
 * connection and compares it as the start-up check does. */
#include "api/health.h"

#include "api/context.h"
#include "http/response.h"
#include "services/health.h"
#include "banned.h"

void api_health(http_request *req, http_response *res)
{
	char reason[256];
	bool ok = svc_health_database(api_svc(req), reason, sizeof reason);
	http_json(res, 200,
	          json_pack("{s:s, s:s, s:{s:s}}", "status", ok ? "ok" : "degraded", "service",
	                    "user-service", "dependencies", "database", ok ? "ok" : reason));
}

void api_ready(http_request *req, http_response *res)
{
	const char *revision;
	svc_error err;
	if (svc_health_ready(api_svc(req), &revision, &err) == SVC_OK)
		http_json(res, 200,
		          json_pack("{s:s, s:s}", "status", "ready", "revision", revision));
	else
		api_failed(req, res, &err);
}
