/* test_throttle.c — failed-attempt counters: the limit, the growing delay
 * capped at the window, the window's end forgetting failures, reset, keys
 * kept apart, a full table forgetting its oldest keys first, and the count
 * of refusals /metrics reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/throttle.h"

enum { T0 = 1700000000 };

static core_throttle *make(unsigned limit, unsigned window, unsigned entries)
{
	core_throttle *t = NULL;
	assert_true(sodium_init() >= 0);
	assert_int_equal(core_throttle_new(limit, window, entries, &t), 0);
	return t;
}

static void limit_then_growing_delay(void **state)
{
	(void)state;
	core_throttle *t = make(3, 900, 64); /* base 30 s */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(core_throttle_wait(t, "e:a", T0), 0);
		core_throttle_fail(t, "e:a", T0);
	}
	assert_int_equal(core_throttle_refused(t), 0);
	assert_int_equal(core_throttle_wait(t, "e:a", T0), 30);
	assert_int_equal(core_throttle_wait(t, "e:a", T0 + 10), 20);
	assert_int_equal(core_throttle_wait(t, "e:a", T0 + 30), 0);
	assert_int_equal(core_throttle_refused(t), 2); /* the waits that were not 0 */
	/* each further failure doubles the delay: 60, 120, ... up to the window */
	int64_t now = T0 + 30;
	unsigned expect[] = {60, 120, 240, 480, 900};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		core_throttle_fail(t, "e:a", now);
		assert_int_equal(core_throttle_wait(t, "e:a", now), expect[i]);
		now += expect[i];
		assert_int_equal(core_throttle_wait(t, "e:a", now), 0);
	}
	/* a whole window after the last failure, the count starts again */
	core_throttle_fail(t, "e:a", now);
	assert_int_equal(core_throttle_wait(t, "e:a", now), 0);
	core_throttle_free(t);
}

static void window_end_and_reset_forget(void **state)
{
	(void)state;
	core_throttle *t = make(2, 60, 64);
	core_throttle_fail(t, "e:a", T0);
	core_throttle_fail(t, "e:a", T0 + 59);
	assert_true(core_throttle_wait(t, "e:a", T0 + 59) > 0);
	/* older than the window: the count starts again */
	core_throttle_fail(t, "e:a", T0 + 59 + 60);
	assert_int_equal(core_throttle_wait(t, "e:a", T0 + 59 + 60), 0);
	core_throttle_fail(t, "e:a", T0 + 120);
	assert_true(core_throttle_wait(t, "e:a", T0 + 120) > 0);
	core_throttle_reset(t, "e:a");
	assert_int_equal(core_throttle_wait(t, "e:a", T0 + 120), 0);
	core_throttle_free(t);
}

static void keys_apart(void **state)
{
	(void)state;
	core_throttle *t = make(1, 900, 64);
	core_throttle_fail(t, "e:a@example.com", T0);
	assert_true(core_throttle_wait(t, "e:a@example.com", T0) > 0);
	assert_int_equal(core_throttle_wait(t, "e:b@example.com", T0), 0);
	assert_int_equal(core_throttle_wait(t, "a:a@example.com", T0), 0);
	core_throttle_free(t);
}

/* A table of 8 keys (one set) keeps the 8 most recent failures. */
static void full_table_forgets_oldest(void **state)
{
	(void)state;
	core_throttle *t = make(1, 900, 8);
	char key[32];
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof key, "a:10.0.0.%d", i);
		core_throttle_fail(t, key, T0 + i);
	}
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof key, "a:10.0.0.%d", i);
		unsigned wait = core_throttle_wait(t, key, T0 + 16);
		if (i < 8)
			assert_int_equal(wait, 0);
		else
			assert_true(wait > 0);
	}
	core_throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(limit_then_growing_delay),
	    cmocka_unit_test(window_end_and_reset_forget),
	    cmocka_unit_test(keys_apart),
	    cmocka_unit_test(full_table_forgets_oldest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
