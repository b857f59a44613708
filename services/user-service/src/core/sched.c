/* sched.c — fibers on ucontext stacks and an epoll loop (see sched.h).
 *
 * Only the loop (core_sched_poll, or a libmicrohttpd callback it runs)
 * switches into a fiber, and a fiber only switches back to whoever resumed
 * it, so switches never nest. Stacks are mmap'd with a guard page below
 * and kept for reuse; untouched stack pages cost no memory. Under
 * AddressSanitizer every switch is announced to it, so that it tracks the
 * stack in use.
 */
#include "core/sched.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SCHED_ASAN 1
#else
#define SCHED_ASAN 0
#endif

#include "banned.h"

enum {
	/* deep enough for the JSON parser at its depth limit (2048), with
	 * the sanitizers' larger frames; only touched pages are resident */
	STACK_SIZE = SCHED_ASAN ? 8 << 20 : 1 << 20,
	GUARD_SIZE = 64 << 10,
	/* more than the fibers a worker runs at once under load (its share
	 * of the connections), so fibers reuse stacks instead of mapping them */
	STACKS_KEPT = 64,
	MAX_EVENTS = 64,
	MAX_HOOKS = 8,
	MAX_DEFERRED = 8,
	/* How long one core_sched_poll may spend resuming fibers before it
	 * returns, so that the caller's daemon sends the answers made so far:
	 * a round of quick requests fits, while fibers that compute (an
	 * Argon2id verify, ~100 ms) leave one by one instead of all together
	 * when the last of them is done. */
	ROUND_BUDGET_NS = 5 * 1000 * 1000,
};

typedef struct hook_entry {
	core_sched_hook fn;
	void *ctx;
} hook_entry;

typedef struct watch {
	core_watch_fn fn; /* NULL: not watched */
	void *ctx;
} watch;

struct core_fiber {
	ucontext_t ctx;
	ucontext_t *back; /* the resumer's context: park and return go there */
	core_sched *sched;
	char *stack;
	core_fiber_fn fn;
	void *arg;
	core_sched_hook done;
	void *done_ctx;
	bool finished, parked, runnable;
	uint64_t seq;            /* spawn order: the run queue is oldest first */
	core_fiber *next;        /* in the run queue */
	core_fiber *posted_next; /* in the list other threads post to */
#if SCHED_ASAN
	void *fake_stack;
	const void *back_bottom;
	size_t back_size;
#endif
};

struct core_sched {
	int ep;
	watch *watches; /* indexed by descriptor */
	size_t n_watches;
	core_fiber *ready, *ready_tail; /* ascending seq */
	uint64_t spawned;
	char *stacks[STACKS_KEPT];
	size_t n_stacks;
	hook_entry hooks[MAX_HOOKS];
	size_t n_hooks;
	hook_entry deferred[MAX_DEFERRED];
	size_t n_deferred;
	/* wake-ups from other threads (core_sched_post): they push the fiber
	 * here under the lock and signal the eventfd the loop watches */
	int post_fd;
	pthread_mutex_t post_lock;
	core_fiber *posted;
	size_t expected; /* posts announced by core_sched_expect, not yet taken */
};

/* The fiber running on this thread, NULL in the loop itself. Per-thread
 * scheduler state: written only by switch_to. */
static _Thread_local core_fiber *current;

static _Noreturn void broken(const char *what)
{
	fprintf(stderr, "user-service: fatal: fiber switch failed (%s)\n", what);
	abort();
}

/* ---- stacks ---- */

static char *stack_get(core_sched *s)
{
	if (s->n_stacks)
		return s->stacks[--s->n_stacks];
	void *p = mmap(NULL, (size_t)STACK_SIZE + GUARD_SIZE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, GUARD_SIZE, PROT_NONE)) {
		munmap(p, (size_t)STACK_SIZE + GUARD_SIZE);
		return NULL;
	}
	return (char *)p + GUARD_SIZE;
}

static void stack_unmap(char *stack)
{
	munmap(stack - GUARD_SIZE, (size_t)STACK_SIZE + GUARD_SIZE);
}

static void stack_put(core_sched *s, char *stack)
{
#if SCHED_ASAN
	/* frames of a fiber that ended mid-stack keep their redzones */
	ASAN_UNPOISON_MEMORY_REGION(stack, STACK_SIZE);
#endif
	if (s->n_stacks < STACKS_KEPT)
		s->stacks[s->n_stacks++] = stack;
	else
		stack_unmap(stack);
}

/* ---- switching ---- */

static void switch_to(core_fiber *f)
{
	ucontext_t here;
	if (current)
		broken("a fiber resumed another");
	f->back = &here;
	current = f;
#if SCHED_ASAN
	void *fake = NULL;
	__sanitizer_start_switch_fiber(&fake, f->stack, STACK_SIZE);
#endif
	if (swapcontext(&here, &f->ctx))
		broken("swapcontext");
#if SCHED_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	current = NULL;
}

static void entered(core_fiber *f)
{
#if SCHED_ASAN
	__sanitizer_finish_switch_fiber(f->fake_stack, &f->back_bottom, &f->back_size);
#else
	(void)f;
#endif
}

static void leave(core_fiber *f, bool ending)
{
#if SCHED_ASAN
	__sanitizer_start_switch_fiber(ending ? NULL : &f->fake_stack, f->back_bottom,
	                               f->back_size);
#else
	(void)ending;
#endif
	if (swapcontext(&f->ctx, f->back))
		broken("swapcontext");
	entered(f);
}

static void unqueue(core_sched *s, core_fiber *f)
{
	core_fiber **p = &s->ready;
	while (*p && *p != f)
		p = &(*p)->next;
	if (!*p)
		return;
	*p = f->next;
	if (s->ready_tail == f) {
		s->ready_tail = NULL;
		for (core_fiber *g = s->ready; g; g = g->next)
			s->ready_tail = g;
	}
	f->next = NULL;
	f->runnable = false;
}

static void trampoline(void)
{
	core_fiber *f = current;
	entered(f);
	f->fn(f->arg);
	f->finished = true;
	if (f->runnable)
		unqueue(f->sched, f); /* woken, then returned without parking */
	leave(f, true);
	broken("an ended fiber was resumed");
}

static void fiber_free(core_sched *s, core_fiber *f)
{
	stack_put(s, f->stack);
	free(f);
}

/* Resumes f; returns true when it has returned (and is freed). */
static bool resume(core_sched *s, core_fiber *f)
{
	switch_to(f);
	if (!f->finished)
		return false;
	core_sched_hook done = f->parked ? f->done : NULL;
	void *done_ctx = f->done_ctx;
	fiber_free(s, f);
	if (done)
		done(done_ctx);
	return true;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Resumes the runnable fibers until none is left, or until the deadline
 * (0: none) has passed; the rest wait for the next round. Returns whether
 * any ran. */
static bool run_ready(core_sched *s, int64_t deadline)
{
	core_fiber *f;
	bool ran = false;
	while ((f = s->ready) && (!deadline || now_ns() < deadline)) {
		ran = true;
		s->ready = f->next;
		if (!s->ready)
			s->ready_tail = NULL;
		f->next = NULL;
		f->runnable = false;
		resume(s, f);
	}
	return ran;
}

/* ---- wake-ups from other threads ---- */

/* The loop's side of core_sched_post: wakes every fiber posted so far.
 * Watched (level-triggered) on post_fd. */
static void take_posts(void *ctx, uint32_t events)
{
	(void)events;
	core_sched *s = ctx;
	uint64_t n;
	if (read(s->post_fd, &n, sizeof n) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&s->post_lock);
	core_fiber *f = s->posted;
	s->posted = NULL;
	pthread_mutex_unlock(&s->post_lock);
	while (f) {
		core_fiber *next = f->posted_next;
		f->posted_next = NULL;
		s->expected -= s->expected > 0;
		core_fiber_wake(f);
		f = next;
	}
}

/* ---- public ---- */

int core_sched_new(core_sched **out)
{
	core_sched *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->post_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->ep < 0 || s->post_fd < 0 || pthread_mutex_init(&s->post_lock, NULL)) {
		if (s->ep >= 0)
			close(s->ep);
		if (s->post_fd >= 0)
			close(s->post_fd);
		free(s);
		return -1;
	}
	if (core_sched_watch(s, s->post_fd, EPOLLIN, take_posts, s)) {
		core_sched_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void core_sched_free(core_sched *s)
{
	if (!s)
		return;
	core_sched_finish(s);
	for (size_t i = 0; i < s->n_stacks; i++)
		stack_unmap(s->stacks[i]);
	close(s->ep);
	close(s->post_fd);
	pthread_mutex_destroy(&s->post_lock);
	free(s->watches);
	free(s);
}

int core_sched_watch(core_sched *s, int fd, uint32_t events, core_watch_fn fn, void *ctx)
{
	if (fd < 0 || !fn) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)fd >= s->n_watches) {
		size_t n = s->n_watches ? s->n_watches : 16;
		while (n <= (size_t)fd)
			n *= 2;
		watch *w = realloc(s->watches, n * sizeof *w);
		if (!w)
			return -1;
		memset(w + s->n_watches, 0, (n - s->n_watches) * sizeof *w);
		s->watches = w;
		s->n_watches = n;
	}
	struct epoll_event ev = {.events = events, .data.fd = fd};
	if (epoll_ctl(s->ep, s->watches[fd].fn ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev))
		return -1;
	s->watches[fd] = (watch){fn, ctx};
	return 0;
}

void core_sched_unwatch(core_sched *s, int fd)
{
	if (fd < 0 || (size_t)fd >= s->n_watches || !s->watches[fd].fn)
		return;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, fd, NULL);
	s->watches[fd] = (watch){0};
}

int core_sched_at_exit(core_sched *s, core_sched_hook hook, void *ctx)
{
	if (s->n_hooks == MAX_HOOKS)
		return -1;
	s->hooks[s->n_hooks].fn = hook;
	s->hooks[s->n_hooks].ctx = ctx;
	s->n_hooks++;
	return 0;
}

/* getcontext returns twice in principle (never here: the context is only
 * a template for makecontext), so it sits alone where no local can be
 * clobbered. */
static int context_init(ucontext_t *ctx)
{
	return getcontext(ctx);
}

int core_sched_spawn(core_sched *s, core_fiber_fn fn, void *arg, core_sched_hook done,
                     void *done_ctx)
{
	core_fiber *f = calloc(1, sizeof *f);
	char *stack = f ? stack_get(s) : NULL;
	if (!stack || context_init(&f->ctx)) {
		if (stack)
			stack_put(s, stack);
		free(f);
		return -1;
	}
	f->sched = s;
	f->seq = ++s->spawned;
	f->stack = stack;
	f->fn = fn;
	f->arg = arg;
	f->done = done;
	f->done_ctx = done_ctx;
	f->ctx.uc_stack.ss_sp = stack;
	f->ctx.uc_stack.ss_size = STACK_SIZE;
	f->ctx.uc_link = NULL;
	makecontext(&f->ctx, trampoline, 0);
	return resume(s, f) ? 1 : 0;
}

int core_sched_defer(core_sched *s, core_sched_hook fn, void *ctx)
{
	if (s->n_deferred == MAX_DEFERRED)
		return -1;
	s->deferred[s->n_deferred++] = (hook_entry){fn, ctx};
	return 0;
}

void core_sched_undefer(core_sched *s, core_sched_hook fn, void *ctx)
{
	for (size_t i = 0; i < s->n_deferred; i++) {
		if (s->deferred[i].fn == fn && s->deferred[i].ctx == ctx) {
			s->deferred[i] = s->deferred[--s->n_deferred];
			return;
		}
	}
}

/* Deferred hooks may wake fibers, and those may defer again; the hooks run
 * even when the deadline has passed (they send what the fibers queued). */
static bool run_round(core_sched *s, int64_t deadline)
{
	bool ran = run_ready(s, deadline);
	while (s->n_deferred) {
		hook_entry h = s->deferred[--s->n_deferred];
		h.fn(h.ctx);
		ran |= run_ready(s, deadline);
	}
	return ran;
}

int core_sched_poll(core_sched *s, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	/* fibers woken, and work deferred, outside the loop's callbacks; when
	 * fibers ran, what they answered is the caller's to send before any wait */
	bool ran = run_round(s, now_ns() + ROUND_BUDGET_NS);
	int n = epoll_wait(s->ep, ev, MAX_EVENTS, ran || s->ready ? 0 : timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		int fd = ev[i].data.fd;
		if ((size_t)fd < s->n_watches && s->watches[fd].fn)
			s->watches[fd].fn(s->watches[fd].ctx, ev[i].events);
	}
	run_round(s, now_ns() + ROUND_BUDGET_NS); /* the wait is not the fibers' time */
	return n;
}

void core_sched_finish(core_sched *s)
{
	for (size_t i = 0; i < s->n_hooks; i++)
		s->hooks[i].fn(s->hooks[i].ctx);
	s->n_hooks = 0;
	run_round(s, 0);
	/* fibers waiting for another thread's work: that work finishes (the
	 * threads doing it outlive every scheduler), so wait for it here */
	while (s->expected) {
		struct pollfd p = {.fd = s->post_fd, .events = POLLIN};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		take_posts(s, EPOLLIN);
		run_round(s, 0);
	}
}

void core_sched_expect(core_sched *s)
{
	s->expected++;
}

void core_sched_post(core_fiber *f)
{
	core_sched *s = f->sched;
	pthread_mutex_lock(&s->post_lock);
	f->posted_next = s->posted;
	s->posted = f;
	pthread_mutex_unlock(&s->post_lock);
	uint64_t one = 1;
	/* cannot fail but by overflowing the counter, which the loop drains */
	(void)!write(s->post_fd, &one, sizeof one);
}

core_fiber *core_fiber_self(void)
{
	return current;
}

core_sched *core_fiber_sched(const core_fiber *f)
{
	return f->sched;
}

void core_fiber_park(void)
{
	core_fiber *f = current;
	if (!f)
		broken("park outside a fiber");
	f->parked = true;
	leave(f, false);
}

/* The run queue is kept in spawn order, so that a request that has waited
 * longest goes first: the last step of a login (a query after its hash)
 * runs before the hashes of logins that came later, instead of after all
 * of them. Answers mostly wake fibers in the order they were spawned, so
 * the insertion is nearly always at the tail. */
void core_fiber_wake(core_fiber *f)
{
	if (f->runnable || f->finished)
		return;
	f->runnable = true;
	core_sched *s = f->sched;
	if (!s->ready_tail || s->ready_tail->seq < f->seq) {
		f->next = NULL;
		if (s->ready_tail)
			s->ready_tail->next = f;
		else
			s->ready = f;
		s->ready_tail = f;
		return;
	}
	core_fiber **p = &s->ready;
	while ((*p)->seq < f->seq)
		p = &(*p)->next;
	f->next = *p;
	*p = f;
}
