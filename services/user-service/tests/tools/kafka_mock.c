/* kafka_mock.c — a Kafka broker for the event tests, with no Kafka server:
 * librdkafka's own mock cluster (rdkafka_mock.h) in this process, driven
 * by one command per line on stdin, one answer line per command on stdout
 * (test-only; tests/e2e/test_41_events.py).
 *
 * On start it creates the topic and prints "bootstrap HOST:PORT,...".
 *
 *   consume TOPIC      every message of TOPIC from the start, one JSON line
 *                      each {"partition", "offset", "key", "value"}, then "end N"
 *   down ID / up ID    takes broker ID (1..) down or back up; answers "ok"
 *   errors N CODE      the next N produce requests fail with Kafka error
 *                      CODE (a number); answers "ok"
 *   quit               ends (so does end of input)
 *
 * usage: kafka-mock [BROKERS [TOPIC [PARTITIONS]]]  (default 1 user.events 3)
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static void json_string(const char *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; s && i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* A fresh consumer reads every partition from the start to its end. */
static void consume(const char *bootstraps, const char *topic, int partitions)
{
	char why[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, why, sizeof why) ||
	    rd_kafka_conf_set(conf, "group.id", "kafka-mock-reader", why, sizeof why) ||
	    rd_kafka_conf_set(conf, "enable.partition.eof", "true", why, sizeof why) ||
	    rd_kafka_conf_set(conf, "isolation.level", "read_committed", why, sizeof why)) {
		printf("error %s\nend 0\n", why);
		rd_kafka_conf_destroy(conf);
		return;
	}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
	if (!rk) {
		printf("error %s\nend 0\n", why);
		return;
	}
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
	for (int p = 0; p < partitions; p++)
		rd_kafka_topic_partition_list_add(parts, topic, p)->offset =
		    RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	int at_end = 0, n = 0, idle = 0;
	while (at_end < partitions && idle < 100) { /* 10 s without a message or EOF */
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		if (!m) {
			idle++;
			continue;
		}
		idle = 0;
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			at_end++;
		} else if (m->err) {
			printf("error %s\n", rd_kafka_message_errstr(m));
		} else {
			printf("{\"partition\": %d, \"offset\": %lld, \"key\": ", (int)m->partition,
			       (long long)m->offset);
			json_string(m->key, m->key_len);
			printf(", \"value\": ");
			json_string(m->payload, m->len);
			printf("}\n");
			n++;
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	printf("end %d\n", n);
}

int main(int argc, char **argv)
{
	int brokers = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;
	const char *topic = argc > 2 ? argv[2] : "user.events";
	int partitions = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
	char why[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
	if (!rk) {
		fprintf(stderr, "kafka-mock: %s\n", why);
		return 1;
	}
	rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
	if (!mc || rd_kafka_mock_topic_create(mc, topic, partitions, 1)) {
		fprintf(stderr, "kafka-mock: cannot start the mock cluster\n");
		return 1;
	}
	const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
	printf("bootstrap %s\n", bootstraps);
	fflush(stdout);
	char line[512];
	while (fgets(line, sizeof line, stdin)) {
		char cmd[32] = "", arg[256] = "";
		long num = 0;
		if (sscanf(line, "%31s %255s", cmd, arg) < 1)
			continue;
		num = strtol(arg, NULL, 10);
		if (strcmp(cmd, "quit") == 0)
			break;
		if (strcmp(cmd, "consume") == 0) {
			consume(bootstraps, arg, partitions);
		} else if (strcmp(cmd, "down") == 0 || strcmp(cmd, "up") == 0) {
			rd_kafka_resp_err_t e =
			    strcmp(cmd, "down") == 0
			        ? rd_kafka_mock_broker_set_down(mc, (int32_t)num)
			        : rd_kafka_mock_broker_set_up(mc, (int32_t)num);
			printf(e ? "error %s\n" : "ok\n", rd_kafka_err2str(e));
		} else if (strcmp(cmd, "errors") == 0) {
			long code = 0;
			if (sscanf(line, "%*s %ld %ld", &num, &code) != 2 || num < 1) {
				printf("error usage: errors N CODE\n");
			} else {
				for (long i = 0; i < num; i++)
					rd_kafka_mock_push_request_errors(
					    mc, 0 /* Produce */, 1, (rd_kafka_resp_err_t)code);
				printf("ok\n");
			}
		} else {
			printf("error unknown command %s\n", cmd);
		}
		fflush(stdout);
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
