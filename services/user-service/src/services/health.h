/* health.h — readiness: the database answers and is at the revision this
 * build expects (the same comparison as the start-up check). Results
 * follow service.h.
 */
#ifndef SERVICES_HEALTH_H
#define SERVICES_HEALTH_H

#include "services/service.h"

/* SVC_OK with *revision the expected revision (static text), or
 * SVC_NOT_READY with err->message saying why and what fixes it, or a
 * database status. */
svc_status svc_health_ready(const svc_context *ctx, const char **revision, svc_error *err);

#endif
