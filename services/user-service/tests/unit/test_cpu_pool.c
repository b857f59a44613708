/* test_cpu_pool.c — the hashing pool: jobs run on its own threads at the
 * nice value asked for; fibers park meanwhile and the loop stays free; the
 * queue's bound refuses at once; a thread outside any fiber blocks; and a
 * scheduler that stops waits for its fibers' jobs. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cpu_pool.h"
#include "core/sched.h"

/* A door jobs wait at until the test opens it. */
typedef struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;
	int waiting;
} gate;

static gate door = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};

static void gate_open(gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

typedef struct work {
	core_cpu_pool *pool;
	bool wait_at_gate;
	pid_t tid;     /* the thread the job ran on */
	int nice;      /* its nice value */
	int rc;        /* core_cpu_pool_run's answer, in a fiber */
	bool ran;      /* the job ran */
	bool returned; /* the fiber got past core_cpu_pool_run */
} work;

static void job(void *arg)
{
	work *w = arg;
	w->tid = gettid();
	w->nice = getpriority(PRIO_PROCESS, (id_t)w->tid);
	if (w->wait_at_gate) {
		pthread_mutex_lock(&door.lock);
		door.waiting++;
		while (!door.open)
			pthread_cond_wait(&door.cond, &door.lock);
		pthread_mutex_unlock(&door.lock);
	}
	w->ran = true;
}

static void in_fiber(void *arg)
{
	work *w = arg;
	w->rc = core_cpu_pool_run(w->pool, job, w);
	w->returned = true;
}

static void blocking_outside_a_fiber(void **state)
{
	(void)state;
	core_cpu_pool *p;
	assert_int_equal(core_cpu_pool_new(2, 4, 7, &p), 0);
	work w = {.pool = p};
	assert_int_equal(core_cpu_pool_run(p, job, &w), 0);
	assert_true(w.ran);
	assert_int_not_equal(w.tid, gettid());
	assert_int_equal(w.nice, 7);
	core_cpu_pool_free(p);
}

static void fibers_park_and_the_bound_refuses(void **state)
{
	(void)state;
	core_sched *s;
	core_cpu_pool *p;
	assert_int_equal(core_sched_new(&s), 0);
	/* one thread, one waiting place: the third job is refused */
	assert_int_equal(core_cpu_pool_new(1, 1, 0, &p), 0);
	work a = {.pool = p, .wait_at_gate = true}, b = {.pool = p}, c = {.pool = p};
	assert_int_equal(core_sched_spawn(s, in_fiber, &a, NULL, NULL), 0); /* parked */
	assert_int_equal(core_sched_spawn(s, in_fiber, &b, NULL, NULL), 0); /* queued */
	/* refused at once, on the loop's thread, while a's job runs */
	assert_int_equal(core_sched_spawn(s, in_fiber, &c, NULL, NULL), 1);
	assert_int_equal(c.rc, -1);
	assert_false(c.ran);
	assert_false(a.returned || b.returned);
	gate_open(&door);
	for (int i = 0; i < 1000 && !(a.returned && b.returned); i++)
		core_sched_poll(s, 10);
	assert_true(a.returned && b.returned);
	assert_true(a.ran && b.ran);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	core_sched_free(s);
	core_cpu_pool_free(p);
}

static void finish_waits_for_posted_jobs(void **state)
{
	(void)state;
	core_sched *s;
	core_cpu_pool *p;
	assert_int_equal(core_sched_new(&s), 0);
	assert_int_equal(core_cpu_pool_new(1, 8, 0, &p), 0);
	work w[3] = {{.pool = p}, {.pool = p}, {.pool = p}};
	for (int i = 0; i < 3; i++)
		assert_int_equal(core_sched_spawn(s, in_fiber, &w[i], NULL, NULL), 0);
	core_sched_free(s); /* without a poll: finish waits for the three */
	for (int i = 0; i < 3; i++)
		assert_true(w[i].ran && w[i].returned);
	core_cpu_pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blocking_outside_a_fiber),
	    cmocka_unit_test(fibers_park_and_the_bound_refuses),
	    cmocka_unit_test(finish_waits_for_posted_jobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
