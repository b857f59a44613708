/* dialect.h — one interface over PostgreSQL (libpq) and SQLite (internal).
 * Everything that differs between the two databases lives behind these
 * functions; callers never branch on the dialect for behaviour, only read
 * the few SQL spellings in rt__dialect_sql. */
#ifndef RETORT_DIALECT_H
#define RETORT_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/buf.h"
#include "retort/error.h"
#include "retort/url.h"
#include "schema/model.h"
#include "util/arena.h"

typedef struct rt__db rt__db;

/* Query results: rows x cols text cells (NULL for SQL NULL), in an arena
 * the caller passes. */
typedef struct rt__rows {
	size_t nrows, ncols;
	char **cells; /* cells[r * ncols + c] */
} rt__rows;

typedef struct rt__db_ops {
	rt_dialect dialect;
	/* SQL for the milliseconds since the transaction began, for the log row
	 * of a pipelined migration. */
	const char *duration_sql;
	int (*connect)(const rt_url *url, rt__db **out, rt_error *err);
	void (*close)(rt__db *db);
	/* One statement, no results. Failures are RT_ERR_DB with the
	 * database's message in err->message and its detail/hint copied. */
	int (*exec)(rt__db *db, const char *sql, rt_error *err);
	/* One statement with text parameters $1..$n. */
	int (*query)(rt__db *db, rt__arena *a, const char *sql, const char *const *params,
	             size_t nparams, rt__rows *out, rt_error *err);
	/* Begins the transaction that also serialises writers (SQLite: BEGIN
	 * IMMEDIATE, waiting for the write lock). */
	int (*begin)(rt__db *db, rt_error *err);
	/* Session-wide lock that serialises migration runs (PostgreSQL advisory
	 * lock keyed by the version table's name; SQLite: no-op, its write lock
	 * is taken by begin). */
	int (*lock)(rt__db *db, const char *key, rt_error *err);
	int (*unlock)(rt__db *db, const char *key, rt_error *err);
	/* Appends to out the statement that takes the run lock keyed by key
	 * inside the current transaction, released when it ends (PostgreSQL:
	 * pg_advisory_xact_lock, which a transaction-pooling pgbouncer keeps
	 * on one server connection, unlike a session lock). Where it is set,
	 * migration runs take this lock in every transaction and re-read the
	 * version table under it instead of holding lock for the whole run.
	 * NULL where begin already serialises writers (SQLite). Non-zero: out
	 * of memory. */
	int (*tx_lock_sql)(rt_buf *out, const char *key);
	int (*table_exists)(rt__db *db, const char *name, bool *out, rt_error *err);
	/* The rows of query sql, which reads table; no rows and no error when
	 * the table does not exist. One round trip on PostgreSQL, where the
	 * missing table is the query's own error (undefined_table), so call it
	 * outside a transaction: the failed statement would abort one. */
	int (*query_table)(rt__db *db, rt__arena *a, const char *table, const char *sql,
	                   rt__rows *out, rt_error *err);
	/* Reads the tables (except skip_tables), columns, constraints, indexes,
	 * enum types and comments of one schema (NULL: the current schema /
	 * "main") into out, a schema the caller initialised on its arena, and
	 * sorts it. A constant number of catalog queries whatever the table
	 * count, each counted in db->queries. Names qualified with an explicitly
	 * given schema are unqualified, so a scratch schema compares equal to
	 * the live one. */
	int (*introspect)(rt__db *db, const char *schema, const char *const *skip_tables,
	                  size_t nskip, rt__schema *out, rt_error *err);
	/* Runs one statement of a migration script (file:line for errors) the
	 * way the portable script means it: PostgreSQL runs it as written;
	 * SQLite turns ALTER TABLE forms its ALTER cannot do into a table
	 * rebuild (sqlite_rebuild.c). */
	int (*run)(rt__db *db, rt__arena *a, const char *file, int line, const char *sql,
	           size_t len, rt_error *err);
	/* Pipelining: statements sent without waiting for the previous ones,
	 * so the server never waits for the client between them. NULL where a
	 * round trip costs nothing (SQLite, in-process) and where statements
	 * need the run member (SQLite rebuilds). pipe_send queues one statement
	 * (flush: and hands what is queued to the server now); pipe_receive
	 * waits for the result of the oldest statement not yet received: 0, or
	 * RT_ERR_DB with the database's error as exec gives it. After a failed
	 * statement the server skips every statement sent after it, up to
	 * pipe_end, which waits for the server to get there, drops the results
	 * not received and ends pipelining. */
	int (*pipe_send)(rt__db *db, const char *sql, bool flush, rt_error *err);
	int (*pipe_receive)(rt__db *db, rt_error *err);
	int (*pipe_end)(rt__db *db, rt_error *err);
} rt__db_ops;

struct rt__db {
	const rt__db_ops *ops;
	unsigned long queries; /* catalog round trips made by introspect */
	/* When set, SQLite's exec appends each statement it runs to it (as
	 * rt__sql_put writes it): offline SQL replays migrations in memory and
	 * prints what SQLite actually ran, table rebuilds included. */
	rt_buf *echo;
};

extern const rt__db_ops rt__postgresql_ops;
extern const rt__db_ops rt__sqlite_ops;

/* The introspect members (dialect/pg_introspect.c, sqlite_introspect.c). */
int rt__pg_introspect(rt__db *db, const char *schema, const char *const *skip_tables, size_t nskip,
                      rt__schema *out, rt_error *err);
int rt__sqlite_introspect(rt__db *db, const char *schema, const char *const *skip_tables,
                          size_t nskip, rt__schema *out, rt_error *err);

/* The run members. */
int rt__pg_run(rt__db *db, rt__arena *a, const char *file, int line, const char *sql, size_t len,
               rt_error *err);
int rt__sqlite_run(rt__db *db, rt__arena *a, const char *file, int line, const char *sql,
                   size_t len, rt_error *err);

const rt__db_ops *rt__dialect_ops(rt_dialect d);

int rt__db_connect(const rt_url *url, rt__db **out, rt_error *err);
/* A new in-memory SQLite database, retort's scratch (models, offline SQL);
 * close it with rt__db_close. */
int rt__db_connect_memory(rt__db **out, rt_error *err);
void rt__db_close(rt__db *db);

#endif
