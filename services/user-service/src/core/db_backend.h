/* db_backend.h — what a database backend provides to db.c. Only db.c,
 * db_pg.c and db_sqlite.c include this; everything dialect-specific lives
 * behind these few functions. */
#ifndef CORE_DB_BACKEND_H
#define CORE_DB_BACKEND_H

#include "core/db.h"
#include "core/metrics.h"
#include "core/sched.h"

/* A cache of prepared statements keyed by SQL text. */
typedef struct core__stmt_slot {
	char *sql; /* NULL: empty slot */
	void *stmt;
} core__stmt_slot;

typedef struct core__stmt_cache {
	core__stmt_slot *slots;
	size_t cap, n;
} core__stmt_cache;

/* A fiber waiting for another fiber's connect on the same core_db (db.c):
 * a node on the waiter's stack, unlinked before the waiter is woken. */
typedef struct core__db_waiter {
	core_fiber *fiber;
	core_db_error *err; /* the waiter's: receives the connect's failure */
	bool done, failed;
	struct core__db_waiter *next;
} core__db_waiter;

typedef struct core__db_backend {
	const char *name;
	const char *begin_sql;
	/* Opens db->handle for target (libpq conninfo or SQLite path). From a
	 * fiber it may park (PostgreSQL waits for the server in the loop); it
	 * sets db->handle only once the connection is ready for use. */
	int (*connect)(core_db *db, const char *target, core_db_error *err);
	/* Cheap check before handing the connection out: false means reconnect. */
	bool (*alive)(core_db *db);
	void (*close)(core_db *db);
	/* Releases a cached statement (SQLite finalizes; libpq has nothing to free). */
	void (*forget)(core_db *db, void *stmt);
	int (*run)(core_db *db, const char *sql, const core_db_param *params, size_t n,
	           core_db_result **out, int64_t *affected, core_db_error *err);
} core__db_backend;

struct core_db {
	const core__db_backend *be;
	core_db_pool *pool;
	void *handle; /* PGconn * or sqlite3 * */
	core__stmt_cache cache;
	unsigned next_stmt_id; /* libpq statement names s1, s2, ... */
	bool broken;           /* set by run when the connection failed */
	unsigned connects;     /* how many times connect succeeded: who saw which session */
	/* queries from fibers (PostgreSQL): the connection's pg_pipeline, and
	 * whether the thread's event loop has ended (no query may wait) */
	void *pipeline;
	bool loop_hooked, loop_ended;
	/* the fiber whose connect is in progress (it may park inside connect),
	 * or NULL; the thread's other fibers wait on waiters until it ends
	 * rather than connect a second time or see a half-made connection.
	 * The backend wakes it when the loop ends, so that it gives up. */
	core_fiber *connecting;
	core__db_waiter *waiters;
	core_db *next; /* the pool's list of every connection */
	/* figures for /metrics (core_db_pool_stats), written by the owning
	 * thread only (see core/metrics.h) */
	struct {
		core_counter failures[CORE_DB_FAILURE_KINDS];
		core_counter connects, reconnects, waits_connect, waits_transaction;
	} stats;
};

/* Whether core_db_pool_use_unnamed was called. */
bool core__db_pool_unnamed(const core_db_pool *pool);

extern const core__db_backend core__db_pg;
extern const core__db_backend core__db_sqlite;

/* The cached statement for sql, or NULL. */
void *core__stmt_find(const core__stmt_cache *c, const char *sql);
/* Remembers stmt for sql (copies sql); -1 when out of memory. */
int core__stmt_put(core__stmt_cache *c, const char *sql, void *stmt);

/* Result building: begin with the column count, add cells row by row
 * (s == NULL for SQL NULL), finish. Used by both backends so results look
 * the same whichever database produced them. */
typedef struct core__result_builder core__result_builder;
core__result_builder *core__result_begin(size_t cols);
int core__result_cell(core__result_builder *b, const char *s, size_t len);
core_db_result *core__result_finish(core__result_builder *b); /* frees b; NULL on failure */
void core__result_abort(core__result_builder *b);

/* Fills err and returns status. */
int core__db_fail(core_db_error *err, core_db_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
