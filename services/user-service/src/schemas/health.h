/* health.h — the answers of GET /health and GET /ready, as descriptor
 * tables for the OpenAPI document (api/health.c builds the answers; the
 * e2e tests check that they match). */
#ifndef SCHEMAS_HEALTH_H
#define SCHEMAS_HEALTH_H

#include "schemas/schema.h"

/* status ("ok" or "degraded"), service, dependencies ({"database": "ok"
 * or the reason it is not}). */
extern const schema schema_health;
/* status ("ready"), revision. */
extern const schema schema_ready;

#endif
