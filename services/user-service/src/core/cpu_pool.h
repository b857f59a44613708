/* cpu_pool.h — a small, bounded pool of lower-priority threads for work
 * that computes for long (Argon2id and bcrypt: ~85 ms of CPU each), so it
 * never runs on a request worker's event loop.
 *
 * A request's fiber hands its job over and parks; its worker goes on
 * serving other requests, and the fiber resumes in the worker's loop when
 * a pool thread has run the job (core_sched_post). Outside a fiber the
 * calling thread blocks until the job has run (tests, start-up).
 *
 * The queue is bounded: a job that would wait behind queue_max others is
 * refused at once, so a burst of logins costs the callers a 503, never an
 * unbounded wait. Pool threads run at nice `nice` (setpriority on each
 * thread): the kernel gives a runnable request worker (nice 0) the larger
 * share of a contended core, yet the pool's threads still get theirs, so
 * hashes progress under full read load (SCHED_IDLE would starve them).
 */
#ifndef CORE_CPU_POOL_H
#define CORE_CPU_POOL_H

typedef struct core_cpu_pool core_cpu_pool;

typedef void (*core_cpu_job_fn)(void *arg);

/* Starts threads (>= 1) pool threads at nice (0..19; a failure to lower
 * the priority is logged, not fatal). queue_max: jobs that may wait for a
 * thread (>= 0). *out is owned by the caller (core_cpu_pool_free). Returns
 * 0, or -1 with errno set. */
int core_cpu_pool_new(unsigned threads, unsigned queue_max, int nice, core_cpu_pool **out);

/* Runs every job already accepted, then stops and joins the threads and
 * frees p. No thread may call core_cpu_pool_run on p meanwhile or after. */
void core_cpu_pool_free(core_cpu_pool *p);

/* Runs fn(arg) on a pool thread and returns when it has run (see above).
 * Returns 0 when fn ran, -1 when the queue is full (fn did not run). arg
 * must live until the call returns (a fiber's stack is fine). */
int core_cpu_pool_run(core_cpu_pool *p, core_cpu_job_fn fn, void *arg);

/* Jobs waiting for a thread now (a snapshot, for logs and metrics). */
unsigned core_cpu_pool_queued(core_cpu_pool *p);

#endif
