/* metrics.h — the services' figures for /metrics: the database pool's
 * (failures by kind, connects and reconnects, waits for a connection), the
 * password hashing pool's (in flight, queued, done and refused) and the
 * failed-login throttle's refusals. A core_metrics source (core/metrics.h).
 */
#ifndef SERVICES_METRICS_H
#define SERVICES_METRICS_H

#include "retort/buf.h"

/* ctx: the const svc_context the service runs with. Returns 0, or -1 when
 * out is full. */
int svc_metrics_write(void *ctx, rt_buf *out);

#endif
