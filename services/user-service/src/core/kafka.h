/* kafka.h — a Kafka producer (librdkafka) reduced to what the outbox relay
 * needs: produce a keyed message, learn from a delivery report whether the
 * broker acknowledged it, flush, purge.
 *
 * The producer is idempotent with acks=all (set here, after the caller's
 * settings, so no setting can weaken them): the broker writes each message
 * once and in order per partition even when librdkafka retries, and a
 * report says "delivered" only once every in-sync replica has it.
 *
 * One thread uses a producer: delivery reports are called from
 * core_kafka_poll and core_kafka_flush on the calling thread.
 */
#ifndef CORE_KAFKA_H
#define CORE_KAFKA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct core_kafka core_kafka;

/* Called once per produced message with the opaque given to produce; ok
 * when the broker acknowledged it, else error says why (borrowed). */
typedef void (*core_kafka_report_fn)(void *opaque, bool ok, const char *error);

/* conf: librdkafka properties as name, value pairs, NULL-terminated
 * ("bootstrap.servers", "...", "client.id", "...", NULL). *out is the
 * caller's (core_kafka_free). Returns 0, or -1 with the property librdkafka
 * refused (or why it could not start) in err. */
int core_kafka_new(const char *const *conf, core_kafka_report_fn report, core_kafka **out,
                   char *err, size_t errlen);

/* Queues one message for topic (key and value are copied). Returns 0; 1
 * when the local queue is full (poll, then try again); -1 with err filled
 * for anything else (the message was not queued, no report follows). */
int core_kafka_produce(core_kafka *k, const char *topic, const char *key, const char *value,
                       size_t len, void *opaque, char *err, size_t errlen);

/* Serves delivery reports, waiting up to ms for the first. */
void core_kafka_poll(core_kafka *k, int ms);
/* Messages produced whose report has not been served yet. */
int core_kafka_pending(core_kafka *k);

/* Fails every message not yet acknowledged (their reports say so, served
 * before this returns) and frees the producer. NULL is fine. */
void core_kafka_free(core_kafka *k);

#endif
