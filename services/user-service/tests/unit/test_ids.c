/* test_ids.c — request ids drawn from a thread's pool of randomness: the
 * form core_request_id has, no repeats across refills of the pool, and the
 * bytes handed out wiped from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/ids.h"

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void pooled_request_ids(void **state)
{
	(void)state;
	enum { N = 1000 }; /* four refills of the pool */
	static char ids[N][33];
	static core_random_pool pool;
	assert_true(sodium_init() >= 0);
	for (int i = 0; i < N; i++) {
		core_request_id_from(&pool, ids[i]);
		assert_int_equal(strlen(ids[i]), 32);
		assert_int_equal(strspn(ids[i], "0123456789abcdef"), 32);
		/* what was handed out is gone from the pool */
		assert_true(sodium_is_zero(pool.buf + sizeof pool.buf - pool.left - 16, 16));
	}
	qsort(ids, N, sizeof ids[0], by_text);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	core_random_pool_wipe(&pool);
	assert_true(sodium_is_zero((const unsigned char *)&pool, sizeof pool));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pooled_request_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
