/* sched.h — one worker thread's event loop, and the fibers that wait in it.
 *
 * A worker thread owns one core_sched. Each request runs in a fiber (a
 * function on a stack of its own); when it has to wait for a socket (its
 * query's answer from PostgreSQL) it parks, the thread serves other
 * connections meanwhile, and the socket's readiness callback wakes it.
 * So one thread and one database connection keep many requests in flight,
 * as an event-loop worker does, while handlers stay plain sequential code.
 *
 * Fibers belong to the thread that spawned them and never run at the same
 * time, so what they share on that thread needs no lock. Nothing here is
 * thread-safe across threads but core_sched_post.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdint.h>

typedef struct core_sched core_sched;
typedef struct core_fiber core_fiber;

typedef void (*core_fiber_fn)(void *arg);
/* A watched descriptor is ready: events is the epoll mask that fired. */
typedef void (*core_watch_fn)(void *ctx, uint32_t events);
typedef void (*core_sched_hook)(void *ctx);

/* A scheduler for the calling thread. *out is owned by the caller
 * (core_sched_free). Returns 0, or -1 with errno set. */
int core_sched_new(core_sched **out);
/* Runs the at-exit hooks (which must finish every parked fiber), then frees
 * s and the stacks it keeps. */
void core_sched_free(core_sched *s);

/* Calls fn(ctx, events) from core_sched_poll while fd is ready for events
 * (EPOLLIN, EPOLLOUT; level-triggered). Watching a watched fd changes its
 * events and callback. Returns 0 or -1 (errno). Unwatch before closing fd. */
int core_sched_watch(core_sched *s, int fd, uint32_t events, core_watch_fn fn, void *ctx);
void core_sched_unwatch(core_sched *s, int fd);

/* hook(ctx) runs once when the loop ends (core_sched_finish), to give up
 * what parked fibers wait for so that they finish. Returns 0 or -1. */
int core_sched_at_exit(core_sched *s, core_sched_hook hook, void *ctx);

/* hook(ctx) runs once, after the fibers runnable now have run and before
 * the loop next waits: work gathered over a round is done once for it (one
 * flush of a socket for many writes). Returns 0, or -1 when too many are
 * pending (do the work now instead). */
int core_sched_defer(core_sched *s, core_sched_hook hook, void *ctx);
/* Forgets a deferred hook(ctx) that has not run (its ctx is going away). */
void core_sched_undefer(core_sched *s, core_sched_hook hook, void *ctx);

/* Runs fn(arg) in a new fiber until it returns or parks. Returns 1 when fn
 * returned, 0 when it parked (done(done_ctx) then runs when it returns,
 * from core_sched_poll), -1 when no stack could be had (fn did not run). */
int core_sched_spawn(core_sched *s, core_fiber_fn fn, void *arg, core_sched_hook done,
                     void *done_ctx);

/* Resumes fibers woken since the last call; then waits up to timeout_ms
 * (-1: no limit) for the watched descriptors, runs the callbacks of those
 * ready, and resumes the fibers they woke. Each of the two rounds stops
 * after 5 ms of fibers' work; fibers still runnable run in the next call.
 * The wait is skipped when fibers are runnable or the first round ran any
 * (their answers are the caller's to send). Returns the number of ready
 * descriptors, or -1. */
int core_sched_poll(core_sched *s, int timeout_ms);

/* Runs the at-exit hooks and the fibers they woke; then waits for the
 * posts announced with core_sched_expect and runs the fibers they wake. */
void core_sched_finish(core_sched *s);

/* Waiting for another thread's work (core/cpu_pool.h). The fiber announces
 * the wake-up on its own thread (core_sched_expect), hands the work over,
 * parks; the other thread calls core_sched_post(fiber) when done, the only
 * call here that is safe from any thread. The loop wakes the fiber in its
 * next round; core_sched_finish waits for every announced post, so a
 * fiber never stays parked at shutdown. */
void core_sched_expect(core_sched *s);
void core_sched_post(core_fiber *f);

/* The running fiber, or NULL outside any fiber (main, or a thread without
 * a scheduler): callers then do their work blocking, as before. */
core_fiber *core_fiber_self(void);
core_sched *core_fiber_sched(const core_fiber *f);
/* Gives the thread back until core_fiber_wake(self). Only inside a fiber.
 * Wake-ups may be early: re-check what was waited for. */
void core_fiber_park(void);
/* Makes f runnable (once, however often called before it runs). Runnable
 * fibers run oldest (first spawned) first. */
void core_fiber_wake(core_fiber *f);

#endif
