/* relay.h — the outbox relay: one thread per service process that sends
 * the events of the outbox (repositories/outbox.h) to Kafka and deletes
 * each row once the broker acknowledged it (docs/api.md, "Events").
 *
 * Guarantees: at-least-once (a row goes only after its acknowledgement; a
 * crash or a lost connection in between sends it again, with the same
 * event_id), in order per user (rows go in seq order, a batch at a time,
 * the next batch only once the last one is settled; one key = one
 * partition). One relay per database sends: on PostgreSQL the one holding
 * the outbox advisory lock on its own session (the relay thread's
 * connection); the others check again every poll interval and take over
 * when the holder's session ends. A broker that is down never touches a
 * request: requests only write rows, the relay runs on its own thread and
 * connection.
 *
 * The relay runs only when KAFKA_BOOTSTRAP_SERVERS is set; without it the
 * service has no relay thread and no connection for it, and the writers
 * keep the outbox within its retention limit (repositories/outbox.h).
 *
 * The thread has a connection pool of its own (one connection: the
 * election lock's session), so that a relay stuck in a database call at
 * shutdown can be left behind without the service's pool going away under
 * it.
 */
#ifndef SERVICES_RELAY_H
#define SERVICES_RELAY_H

#include <stdint.h>

#include "core/db.h"
#include "retort/buf.h"

typedef struct svc_relay_config {
	const char *database_url; /* DATABASE_URL: the relay connects on its own */
	const char *topic;        /* KAFKA_TOPIC */
	const char *const *kafka; /* librdkafka properties, name/value pairs,
	                           * NULL-terminated (bootstrap.servers among them) */
	long batch;               /* rows per round (OUTBOX_BATCH_SIZE) */
	long poll_ms;             /* pause when the outbox is empty (OUTBOX_POLL_INTERVAL_MS) */
	long check_ms;            /* the backlog is counted every check_ms */
	long log_s;               /* and logged at most every log_s while not 0 */
} svc_relay_config;

typedef struct svc_relay svc_relay;

/* Starts the thread. cfg is copied (its strings must outlive the relay).
 * *out is the caller's: svc_relay_stop. Returns 0, or -1 with why in err
 * (a Kafka setting librdkafka refused, a bad URL, no thread). */
int svc_relay_start(const svc_relay_config *cfg, svc_relay **out, char *err, size_t errlen);

/* Stops the thread: what the broker acknowledges within grace_s is
 * deleted, the rest stays for the next start. Frees r (NULL is fine),
 * unless the thread is still stuck in a database call STUCK_SECONDS after
 * the grace period: it is then left to the process's exit, with a warning. */
void svc_relay_stop(svc_relay *r, unsigned grace_s);

/* The events waiting in the outbox at the last count, or -1 before the
 * first one (for /metrics and the log). */
int64_t svc_relay_backlog(const svc_relay *r);

/* The /metrics source (core/metrics.h; ctx: the relay):
 * user_service_outbox_backlog, a gauge, once the backlog was counted. */
int svc_relay_metrics_write(void *ctx, rt_buf *out);

#endif
