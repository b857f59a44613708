/* drain.h — the process is stopping: /ready answers 503 from SIGTERM on,
 * while the listener still serves, so a load balancer that checks /ready
 * stops sending before the socket closes (docs/deploy.md). */
#ifndef CORE_DRAIN_H
#define CORE_DRAIN_H

#include <stdbool.h>

/* Marks the process as draining (any thread; idempotent). */
void core_drain_start(void);
/* Whether core_drain_start was called (any thread). */
bool core_draining(void);

#endif
