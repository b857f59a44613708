/* db.h — one database interface, two backends (PostgreSQL via libpq,
 * SQLite), the same SQL text on both.
 *
 * SQL uses $1..$n placeholders everywhere (PostgreSQL's native form; SQLite
 * reads "$1" as a named parameter, which the SQLite backend binds by name).
 * Statements are prepared once per connection and cached by their text, so
 * build SQL text once (repositories do it at start-up) and pass values only
 * as parameters — never format values into SQL.
 *
 * Connections: core_db_pool hands each thread its own connection, opened on
 * first use and kept for the thread's life (the server's worker threads are
 * long-lived). The fibers of one worker share it: on PostgreSQL their
 * queries are pipelined (core/pg_pipeline.h), on SQLite each call runs to
 * its end before the fiber can yield. A PostgreSQL connection that broke
 * is noticed before use or by the failing call; calls then return
 * CORE_DB_UNAVAILABLE (answer 503) and the next core_db_pool_get
 * reconnects, so the service recovers by itself when the server is back.
 *
 * Values come back as text in both backends (booleans as "t"/"1", numbers
 * in decimal); the typed getters convert. Times are stored as RFC 3339 UTC
 * text on SQLite and timestamptz on PostgreSQL (session TimeZone UTC); use
 * core_db_get_time for either.
 */
#ifndef CORE_DB_H
#define CORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum core_db_status {
	CORE_DB_OK = 0,
	CORE_DB_UNAVAILABLE = -1, /* no connection, or it broke: answer 503 */
	CORE_DB_UNIQUE = -2,      /* unique or primary-key violation */
	CORE_DB_FOREIGN_KEY = -3, /* foreign-key violation */
	CORE_DB_ERROR = -4,       /* anything else: a bug or bad SQL; answer 500 */
	CORE_DB_NOMEM = -5,
} core_db_status;

typedef struct core_db_error {
	core_db_status status;
	char message[512];   /* the database's text, for the log only (never the client) */
	char constraint[64]; /* the violated constraint when the database names it */
} core_db_error;

typedef enum core_db_type {
	CORE_DB_T_NULL,
	CORE_DB_T_TEXT,
	CORE_DB_T_INT,
	CORE_DB_T_BOOL,
	CORE_DB_T_DOUBLE,
} core_db_type;

typedef struct core_db_param {
	core_db_type type;
	union {
		const char *text; /* borrowed for the duration of the call */
		int64_t i;
		bool b;
		double d;
	} v;
} core_db_param;

/* Parameter constructors: core_db_query(db, sql, (core_db_param[]){P_TEXT(id)}, 1, ...) */
#define CORE_DB_NULL_P ((core_db_param){.type = CORE_DB_T_NULL})
#define CORE_DB_TEXT_P(s) \
	((core_db_param){.type = (s) ? CORE_DB_T_TEXT : CORE_DB_T_NULL, .v.text = (s)})
#define CORE_DB_INT_P(x)    ((core_db_param){.type = CORE_DB_T_INT, .v.i = (x)})
#define CORE_DB_BOOL_P(x)   ((core_db_param){.type = CORE_DB_T_BOOL, .v.b = (x)})
#define CORE_DB_DOUBLE_P(x) ((core_db_param){.type = CORE_DB_T_DOUBLE, .v.d = (x)})

/* The failure kinds, for counting: -status - 1 of a failed call. */
enum { CORE_DB_FAILURE_KINDS = 5 };

/* "unavailable", "unique", "foreign_key", "error", "nomem"; "ok" for
 * CORE_DB_OK (a static string). */
const char *core_db_status_name(core_db_status st);

/* A pool's figures since it was made, over every connection it has had
 * (for /metrics). */
typedef struct core_db_pool_stats {
	uint64_t failures[CORE_DB_FAILURE_KINDS]; /* failed statements and connects, by kind */
	uint64_t connects;                        /* connections opened */
	uint64_t reconnects; /* of those, opened again after a thread's connection broke */
	/* a request's fiber had to wait for its worker's connection: another
	 * fiber's connect in progress, or (PostgreSQL's pipeline) another
	 * fiber's transaction */
	uint64_t waits_connect, waits_transaction;
} core_db_pool_stats;

typedef struct core_db core_db;           /* one connection; one thread at a time */
typedef struct core_db_pool core_db_pool; /* per-thread connections to one database */
typedef struct core_db_result core_db_result;

/* Parses url (retort's URL syntax, see retort/url.h) and prepares a pool;
 * does not connect. *out is owned by the caller (core_db_pool_free, after
 * every thread using it has stopped). Returns 0 or -1 with err filled. */
int core_db_pool_new(const char *url, core_db_pool **out, core_db_error *err);
void core_db_pool_free(core_db_pool *pool);
/* PostgreSQL: send every statement unnamed (parsed each time) instead of
 * preparing it once per connection under a name. A pooler in transaction
 * mode (pgbouncer before 1.21) hands each transaction to any server
 * connection, where a name prepared on another does not exist. Call before
 * any thread connects. */
void core_db_pool_use_unnamed(core_db_pool *pool);
/* "postgresql" or "sqlite" */
const char *core_db_pool_dialect(const core_db_pool *pool);
/* Sums the figures of pool's connections into *out (any thread; takes the
 * pool's lock, which requests never take once their thread has its
 * connection). */
void core_db_pool_stats_get(core_db_pool *pool, core_db_pool_stats *out);

/* The calling thread's connection: opened on first use, reconnected when it
 * broke. NULL with err->status CORE_DB_UNAVAILABLE when the database cannot
 * be reached. The connection belongs to the pool; never free it.
 * From a fiber, a PostgreSQL connect parks the fiber (the worker serves
 * others meanwhile; connect_timeout, default 3 s, bounds it), and the
 * thread's other fibers that ask meanwhile wait for that connect and share
 * its outcome. */
core_db *core_db_pool_get(core_db_pool *pool, core_db_error *err);

/* Like core_db_pool_get, but where another fiber of the thread is
 * connecting, returns NULL at once (CORE_DB_UNAVAILABLE, "connecting")
 * instead of waiting for it: for health checks, which must answer while
 * a connect hangs. */
core_db *core_db_pool_get_nowait(core_db_pool *pool, core_db_error *err);

/* Which session of db this is: changes each time core_db_pool_get had to
 * reconnect, so a caller keeping session state (an advisory lock) learns
 * that it is gone. */
unsigned core_db_session(const core_db *db);

/* Runs sql with params[0..n). *out (may be NULL when no rows are wanted)
 * receives the rows; free with core_db_result_free. *affected (may be NULL)
 * receives the number of rows changed. Returns CORE_DB_OK or a negative
 * core_db_status (also in err->status). */
int core_db_query(core_db *db, const char *sql, const core_db_param *params, size_t n,
                  core_db_result **out, core_db_error *err);
int core_db_exec(core_db *db, const char *sql, const core_db_param *params, size_t n,
                 int64_t *affected, core_db_error *err);

/* Transactions. begin takes the write lock up front on SQLite (BEGIN
 * IMMEDIATE), so two writers wait for each other instead of deadlocking. */
int core_db_begin(core_db *db, core_db_error *err);
int core_db_commit(core_db *db, core_db_error *err);
int core_db_rollback(core_db *db); /* best effort; the connection resets if it fails */

size_t core_db_rows(const core_db_result *r);
size_t core_db_cols(const core_db_result *r);
/* NULL for SQL NULL. Borrowed; valid until core_db_result_free. */
const char *core_db_get(const core_db_result *r, size_t row, size_t col);
bool core_db_is_null(const core_db_result *r, size_t row, size_t col);
int64_t core_db_get_int(const core_db_result *r, size_t row, size_t col);
bool core_db_get_bool(const core_db_result *r, size_t row, size_t col);
double core_db_get_double(const core_db_result *r, size_t row, size_t col);
/* RFC 3339 UTC with microseconds, "2026-11-24T09:00:00.123456Z", into out;
 * false when the value is NULL or not a time. */
bool core_db_get_time(const core_db_result *r, size_t row, size_t col, char out[32]);
void core_db_result_free(core_db_result *r);

#endif
