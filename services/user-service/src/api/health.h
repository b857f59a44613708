/* health.h — liveness and readiness. */
#ifndef API_HEALTH_H
#define API_HEALTH_H

#include "http/http.h"

/* GET /health: 200 {"status":"ok","service":"user-service",
 * "dependencies":{"database":"ok"}}, always 200 (the process is alive:
 * restarting it would not bring the database back; /ready is the gate).
 * When the database does not answer, status is "degraded" and database
 * the reason (services/health.h). */
void api_health(http_request *req, http_response *res);
/* GET /ready: 200 {"status":"ready","revision":...} when the database
 * answers and is at the build's revision; else 503 {"detail": reason}. */
void api_ready(http_request *req, http_response *res);

#endif
