/* test_sched.c — fibers parked and woken, and the round budget: fibers
 * that compute leave the loop one at a time, so the caller can send each
 * answer as it is made; runnable fibers run oldest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "core/sched.h"

enum { N_FIBERS = 4 };

typedef struct job {
	core_fiber *self;
	int busy_ms; /* computes this long once woken */
	int *done;
} job;

static void spin_ms(int ms)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do
		clock_gettime(CLOCK_MONOTONIC, &now);
	while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

static void wait_then_compute(void *arg)
{
	job *j = arg;
	j->self = core_fiber_self();
	core_fiber_park();
	spin_ms(j->busy_ms);
	(*j->done)++;
}

/* Spawns N_FIBERS parked fibers, wakes them all, returns how many finished
 * after each of N_FIBERS polls. */
static void polls(int busy_ms, int after[N_FIBERS])
{
	core_sched *s;
	assert_int_equal(core_sched_new(&s), 0);
	int done = 0;
	job jobs[N_FIBERS];
	for (int i = 0; i < N_FIBERS; i++) {
		jobs[i] = (job){.busy_ms = busy_ms, .done = &done};
		assert_int_equal(core_sched_spawn(s, wait_then_compute, &jobs[i], NULL, NULL), 0);
	}
	assert_int_equal(done, 0);
	for (int i = 0; i < N_FIBERS; i++)
		core_fiber_wake(jobs[i].self);
	for (int i = 0; i < N_FIBERS; i++) {
		assert_int_equal(core_sched_poll(s, 0), 0);
		after[i] = done;
	}
	core_sched_free(s);
}

static void test_quick_fibers_finish_in_one_round(void **state)
{
	(void)state;
	int after[N_FIBERS];
	polls(0, after);
	assert_int_equal(after[0], N_FIBERS);
}

static void test_computing_fibers_finish_one_per_round(void **state)
{
	(void)state;
	int after[N_FIBERS];
	polls(8, after); /* each past the 5 ms budget on its own */
	assert_true(after[0] >= 1 && after[0] < N_FIBERS); /* not all in one call */
	for (int i = 1; i < N_FIBERS; i++)
		assert_true(after[i] > after[i - 1] || after[i] == N_FIBERS);
	assert_int_equal(after[N_FIBERS - 1], N_FIBERS);
}

typedef struct ordered {
	core_fiber *self;
	int id, *order, *n;
} ordered;

static void wait_then_note(void *arg)
{
	ordered *o = arg;
	o->self = core_fiber_self();
	core_fiber_park();
	o->order[(*o->n)++] = o->id;
}

/* Woken newest first, in the middle, or in turn: they run oldest first. */
static void test_oldest_fiber_runs_first(void **state)
{
	(void)state;
	static const int wakes[][N_FIBERS] = {{3, 2, 1, 0}, {1, 3, 0, 2}, {0, 1, 2, 3}};
	for (size_t w = 0; w < sizeof wakes / sizeof wakes[0]; w++) {
		core_sched *s;
		assert_int_equal(core_sched_new(&s), 0);
		int order[N_FIBERS], n = 0;
		ordered fibers[N_FIBERS];
		for (int i = 0; i < N_FIBERS; i++) {
			fibers[i] = (ordered){.id = i, .order = order, .n = &n};
			assert_int_equal(
			    core_sched_spawn(s, wait_then_note, &fibers[i], NULL, NULL), 0);
		}
		for (int i = 0; i < N_FIBERS; i++)
			core_fiber_wake(fibers[wakes[w][i]].self);
		assert_int_equal(core_sched_poll(s, 0), 0);
		assert_int_equal(n, N_FIBERS);
		for (int i = 0; i < N_FIBERS; i++)
			assert_int_equal(order[i], i);
		core_sched_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quick_fibers_finish_in_one_round),
	    cmocka_unit_test(test_computing_fibers_finish_one_per_round),
	    cmocka_unit_test(test_oldest_fiber_runs_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
