/* db_pg.c — the PostgreSQL backend (libpq): prepared statements named
 * s1, s2, ... per connection, text parameters and results, the session in
 * UTC with ISO dates so times read back the same on every server.
 *
 * A connection is "alive" when libpq can read what the server sent without
 * error: a server that shut down has sent a FATAL and closed the socket, so
 * the next request reconnects instead of failing first.
 *
 * Called from a fiber (a worker's request), a query goes through the
 * connection's pipeline (core/pg_pipeline.h) and the worker serves other
 * requests while it waits; called from anywhere else it blocks, as libpq's
 * plain calls do.
 *
 * Connecting is the same: from a fiber it uses libpq's non-blocking calls
 * (PQconnectStartParams, PQconnectPoll, then the session's SET sent with
 * PQsendQuery) and parks while the server is slow, so a database that is
 * down or unreachable never stalls the worker's other requests. libpq does
 * not enforce connect_timeout on that path, so a timerfd armed for it (the
 * URI's, else 3 s) is watched beside the socket and bounds the whole
 * connect, settings included. The socket is watched only while the fiber
 * parks on it and unwatched before each PQconnectPoll: libpq may close it
 * and open another (the next address, or SSL refused), and the number may
 * come back for the new one. The settings are SET after connecting rather
 * than sent as startup options, which pgbouncer refuses by default.
 * Outside a fiber PQconnectdbParams blocks, with libpq's own timeout.
 * (Still blocking in a fiber: resolving a host name, which libpq does
 * synchronously; use an address or a local name.)
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/db_backend.h"
#include "core/pg_pipeline.h"
#include "core/sched.h"
#include "banned.h"

/* SQLSTATEs that mean the connection, not the statement, failed:
 * class 08 (connection exception), 57P01..57P03 (shutdown, cannot connect
 * now), 53300 (too many connections). */
static bool connection_state(const char *state)
{
	static const char *const gone[] = {"57P01", "57P02", "57P03", "53300"};
	if (!state)
		return false;
	if (strncmp(state, "08", 2) == 0)
		return true;
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		if (strcmp(state, gone[i]) == 0)
			return true;
	return false;
}

/* mine: the session that answered is still db's (a fiber's answer may
 * arrive after another fiber reconnected). */
static int classify(core_db *db, PGresult *res, bool mine, core_db_error *err)
{
	PGconn *conn = db->handle;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	core_db_status st = CORE_DB_ERROR;
	if ((mine && PQstatus(conn) == CONNECTION_BAD) || connection_state(state)) {
		if (mine)
			db->broken = true;
		st = CORE_DB_UNAVAILABLE;
	} else if (state && strcmp(state, "23505") == 0) {
		st = CORE_DB_UNIQUE;
	} else if (state && strcmp(state, "23503") == 0) {
		st = CORE_DB_FOREIGN_KEY;
	}
	core__db_fail(err, st, "%s", msg && *msg ? msg : "query failed");
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	if (constraint)
		snprintf(err->constraint, sizeof err->constraint, "%s", constraint);
	PQclear(res);
	return st;
}

/* the URI comes last so settings in it win over these defaults */
static const char *const connect_keys[] = {"connect_timeout", "application_name", "dbname", NULL};
#define DEFAULT_CONNECT_TIMEOUT "3"
#define SESSION_SQL             "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'"

static void connected(core_db *db, PGconn *conn)
{
	db->handle = conn;
	db->next_stmt_id = 0;
	db->connects++;
}

/* Outside a fiber: libpq's blocking calls, bounded by its connect_timeout. */
static int connect_blocking(core_db *db, const char *target, core_db_error *err)
{
	const char *const values[] = {DEFAULT_CONNECT_TIMEOUT, "user-service", target, NULL};
	PGconn *conn = PQconnectdbParams(connect_keys, values, 1);
	if (!conn)
		return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	if (PQstatus(conn) != CONNECTION_OK) {
		core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(conn));
		PQfinish(conn);
		return CORE_DB_UNAVAILABLE;
	}
	PGresult *res = PQexec(conn, SESSION_SQL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		return CORE_DB_UNAVAILABLE;
	}
	PQclear(res);
	connected(db, conn);
	return 0;
}

/* The thread's event loop ended: nothing reads the socket any more. */
static void loop_ended(void *ctx)
{
	core_db *db = ctx;
	db->loop_ended = true;
	if (db->pipeline)
		pg_pipeline_shut(db->pipeline);
	if (db->connecting) /* parked in connect_in_fiber: it gives up */
		core_fiber_wake(db->connecting);
}

/* Asks for loop_ended at the end of s's loop, once per connection. */
static int hook_loop(core_db *db, core_sched *s, core_db_error *err)
{
	if (db->loop_hooked)
		return 0;
	if (core_sched_at_exit(s, loop_ended, db))
		return core__db_fail(err, CORE_DB_ERROR, "cannot hook the event loop's end");
	db->loop_hooked = true;
	return 0;
}

/* ---- connecting from a fiber ---- */

/* One connect in progress, on the connecting fiber's stack. */
typedef struct pg_connecting {
	core_db *db;
	core_sched *sched;
	core_fiber *fiber;
	PGconn *conn;
	int fd;    /* the socket while watched, else -1 */
	int timer; /* the deadline's timerfd, or -1 when there is none */
	bool ready, expired;
} pg_connecting;

/* libpq's connect_timeout for conn in seconds, read as libpq reads it: 0
 * or less is no limit, 1 is 2 (PostgreSQL 15's minimum). Unreadable text,
 * which the blocking connect would refuse, gets the default. */
static long connect_timeout_s(PGconn *conn)
{
	long t = strtol(DEFAULT_CONNECT_TIMEOUT, NULL, 10);
	PQconninfoOption *opts = PQconninfo(conn);
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) {
			char *end;
			errno = 0;
			long v = strtol(o->val, &end, 10);
			if (!errno && !*end)
				t = v;
		}
	}
	PQconninfoFree(opts);
	return t <= 0 ? 0 : t < 2 ? 2 : t;
}

static void on_socket_ready(void *ctx, uint32_t events)
{
	(void)events; /* whatever fired (an error too), PQconnectPoll looks */
	pg_connecting *c = ctx;
	/* level-triggered: unwatched now, or it would fire every round until
	 * the fiber has run */
	core_sched_unwatch(c->sched, c->fd);
	c->fd = -1;
	c->ready = true;
	core_fiber_wake(c->fiber);
}

static void on_deadline(void *ctx, uint32_t events)
{
	(void)events;
	pg_connecting *c = ctx;
	uint64_t n;
	(void)!read(c->timer, &n, sizeof n); /* one-shot; keeps it from firing again */
	c->expired = true;
	core_fiber_wake(c->fiber);
}

static void unwatch_socket(pg_connecting *c)
{
	if (c->fd >= 0)
		core_sched_unwatch(c->sched, c->fd);
	c->fd = -1;
}

/* Arms c's deadline seconds from now; none when seconds is 0. */
static int arm_deadline(pg_connecting *c, long seconds, core_db_error *err)
{
	if (!seconds)
		return 0;
	struct itimerspec when = {.it_value = {.tv_sec = seconds}};
	c->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->timer < 0 || timerfd_settime(c->timer, 0, &when, NULL) ||
	    core_sched_watch(c->sched, c->timer, EPOLLIN, on_deadline, c)) {
		int e = errno;
		if (c->timer >= 0)
			close(c->timer);
		c->timer = -1;
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "cannot time the connect: %s",
		                     strerror(e));
	}
	return 0;
}

static void disarm_deadline(pg_connecting *c)
{
	if (c->timer < 0)
		return;
	core_sched_unwatch(c->sched, c->timer);
	close(c->timer);
	c->timer = -1;
}

/* Parks until conn's socket (as it is now) is ready for events, the
 * deadline passes or the loop ends; other wake-ups park again. Returns 0
 * when ready (the socket is no longer watched), else CORE_DB_UNAVAILABLE
 * with err filled. */
static int await_socket(pg_connecting *c, uint32_t events, core_db_error *err)
{
	int fd = PQsocket(c->conn);
	if (fd < 0)
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(c->conn));
	c->ready = false;
	if (!c->expired && !c->db->loop_ended) {
		if (core_sched_watch(c->sched, fd, events, on_socket_ready, c))
			return core__db_fail(err, CORE_DB_UNAVAILABLE,
			                     "cannot watch the connection's socket: %s",
			                     strerror(errno));
		c->fd = fd;
		while (!c->ready && !c->expired && !c->db->loop_ended)
			core_fiber_park();
		unwatch_socket(c);
	}
	if (c->db->loop_ended)
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "the service is stopping");
	if (c->ready)
		return 0;
	return core__db_fail(err, CORE_DB_UNAVAILABLE, "timeout expired while connecting");
}

/* The handshake: PQconnectPoll each time the socket is ready for what it
 * last asked (writing first, as libpq's documentation says). */
static int handshake(pg_connecting *c, core_db_error *err)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED)
			return core__db_fail(err, CORE_DB_UNAVAILABLE, "%s",
			                     PQerrorMessage(c->conn));
		int rc = await_socket(c, st == PGRES_POLLING_READING ? EPOLLIN : EPOLLOUT, err);
		if (rc)
			return rc;
		st = PQconnectPoll(c->conn);
	}
	return 0;
}

/* The session's settings, sent without blocking and awaited like the
 * handshake; every statement must succeed. The connection is left in
 * blocking mode, as PQconnectdbParams leaves it. */
static int session_settings(pg_connecting *c, core_db_error *err)
{
	PGconn *conn = c->conn;
	if (PQsetnonblocking(conn, 1) || !PQsendQuery(conn, SESSION_SQL))
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(conn));
	int f, rc;
	/* the text is tiny, but a full send buffer is waited for as libpq
	 * asks: the server may need its answers read before it reads more */
	while ((f = PQflush(conn)) > 0) {
		if ((rc = await_socket(c, EPOLLIN | EPOLLOUT, err)))
			return rc;
		if (!PQconsumeInput(conn))
			return core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(conn));
	}
	if (f < 0)
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(conn));
	rc = 0;
	for (;;) {
		while (PQisBusy(conn)) {
			int w = await_socket(c, EPOLLIN, err);
			if (w)
				return w; /* a result kept from before is freed with conn */
			if (!PQconsumeInput(conn))
				return core__db_fail(err, CORE_DB_UNAVAILABLE, "%s",
				                     PQerrorMessage(conn));
		}
		PGresult *res = PQgetResult(conn);
		if (!res)
			break;
		if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = core__db_fail(err, CORE_DB_UNAVAILABLE, "%s",
			                   PQresultErrorMessage(res));
		PQclear(res);
	}
	if (!rc && PQsetnonblocking(conn, 0))
		rc = core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(conn));
	return rc;
}

/* From a fiber: starts the connect, then parks through the handshake and
 * the settings, bounded by connect_timeout. */
static int connect_in_fiber(core_db *db, core_fiber *self, const char *target, core_db_error *err)
{
	if (db->loop_ended)
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "the service is stopping");
	pg_connecting c = {
	    .db = db, .sched = core_fiber_sched(self), .fiber = self, .fd = -1, .timer = -1};
	int rc = hook_loop(db, c.sched, err);
	if (rc)
		return rc;
	const char *const values[] = {DEFAULT_CONNECT_TIMEOUT, "user-service", target, NULL};
	c.conn = PQconnectStartParams(connect_keys, values, 1);
	if (!c.conn)
		return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	if (PQstatus(c.conn) == CONNECTION_BAD)
		rc = core__db_fail(err, CORE_DB_UNAVAILABLE, "%s", PQerrorMessage(c.conn));
	if (!rc)
		rc = arm_deadline(&c, connect_timeout_s(c.conn), err);
	if (!rc)
		rc = handshake(&c, err);
	if (!rc)
		rc = session_settings(&c, err);
	unwatch_socket(&c); /* before PQfinish closes it */
	disarm_deadline(&c);
	if (rc) {
		PQfinish(c.conn);
		return rc;
	}
	connected(db, c.conn);
	return 0;
}

static int pg_connect(core_db *db, const char *target, core_db_error *err)
{
	core_fiber *self = core_fiber_self();
	return self ? connect_in_fiber(db, self, target, err) : connect_blocking(db, target, err);
}

static bool pg_alive(core_db *db)
{
	PGconn *conn = db->handle;
	if (db->pipeline) /* its socket's callback reads and notices a failure */
		return PQstatus(conn) == CONNECTION_OK && pg_pipeline_ok(db->pipeline);
	/* twice: a read returns what has arrived, which after a shutdown is
	 * the server's FATAL, and only the next read meets the close (libpq's
	 * socket is non-blocking: with nothing to read it returns at once) */
	for (int i = 0; i < 2; i++)
		if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
			return false;
	/* a notice of shutdown arrives as an unsolicited error result */
	return !PQisBusy(conn);
}

static void pg_close(core_db *db)
{
	pg_pipeline_free(db->pipeline);
	db->pipeline = NULL;
	PQfinish(db->handle);
}

static void pg_forget(core_db *db, void *stmt)
{
	(void)db;
	(void)stmt; /* statement names die with the session */
}

/* Statement name for sql, preparing it on first use. */
static int prepared(core_db *db, const char *sql, char name[24], core_db_error *err)
{
	uintptr_t id = (uintptr_t)core__stmt_find(&db->cache, sql);
	if (!id) {
		id = ++db->next_stmt_id;
		snprintf(name, 24, "s%" PRIuPTR, id);
		PGresult *res = PQprepare(db->handle, name, sql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return classify(db, res, true, err);
		PQclear(res);
		if (core__stmt_put(&db->cache, sql, (void *)id))
			return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	}
	snprintf(name, 24, "s%" PRIuPTR, id);
	return 0;
}

/* Statements without parameters that change session state (BEGIN, COMMIT)
 * gain nothing from preparing; run them as plain text. */
static bool plain(const char *sql, size_t n)
{
	return n == 0 && (strcmp(sql, "BEGIN") == 0 || strcmp(sql, "COMMIT") == 0 ||
	                  strcmp(sql, "ROLLBACK") == 0);
}

static int collect(PGresult *res, core_db_result **out, core_db_error *err)
{
	int rows = PQntuples(res), cols = PQnfields(res);
	core__result_builder *b = core__result_begin((size_t)cols);
	for (int r = 0; b && r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			const char *v = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
			if (core__result_cell(b, v, v ? (size_t)PQgetlength(res, r, c) : 0)) {
				core__result_abort(b);
				b = NULL;
				break;
			}
		}
	}
	*out = b ? core__result_finish(b) : NULL;
	return *out ? 0 : core__db_fail(err, CORE_DB_NOMEM, "out of memory");
}

enum { MAX_PARAMS = 64 };

static pg_pipeline *pipeline(core_db *db, core_fiber *self, core_db_error *err)
{
	if (db->pipeline)
		return db->pipeline;
	core_sched *s = core_fiber_sched(self);
	pg_pipeline *p;
	if (hook_loop(db, s, err))
		return NULL;
	if (pg_pipeline_new(db->handle, s, &p)) {
		db->broken = true;
		core__db_fail(err, CORE_DB_UNAVAILABLE, "cannot pipeline the connection: %s",
		              PQerrorMessage(db->handle));
		return NULL;
	}
	db->pipeline = p;
	return p;
}

/* Runs sql through the pipeline, parking self until the answer. *res is
 * the caller's on 0; *mine says whether db still holds the session that
 * answered. Statements are cached only once their prepare succeeded, on
 * the session that prepared them (a fiber that sees the same text before
 * then prepares its own copy). */
static int run_piped(core_db *db, core_fiber *self, const char *sql, const char *const *values,
                     size_t n, PGresult **res, bool *mine, core_db_error *err)
{
	if (db->loop_ended)
		return core__db_fail(err, CORE_DB_UNAVAILABLE, "the service is stopping");
	pg_pipeline *p = pipeline(db, self, err);
	if (!p)
		return err->status;
	char name[24];
	pg_query q = {
	    .sql = sql, .n = (int)n, .values = values, .waited = &db->stats.waits_transaction};
	uintptr_t id = 0;
	if (plain(sql, n)) {
		q.tx = strcmp(sql, "BEGIN") == 0 ? PG_TX_BEGIN : PG_TX_END;
	} else if (!core__db_pool_unnamed(db->pool)) {
		id = (uintptr_t)core__stmt_find(&db->cache, sql);
		q.prepare = !id;
		if (!id)
			id = ++db->next_stmt_id;
		snprintf(name, sizeof name, "s%" PRIuPTR, id);
		q.name = name;
	}
	unsigned session = db->connects;
	bool prepared;
	if (pg_pipeline_call(p, &q, res, &prepared))
		return core__db_fail(err, CORE_DB_UNAVAILABLE,
		                     "the connection to the database was lost");
	*mine = db->connects == session && db->handle;
	if (prepared && *mine && !core__stmt_find(&db->cache, sql) &&
	    core__stmt_put(&db->cache, sql, (void *)id)) {
		PQclear(*res);
		return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	}
	return 0;
}

static int pg_run(core_db *db, const char *sql, const core_db_param *params, size_t n,
                  core_db_result **out, int64_t *affected, core_db_error *err)
{
	const char *values[MAX_PARAMS];
	char scratch[MAX_PARAMS][32];
	if (n > MAX_PARAMS)
		return core__db_fail(err, CORE_DB_ERROR, "too many parameters (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		const core_db_param *p = &params[i];
		values[i] = scratch[i];
		switch (p->type) {
		case CORE_DB_T_NULL:
			values[i] = NULL;
			break;
		case CORE_DB_T_TEXT:
			values[i] = p->v.text;
			break;
		case CORE_DB_T_INT:
			snprintf(scratch[i], sizeof scratch[i], "%" PRId64, p->v.i);
			break;
		case CORE_DB_T_BOOL:
			values[i] = p->v.b ? "true" : "false";
			break;
		case CORE_DB_T_DOUBLE:
			snprintf(scratch[i], sizeof scratch[i], "%.17g", p->v.d);
			break;
		}
	}
	core_fiber *self = core_fiber_self();
	PGresult *res;
	bool mine = true;
	if (self) {
		int rc = run_piped(db, self, sql, values, n, &res, &mine, err);
		if (rc)
			return rc;
	} else if (db->pipeline) {
		return core__db_fail(err, CORE_DB_ERROR,
		                     "a pipelined connection used outside a fiber");
	} else if (plain(sql, n)) {
		res = PQexec(db->handle, sql);
	} else if (core__db_pool_unnamed(db->pool)) {
		res = PQexecParams(db->handle, sql, (int)n, NULL, values, NULL, NULL, 0);
	} else {
		char name[24];
		int rc = prepared(db, sql, name, err);
		if (rc)
			return rc;
		res = PQexecPrepared(db->handle, name, (int)n, values, NULL, NULL, 0);
	}
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return classify(db, res, mine, err);
	int rc = 0;
	if (affected) {
		const char *t = PQcmdTuples(res);
		*affected = *t ? strtoll(t, NULL, 10) : 0;
	}
	if (out)
		rc = collect(res, out, err);
	PQclear(res);
	return rc;
}

const core__db_backend core__db_pg = {
    .name = "postgresql",
    .begin_sql = "BEGIN",
    .connect = pg_connect,
    .alive = pg_alive,
    .close = pg_close,
    .forget = pg_forget,
    .run = pg_run,
};
