/* test_metrics.c — the exposition format's writers (label escaping, number
 * forms) and the per-worker request figures: one label slot per distinct
 * route pattern plus "unmatched", counts summed over workers, cumulative
 * buckets whose +Inf equals the count, status classes, in-flight, and
 * counting switched off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/metrics.h"
#include "http/stats.h"

static void handler(http_request *req, http_response *res)
{
	(void)req;
	(void)res;
}

static const http_route routes[] = {
    {HTTP_GET, "/health", handler, false, NULL},
    {HTTP_GET, "/profile", handler, true, NULL},
    {HTTP_PUT, "/profile", handler, true, NULL},
    {HTTP_DELETE, "/enrollments/{id}", handler, true, NULL},
};
enum { N_ROUTES = sizeof routes / sizeof routes[0] };

static void labels_are_escaped(void **state)
{
	(void)state;
	rt_buf b = RT_BUF_INIT;
	assert_int_equal(core_metrics_label(&b, "route", "a\"b\\c\nd"), 0);
	assert_string_equal(b.data, "route=\"a\\\"b\\\\c\\nd\"");
	rt_buf_release(&b);
}

static void numbers(void **state)
{
	(void)state;
	rt_buf b = RT_BUF_INIT;
	assert_int_equal(core_metrics_u64(&b, "x_total", "{a=\"1\"}", UINT64_MAX), 0);
	assert_int_equal(core_metrics_f64(&b, "y", "", 0.009067154), 0);
	assert_int_equal(core_metrics_f64(&b, "z", "", 1.0 / 0.0), 0);
	assert_string_equal(b.data, "x_total{a=\"1\"} 18446744073709551615\n"
	                            "y 0.009067154\n"
	                            "z +Inf\n");
	rt_buf_release(&b);
}

static void slots_per_distinct_pattern(void **state)
{
	(void)state;
	http_stats *st;
	assert_int_equal(http_stats_new(routes, N_ROUTES, 2, true, &st), 0);
	assert_int_equal(http_stats_slot(st, 0), 0);
	assert_int_equal(http_stats_slot(st, 1), 1);
	assert_int_equal(http_stats_slot(st, 2), 1); /* GET and PUT /profile */
	assert_int_equal(http_stats_slot(st, 3), 2);
	assert_int_equal(http_stats_slot(st, SIZE_MAX), 3); /* unmatched */
	http_stats_free(st);
}

/* The line of out that starts with prefix, or fail. */
static const char *line(const char *out, const char *prefix)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return p + strlen(prefix);
	fail_msg("no line %s in\n%s", prefix, out);
	return NULL;
}

static void summed_over_workers_and_cumulative(void **state)
{
	(void)state;
	http_stats *st;
	assert_int_equal(http_stats_new(routes, N_ROUTES, 2, true, &st), 0);
	unsigned health = http_stats_slot(st, 0), none = http_stats_slot(st, SIZE_MAX);
	http_stats_begin(st, 0);
	http_stats_begin(st, 1);
	http_stats_begin(st, 1);
	assert_int_equal(http_stats_in_flight(st), 3);
	http_stats_end(st, 0, health, HTTP_GET, 200, 0.0004); /* first bucket */
	http_stats_end(st, 1, health, HTTP_GET, 204, 0.003);  /* le 0.005 */
	http_stats_end(st, 1, none, HTTP_GET, 404, 20.0);     /* past every bucket */
	assert_int_equal(http_stats_in_flight(st), 0);
	rt_buf out = RT_BUF_INIT;
	assert_int_equal(http_stats_write(st, &out), 0);
	const char *o = out.data;
#define H "user_service_http_request"
	assert_int_equal(
	    strncmp(line(o, H "s_total{route=\"/health\",method=\"GET\",status=\"2xx\"} "), "2\n",
	            2),
	    0);
	assert_int_equal(
	    strncmp(line(o, H "s_total{route=\"unmatched\",method=\"GET\",status=\"4xx\"} "), "1\n",
	            2),
	    0);
	const char *b =
	    H "_duration_seconds_bucket{route=\"/health\",method=\"GET\",status=\"2xx\",";
	char want[256];
	snprintf(want, sizeof want, "%sle=\"0.0005\"} ", b);
	assert_int_equal(strncmp(line(o, want), "1\n", 2), 0);
	snprintf(want, sizeof want, "%sle=\"0.0025\"} ", b);
	assert_int_equal(strncmp(line(o, want), "1\n", 2), 0);
	snprintf(want, sizeof want, "%sle=\"0.005\"} ", b);
	assert_int_equal(strncmp(line(o, want), "2\n", 2), 0);
	snprintf(want, sizeof want, "%sle=\"+Inf\"} ", b);
	assert_int_equal(strncmp(line(o, want), "2\n", 2), 0);
	/* past the last bucket: only +Inf has it */
	b = H "_duration_seconds_bucket{route=\"unmatched\",method=\"GET\",status=\"4xx\",";
	snprintf(want, sizeof want, "%sle=\"10\"} ", b);
	assert_int_equal(strncmp(line(o, want), "0\n", 2), 0);
	snprintf(want, sizeof want, "%sle=\"+Inf\"} ", b);
	assert_int_equal(strncmp(line(o, want), "1\n", 2), 0);
	assert_int_equal(
	    strncmp(line(o, H "_duration_seconds_sum{route=\"unmatched\",method=\"GET\","
	                      "status=\"4xx\"} "),
	            "20\n", 3),
	    0);
	/* a route with no requests has no series */
	assert_null(strstr(o, "/profile"));
#undef H
	rt_buf_release(&out);
	http_stats_free(st);
}

static void methods_and_classes(void **state)
{
	(void)state;
	http_stats *st;
	assert_int_equal(http_stats_new(routes, N_ROUTES, 1, true, &st), 0);
	unsigned none = http_stats_slot(st, SIZE_MAX);
	http_stats_begin(st, 0);
	http_stats_end(st, 0, none, HTTP_OTHER, 503, 0.1);
	http_stats_begin(st, 0);
	http_stats_end(st, 0, none, HTTP_PATCH, 0, 0.1); /* no status: the server's failure */
	rt_buf out = RT_BUF_INIT;
	assert_int_equal(http_stats_write(st, &out), 0);
	assert_non_null(
	    strstr(out.data, "{route=\"unmatched\",method=\"OTHER\",status=\"5xx\"} 1\n"));
	assert_non_null(
	    strstr(out.data, "{route=\"unmatched\",method=\"PATCH\",status=\"5xx\"} 1\n"));
	rt_buf_release(&out);
	http_stats_free(st);
}

static void counting_off_keeps_in_flight(void **state)
{
	(void)state;
	http_stats *st;
	assert_int_equal(http_stats_new(routes, N_ROUTES, 1, false, &st), 0);
	http_stats_begin(st, 0);
	assert_int_equal(http_stats_in_flight(st), 1);
	http_stats_end(st, 0, 0, HTTP_GET, 200, 0.1);
	assert_int_equal(http_stats_in_flight(st), 0);
	rt_buf out = RT_BUF_INIT;
	assert_int_equal(http_stats_write(st, &out), 0);
	assert_null(strstr(out.data, "http_requests_total"));
	rt_buf_release(&out);
	http_stats_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(labels_are_escaped),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(slots_per_distinct_pattern),
	    cmocka_unit_test(summed_over_workers_and_cumulative),
	    cmocka_unit_test(methods_and_classes),
	    cmocka_unit_test(counting_off_keeps_in_flight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
