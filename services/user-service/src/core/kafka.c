/* kafka.c — the relay's Kafka producer over librdkafka (see kafka.h). */
#include "core/kafka.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct core_kafka {
	rd_kafka_t *rk;
	core_kafka_report_fn report;
	int pending;
};

/* Set after the caller's properties: what the outbox's guarantee rests on. */
static const char *const forced[] = {
    "enable.idempotence",
    "true", /* no duplicates or reordering from retries */
    "acks",
    "all", /* acknowledged = on every in-sync replica */
    NULL,
};

static void delivered(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	core_kafka *k = opaque;
	k->pending--;
	k->report(m->_private, m->err == RD_KAFKA_RESP_ERR_NO_ERROR,
	          m->err ? rd_kafka_err2str(m->err) : NULL);
}

static int set_all(rd_kafka_conf_t *conf, const char *const *kv, char *err, size_t errlen)
{
	char why[256];
	for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
		if (rd_kafka_conf_set(conf, kv[i], kv[i + 1], why, sizeof why) !=
		    RD_KAFKA_CONF_OK) {
			snprintf(err, errlen, "kafka setting %s: %s", kv[i], why);
			return -1;
		}
	}
	return 0;
}

int core_kafka_new(const char *const *conf, core_kafka_report_fn report, core_kafka **out,
                   char *err, size_t errlen)
{
	*out = NULL;
	core_kafka *k = calloc(1, sizeof *k);
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	if (!k || !c) {
		free(k);
		if (c)
			rd_kafka_conf_destroy(c);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	k->report = report;
	if (set_all(c, conf, err, errlen) || set_all(c, forced, err, errlen)) {
		rd_kafka_conf_destroy(c);
		free(k);
		return -1;
	}
	rd_kafka_conf_set_dr_msg_cb(c, delivered);
	rd_kafka_conf_set_opaque(c, k);
	char why[512];
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, why, sizeof why);
	if (!k->rk) { /* c is still ours when rd_kafka_new fails */
		rd_kafka_conf_destroy(c);
		free(k);
		snprintf(err, errlen, "cannot create the Kafka producer: %s", why);
		return -1;
	}
	*out = k;
	return 0;
}

int core_kafka_produce(core_kafka *k, const char *topic, const char *key, const char *value,
                       size_t len, void *opaque, char *err, size_t errlen)
{
	rd_kafka_resp_err_t e = rd_kafka_producev(
	    k->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
	    RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, len),
	    RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
	if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		return 1;
	if (e) {
		snprintf(err, errlen, "%s", rd_kafka_err2str(e));
		return -1;
	}
	k->pending++;
	return 0;
}

void core_kafka_poll(core_kafka *k, int ms)
{
	rd_kafka_poll(k->rk, ms);
}

int core_kafka_pending(core_kafka *k)
{
	return k->pending;
}

void core_kafka_free(core_kafka *k)
{
	if (!k)
		return;
	rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	/* the purged messages' reports, so no caller waits for one forever */
	for (int i = 0; i < 100 && k->pending > 0; i++)
		rd_kafka_poll(k->rk, 10);
	rd_kafka_destroy(k->rk);
	free(k);
}
