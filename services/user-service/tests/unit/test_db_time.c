/* test_db_time.c — core_db_get_time, the RFC 3339 form of every time column
 * in responses, over a real SQLite file: UTC values as PostgreSQL and
 * SQLite store them, other zones moved to UTC, and what is not a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/db.h"

static const struct {
	const char *stored, *rfc3339; /* NULL: not a time */
} cases[] = {
    {"2026-11-24 09:00:00.123456+00", "2026-11-24T09:00:00.123456Z"}, /* PostgreSQL, UTC */
    {"2026-11-24 09:00:00", "2026-11-24T09:00:00.000000Z"},           /* no zone: UTC */
    {"2026-11-24T09:00:00.5Z", "2026-11-24T09:00:00.500000Z"},
    {"2026-11-24 09:00:00.1234567+00:00", "2026-11-24T09:00:00.123456Z"},
    {"2026-11-24 11:00:00+02:00", "2026-11-24T09:00:00.000000Z"},
    {"2026-12-31 23:30:00.25-01", "2027-01-01T00:30:00.250000Z"},
    {"2026-11-24 09:00:60+00", "2026-11-24T09:01:00.000000Z"}, /* leap second, normalised */
    {"2026-11-24", NULL},
    {"2026-11-24 09:00:00+", NULL},
    {"2026-11-24 09:00:00.", NULL},
    {"not a time", NULL},
};

static void times_as_rfc3339(void **state)
{
	(void)state;
	char dir[] = "/tmp/db-time-XXXXXX", url[64], path[48];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	snprintf(url, sizeof url, "sqlite:///%s", path);
	FILE *f = fopen(path, "w"); /* the service opens databases, never makes them */
	assert_non_null(f);
	fclose(f);
	core_db_pool *pool;
	core_db_error err;
	assert_int_equal(core_db_pool_new(url, &pool, &err), 0);
	core_db *db = core_db_pool_get(pool, &err);
	if (!db)
		fail_msg("%s: %s", url, err.message);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		core_db_result *r;
		assert_int_equal(core_db_query(db, "SELECT $1, NULL",
		                               (core_db_param[]){CORE_DB_TEXT_P(cases[i].stored)},
		                               1, &r, &err),
		                 0);
		char out[32];
		bool ok = core_db_get_time(r, 0, 0, out);
		if (cases[i].rfc3339) {
			assert_true(ok);
			assert_string_equal(out, cases[i].rfc3339);
		} else {
			assert_false(ok);
		}
		assert_false(core_db_get_time(r, 0, 1, out)); /* NULL */
		core_db_result_free(r);
	}
	core_db_pool_free(pool);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(times_as_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
