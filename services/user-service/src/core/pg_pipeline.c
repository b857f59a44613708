/* pg_pipeline.c — fibers' queries pipelined on one connection (see
 * pg_pipeline.h).
 *
 * Each call is a node on its fiber's stack, queued in sending order; the
 * socket's callback reads what arrived and hands each query's results to
 * the oldest node until that query's sync point, then wakes its fiber.
 * Everything that touches the pipeline happens before a fiber parks or in
 * the callback: a woken fiber reads only its own node, because by the time
 * it runs the pipeline may have failed and been freed.
 *
 * What the fibers of one round of the loop send leaves in one write: the
 * first query of a round corks the socket (TCP_CORK) and the round's end
 * flushes and uncorks it, so the server is woken once for the lot rather
 * than once per query. (libpq writes at every sync point; the cork keeps
 * those writes in the kernel until the round ends. On a Unix socket there
 * is no cork and each write goes at once.)
 */
#include "core/pg_pipeline.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "banned.h"

typedef struct pg_wait {
	core_fiber *fiber;
	bool prepare; /* the first result is the prepare's */
	bool begin;   /* a BEGIN: a failure gives the connection back */
	int results;
	PGresult *res;
	bool prepared, done, failed;
	struct pg_wait *next;
} pg_wait;

struct pg_pipeline {
	PGconn *conn;
	core_sched *sched;
	int fd; /* -1 once unwatched */
	bool failed;
	bool writing; /* output is pending: the socket is watched for EPOLLOUT too */
	bool round;   /* sent this round: the flush at its end is deferred */
	bool corked;
	pg_wait *head, *tail; /* sent, not yet answered */
	core_fiber *owner;    /* in a transaction: the fiber that began it */
	pg_wait *turns;       /* fibers waiting for the owner to finish */
};

static bool is_error(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
}

static void wake(pg_wait *w, bool failed)
{
	w->done = true;
	w->failed = failed;
	core_fiber_wake(w->fiber);
}

static void release_turn(pg_pipeline *p, bool failed)
{
	p->owner = NULL;
	for (pg_wait *t = p->turns, *next; t; t = next) {
		next = t->next;
		wake(t, failed);
	}
	p->turns = NULL;
}

static void fail(pg_pipeline *p)
{
	p->failed = true;
	if (p->fd >= 0)
		core_sched_unwatch(p->sched, p->fd);
	p->fd = -1;
	for (pg_wait *w = p->head, *next; w; w = next) {
		next = w->next;
		PQclear(w->res);
		w->res = NULL;
		wake(w, true);
	}
	p->head = p->tail = NULL;
	release_turn(p, true);
}

static void on_socket(void *ctx, uint32_t events);
static void end_round(void *ctx);

static void watch(pg_pipeline *p, bool writing)
{
	if (p->fd < 0 || p->writing == writing)
		return;
	if (core_sched_watch(p->sched, p->fd, EPOLLIN | (writing ? EPOLLOUT : 0), on_socket, p))
		fail(p);
	else
		p->writing = writing;
}

/* The head query's sync point arrived. */
static void complete(pg_pipeline *p)
{
	pg_wait *w = p->head;
	p->head = w->next;
	if (!p->head)
		p->tail = NULL;
	if (w->begin && p->owner == w->fiber && (!w->res || is_error(w->res)))
		release_turn(p, false);
	wake(w, false);
}

/* Hands out every result already read. In pipeline mode PQgetResult gives
 * NULL between one query's results and the next's, never twice in a row
 * while queries are pending; two NULLs would mean libpq and the queue
 * disagree, and reading stops rather than spin. */
static void drain(pg_pipeline *p)
{
	int nulls = 0;
	while (p->head && !PQisBusy(p->conn) && nulls < 2) {
		PGresult *r = PQgetResult(p->conn);
		if (!r) {
			nulls++;
			continue;
		}
		nulls = 0;
		pg_wait *w = p->head;
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			complete(p);
			continue;
		}
		if (w->prepare && ++w->results == 1)
			w->prepared = !is_error(r);
		if (w->res && is_error(w->res)) {
			PQclear(r); /* the first error says why; the rest were skipped */
		} else {
			PQclear(w->res);
			w->res = r;
		}
	}
}

static void on_socket(void *ctx, uint32_t events)
{
	pg_pipeline *p = ctx;
	if (events & EPOLLOUT) {
		int f = PQflush(p->conn);
		if (f < 0) {
			fail(p);
			return;
		}
		if (f == 0)
			watch(p, false);
	}
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	if (!PQconsumeInput(p->conn) || PQstatus(p->conn) != CONNECTION_OK) {
		fail(p);
		return;
	}
	drain(p);
}

int pg_pipeline_new(PGconn *conn, core_sched *s, pg_pipeline **out)
{
	pg_pipeline *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	p->conn = conn;
	p->sched = s;
	p->fd = PQsocket(conn);
	if (p->fd < 0 || PQsetnonblocking(conn, 1) || !PQenterPipelineMode(conn) ||
	    core_sched_watch(s, p->fd, EPOLLIN, on_socket, p)) {
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void pg_pipeline_free(pg_pipeline *p)
{
	if (!p)
		return;
	fail(p);
	if (p->round)
		core_sched_undefer(p->sched, end_round, p);
	free(p);
}

bool pg_pipeline_ok(const pg_pipeline *p)
{
	return !p->failed;
}

void pg_pipeline_shut(pg_pipeline *p)
{
	fail(p);
}

static void set_cork(pg_pipeline *p, int on)
{
	p->corked = setsockopt(p->fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) == 0 && on;
}

static void end_round(void *ctx)
{
	pg_pipeline *p = ctx;
	p->round = false;
	if (p->failed)
		return;
	int f = PQflush(p->conn);
	if (p->corked)
		set_cork(p, 0);
	if (f < 0)
		fail(p);
	else if (f > 0)
		watch(p, true);
}

static void start_round(pg_pipeline *p)
{
	if (p->round)
		return;
	if (core_sched_defer(p->sched, end_round, p))
		return; /* no deferring: PQflush after the send does it now */
	p->round = true;
	set_cork(p, 1);
}

static bool send_query(pg_pipeline *p, const pg_query *q)
{
	PGconn *c = p->conn;
	if (q->prepare && !PQsendPrepare(c, q->name, q->sql, 0, NULL))
		return false;
	int ok = q->name ? PQsendQueryPrepared(c, q->name, q->n, q->values, NULL, NULL, 0)
	                 : PQsendQueryParams(c, q->sql, q->n, NULL, q->values, NULL, NULL, 0);
	if (!ok || !PQpipelineSync(c))
		return false;
	if (!p->round) {
		int f = PQflush(c);
		if (f > 0)
			watch(p, true);
		return f >= 0;
	}
	return true;
}

/* The nodes queued here live on the calling fiber's stack, which stays put
 * while the fiber parks; a node leaves its list before its fiber is woken,
 * so no list ever holds a node of a fiber that moved on. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
int pg_pipeline_call(pg_pipeline *p, const pg_query *q, PGresult **res, bool *prepared)
{
	core_fiber *self = core_fiber_self();
	*res = NULL;
	*prepared = false;
	if (!p->failed && p->owner && p->owner != self && q->waited)
		core_counter_add(q->waited, 1);
	while (!p->failed && p->owner && p->owner != self) {
		pg_wait t = {.fiber = self, .next = p->turns};
		p->turns = &t;
		while (!t.done)
			core_fiber_park();
		if (t.failed)
			return -1;
	}
	if (p->failed)
		return -1;
	pg_wait w = {.fiber = self, .prepare = q->prepare, .begin = q->tx == PG_TX_BEGIN};
	start_round(p);
	if (!send_query(p, q)) {
		fail(p);
		return -1;
	}
	/* the pipeline keeps order, so the turn passes as soon as the end of
	 * the transaction is sent */
	if (q->tx == PG_TX_BEGIN)
		p->owner = self;
	else if (q->tx == PG_TX_END && p->owner == self)
		release_turn(p, false);
	if (p->tail)
		p->tail->next = &w;
	else
		p->head = &w;
	p->tail = &w;
	while (!w.done)
		core_fiber_park();
	if (w.failed)
		return -1;
	*res = w.res;
	*prepared = w.prepared;
	return 0;
}
#pragma GCC diagnostic pop
