/* cpu_pool.c — the bounded pool of lower-priority threads (see
 * cpu_pool.h). One lock guards the FIFO of waiting jobs; a job lives on
 * its caller's stack, which waits for it, so the pool allocates nothing
 * per job.
 */
#include "core/cpu_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sched.h"
#include "banned.h"

typedef struct job {
	core_cpu_job_fn fn;
	void *arg;
	core_fiber *fiber; /* wake it when done; NULL: the caller blocks on `ran` */
	bool done;         /* under the lock */
	struct job *next;
} job;

struct core_cpu_pool {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or the pool stops */
	pthread_cond_t ran;  /* a blocking caller's job is done */
	job *head, *tail;
	unsigned queued, queue_max;
	unsigned busy; /* threads running a job */
	bool stopping;
	int nice;
	pthread_t *threads;
	unsigned n_threads;
};

static void *pool_thread(void *arg)
{
	core_cpu_pool *p = arg;
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), p->nice))
		core_log(CORE_LOG_WARNING, "hashing thread: cannot lower its priority to nice %d",
		         p->nice);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		job *j = p->head;
		if (!j)
			break; /* stopping, and every accepted job has run */
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		p->busy++;
		pthread_mutex_unlock(&p->lock);
		j->fn(j->arg);
		core_fiber *f = j->fiber;
		pthread_mutex_lock(&p->lock);
		p->busy--;
		j->done = true;
		if (f)
			core_sched_post(f); /* j may be gone once the fiber runs: no more of it */
		else
			pthread_cond_broadcast(&p->ran);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int core_cpu_pool_new(unsigned threads, unsigned queue_max, int nice, core_cpu_pool **out)
{
	if (threads < 1) {
		errno = EINVAL;
		return -1;
	}
	core_cpu_pool *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	p->threads = calloc(threads, sizeof *p->threads);
	if (!p->threads || pthread_mutex_init(&p->lock, NULL)) {
		free(p->threads);
		free(p);
		return -1;
	}
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->ran, NULL);
	p->queue_max = queue_max;
	p->nice = nice;
	for (; p->n_threads < threads; p->n_threads++) {
		int rc = pthread_create(&p->threads[p->n_threads], NULL, pool_thread, p);
		if (rc) {
			core_cpu_pool_free(p);
			errno = rc;
			return -1;
		}
	}
	*out = p;
	return 0;
}

void core_cpu_pool_free(core_cpu_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->ran);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

int core_cpu_pool_run(core_cpu_pool *p, core_cpu_job_fn fn, void *arg)
{
	job j = {.fn = fn, .arg = arg, .fiber = core_fiber_self()};
	pthread_mutex_lock(&p->lock);
	/* every job accepted and not yet done: the running and the waiting */
	if (p->queued + p->busy >= p->n_threads + p->queue_max) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	if (p->tail)
		p->tail->next = &j;
	else
		p->head = &j;
	p->tail = &j;
	p->queued++;
	pthread_cond_signal(&p->work);
	if (j.fiber) {
		core_sched_expect(core_fiber_sched(j.fiber));
		/* the post is taken only after the park: the loop that takes it runs
		 * on this thread, which is in this fiber until it parks; a wake-up
		 * from elsewhere is early, and j must outlive the job */
		while (!j.done) {
			pthread_mutex_unlock(&p->lock);
			core_fiber_park();
			pthread_mutex_lock(&p->lock);
		}
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	while (!j.done)
		pthread_cond_wait(&p->ran, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

unsigned core_cpu_pool_queued(core_cpu_pool *p)
{
	pthread_mutex_lock(&p->lock);
	unsigned n = p->queued;
	pthread_mutex_unlock(&p->lock);
	return n;
}
