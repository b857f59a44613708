/* test_events.c — the user events' message values (schemas/events.c) and
 * the KAFKA_* settings as librdkafka receives them (core/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "schemas/events.h"
#include "schemas/profiles.h"

static void test_envelope_keys_in_contract_order(void **state)
{
	(void)state;
	char *text = schema_event_envelope("01a252d3-9ba2-74c1-8781-13cda9988773", "user.login",
	                                   "2026-12-07T23:25:29.378252Z",
	                                   schema_event_login("u-1", "a@x.com"));
	assert_non_null(text);
	assert_string_equal(text, "{\"event_id\":\"01a252d3-9ba2-74c1-8781-13cda9988773\","
	                          "\"event_type\":\"user.login\","
	                          "\"timestamp\":\"2026-12-07T23:25:29.378252Z\","
	                          "\"payload\":{\"user_id\":\"u-1\",\"email\":\"a@x.com\"}}");
	free(text);
	/* a payload that could not be built is no event */
	assert_null(schema_event_envelope("id", "user.login", "t", schema_event_login(NULL, "x")));
}

static void test_fields_changed_are_the_fields_sent_in_schema_order(void **state)
{
	(void)state;
	json_t *body = json_pack("{s:s, s:s}", "phone_number", "+15550001111", "first_name", "A");
	json_t *errors = json_array();
	schema_values v;
	assert_int_equal(schema_validate(&schema_profile_update, body, &v, errors), 0);
	assert_int_equal(schema_event_fields_sent(&v), 2);
	json_t *payload = schema_event_profile_updated("u-1", &v);
	char *text = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(
	    text, "{\"user_id\":\"u-1\",\"fields_changed\":[\"first_name\",\"phone_number\"]}");
	free(text);
	json_decref(payload);
	schema_values_release(&v);
	json_decref(body);
	json_decref(errors);
}

static const char *prop(const core_config *cfg, const char *name)
{
	for (size_t i = 0; cfg->kafka_conf && cfg->kafka_conf[i]; i += 2)
		if (strcmp(cfg->kafka_conf[i], name) == 0)
			return cfg->kafka_conf[i + 1];
	return NULL;
}

static void test_kafka_settings_pass_through(void **state)
{
	(void)state;
	char path[] = "/tmp/us-events-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char file[] = "KAFKA_SASL_USERNAME=from-file\nKAFKA_SASL_PASSWORD=secret\n";
	assert_int_equal(write(fd, file, sizeof file - 1), (ssize_t)(sizeof file - 1));
	close(fd);
	setenv("JWT_SECRET_KEY", "0123456789abcdef0123456789abcdef", 1);
	unsetenv("KAFKA_BOOTSTRAP_SERVERS");
	core_config cfg;
	char err[256];
	assert_int_equal(core_config_load(&cfg, path, err, sizeof err), 0);
	assert_null(cfg.kafka_conf); /* no broker: no librdkafka settings at all */
	assert_string_equal(cfg.kafka_topic, "user.events");
	core_config_release(&cfg);

	setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", 1);
	setenv("KAFKA_SASL_USERNAME", "from-env", 1);
	setenv("KAFKA_TOPIC", "other.topic", 1);
	assert_int_equal(core_config_load(&cfg, path, err, sizeof err), 0);
	assert_string_equal(prop(&cfg, "bootstrap.servers"), "127.0.0.1:9092");
	assert_string_equal(prop(&cfg, "sasl.username"), "from-env"); /* the environment wins */
	assert_string_equal(prop(&cfg, "sasl.password"), "secret");
	assert_string_equal(prop(&cfg, "client.id"), "user-service");
	assert_null(prop(&cfg, "topic")); /* KAFKA_TOPIC is ours, not librdkafka's */
	assert_string_equal(cfg.kafka_topic, "other.topic");
	core_config_release(&cfg);
	unsetenv("KAFKA_BOOTSTRAP_SERVERS");
	unsetenv("KAFKA_SASL_USERNAME");
	unsetenv("KAFKA_TOPIC");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_envelope_keys_in_contract_order),
	    cmocka_unit_test(test_fields_changed_are_the_fields_sent_in_schema_order),
	    cmocka_unit_test(test_kafka_settings_pass_through),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
