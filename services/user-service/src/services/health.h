/* health.h — health: whether the database answers, and why not; and
 * readiness: the database answers and is at the revision this build
 * expects (the same comparison as the start-up check). Results follow
 * service.h.
 */
#ifndef SERVICES_HEALTH_H
#define SERVICES_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "services/service.h"

/* SVC_OK with *revision the expected revision (static text), or
 * SVC_NOT_READY with err->message saying why and what fixes it, or a
 * database status. */
svc_status svc_health_ready(const svc_context *ctx, const char **revision, svc_error *err);

/* Whether the calling worker has a live connection to the database
 * (making one when it has none; a connection that broke is noticed by
 * the pool's cheap check, which reads what the server sent, so no
 * statement is run): true, or false with a short reason a client may read
 * in reason[0..len): the failure's kind and the cause's last words
 * ("unavailable: Connection refused"), without the host, port or file the
 * database's full message names (that goes to the log). Never waits for
 * another request's connect in progress ("unavailable: connecting"). */
bool svc_health_database(const svc_context *ctx, char *reason, size_t len);

#endif
