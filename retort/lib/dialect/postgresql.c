/* postgresql.c — the PostgreSQL side of dialect.h, on libpq.
 *
 * Statements run through the simple query protocol (PQexec) because migration
 * scripts are arbitrary SQL; bookkeeping queries use PQexecParams with text
 * parameters. Server notices are dropped instead of letting libpq print them:
 * the library never writes to the terminal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "dialect/dialect.h"
#include "banned.h"

typedef struct pg_db {
	rt__db base;
	PGconn *conn;
} pg_db;

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* First line of a libpq message, without the "ERROR:  " noise. */
static void first_line(char *dst, size_t cap, const char *msg)
{
	size_t n = strcspn(msg, "\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, msg, n);
	dst[n] = '\0';
}

static int pg_connect(const rt_url *url, rt__db **out, rt_error *err)
{
	pg_db *db = calloc(1, sizeof(*db));
	if (!db)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	db->base.ops = &rt__postgresql_ops;
	db->conn = PQconnectdb(url->conninfo);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		char line[512];
		first_line(line, sizeof(line),
		           db->conn ? PQerrorMessage(db->conn) : "out of memory");
		rt_error_set(err, RT_ERR_DB, "cannot connect to %s: %s", url->display, line);
		PQfinish(db->conn);
		free(db);
		return -RT_ERR_DB;
	}
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	*out = &db->base;
	return 0;
}

static void pg_close(rt__db *base)
{
	pg_db *db = (pg_db *)base;
	PQfinish(db->conn);
	free(db);
}

static int result_error(pg_db *db, PGresult *res, rt_error *err)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[512];
	first_line(line, sizeof(line), primary ? primary : PQerrorMessage(db->conn));
	rt_error_set(err, RT_ERR_DB, "%s", line);
	if (res) {
		const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
		if (detail)
			rt_error_detail(err, "%s", detail);
		if (hint)
			rt_error_hint(err, "%s", hint);
	}
	PQclear(res);
	return -RT_ERR_DB;
}

static int pg_exec(rt__db *base, const char *sql, rt_error *err)
{
	pg_db *db = (pg_db *)base;
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		return result_error(db, res, err);
	PQclear(res);
	return 0;
}

/* Copies the cells of res into a and clears res; a failed res becomes err. */
static int take_rows(pg_db *db, PGresult *res, rt__arena *a, rt__rows *out, rt_error *err)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return result_error(db, res, err);
	size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);
	char **cells = rt__arena_array(a, nrows * ncols + 1, sizeof(char *));
	if (!cells) {
		PQclear(res);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			if (PQgetisnull(res, (int)r, (int)c))
				continue;
			char *v = rt__arena_strdup(a, PQgetvalue(res, (int)r, (int)c));
			if (!v) {
				PQclear(res);
				return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
			}
			cells[r * ncols + c] = v;
		}
	}
	PQclear(res);
	out->nrows = nrows;
	out->ncols = ncols;
	out->cells = cells;
	return 0;
}

static int pg_query(rt__db *base, rt__arena *a, const char *sql, const char *const *params,
                    size_t nparams, rt__rows *out, rt_error *err)
{
	pg_db *db = (pg_db *)base;
	PGresult *res = PQexecParams(db->conn, sql, (int)nparams, NULL, params, NULL, NULL, 0);
	return take_rows(db, res, a, out, err);
}

/* Asking the catalog first would cost a round trip and a catalog query on
 * every `retort current`; the query's own undefined_table error says the
 * same, and the name resolves through search_path like every other
 * statement on the version table. */
static int pg_query_table(rt__db *base, rt__arena *a, const char *table, const char *sql,
                          rt__rows *out, rt_error *err)
{
	(void)table;
	pg_db *db = (pg_db *)base;
	PGresult *res = PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state && !strcmp(state, "42P01")) {
		PQclear(res);
		*out = (rt__rows){0};
		return 0;
	}
	return take_rows(db, res, a, out, err);
}

static int pg_begin(rt__db *db, rt_error *err)
{
	return pg_exec(db, "BEGIN", err);
}

/* 64-bit FNV-1a of the key: a stable advisory-lock id per version table. */
static long long lock_id(const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return (long long)(h >> 1);
}

static int advisory(rt__db *db, const char *fn, const char *key, rt_error *err)
{
	char id[32], sql[64];
	snprintf(id, sizeof(id), "%lld", lock_id(key));
	snprintf(sql, sizeof(sql), "SELECT pg_catalog.%s($1::bigint)", fn);
	const char *params[] = {id};
	rt__arena a;
	rt__arena_init(&a);
	rt__rows rows = {0};
	int rc = pg_query(db, &a, sql, params, 1, &rows, err);
	rt__arena_release(&a);
	return rc;
}

static int pg_lock(rt__db *db, const char *key, rt_error *err)
{
	return advisory(db, "pg_advisory_lock", key, err);
}

static int pg_unlock(rt__db *db, const char *key, rt_error *err)
{
	return advisory(db, "pg_advisory_unlock", key, err);
}

static int pg_tx_lock_sql(rt_buf *out, const char *key)
{
	return rt_buf_printf(out, "SELECT pg_catalog.pg_advisory_xact_lock(%lld)", lock_id(key));
}

static int pg_table_exists(rt__db *db, const char *name, bool *out, rt_error *err)
{
	static const char sql[] = "SELECT 1 FROM pg_catalog.pg_class c "
	                          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	                          "WHERE c.relname = $1 AND c.relkind IN ('r', 'p') "
	                          "AND n.nspname = pg_catalog.current_schema()";
	const char *params[] = {name};
	rt__arena a;
	rt__arena_init(&a);
	rt__rows rows = {0};
	int rc = pg_query(db, &a, sql, params, 1, &rows, err);
	if (!rc)
		*out = rows.nrows > 0;
	rt__arena_release(&a);
	return rc;
}

int rt__pg_run(rt__db *db, rt__arena *a, const char *file, int line, const char *sql, size_t len,
               rt_error *err)
{
	(void)a;
	(void)file;
	(void)line;
	(void)len;
	return pg_exec(db, sql, err);
}

/* libpq's pipeline mode. A flush also asks the server to flush: it holds
 * results back until a Flush or Sync message, and the client reads them
 * before it sends the final Sync. Blocking sends cannot deadlock against a
 * server that is itself blocked sending results: libpq reads and buffers
 * incoming data while it waits to write. */
static int pg_pipe_send(rt__db *base, const char *sql, bool flush, rt_error *err)
{
	pg_db *db = (pg_db *)base;
	if (PQpipelineStatus(db->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(db->conn))
		return result_error(db, NULL, err);
	if (!PQsendQueryParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0) ||
	    (flush && (!PQsendFlushRequest(db->conn) || PQflush(db->conn) != 0)))
		return result_error(db, NULL, err);
	return 0;
}

/* COPY has no data to go with it in a migration: what COPY TO STDOUT sends
 * is dropped and COPY FROM STDIN is refused, so the statement ends with a
 * result of its own instead of leaving the connection in COPY mode. */
static PGresult *end_copy(pg_db *db, PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COPY_OUT && st != PGRES_COPY_IN)
		return res;
	PQclear(res);
	if (st == PGRES_COPY_IN) {
		PQputCopyEnd(db->conn, "a migration has no data for COPY FROM STDIN");
	} else {
		char *row;
		while (PQgetCopyData(db->conn, &row, 0) > 0)
			PQfreemem(row);
	}
	return PQgetResult(db->conn);
}

static int pg_pipe_receive(rt__db *base, rt_error *err)
{
	pg_db *db = (pg_db *)base;
	PGresult *res = end_copy(db, PQgetResult(db->conn));
	if (!res)
		return result_error(db, NULL, err);
	/* each statement's results end with a NULL before the next one's */
	PGresult *extra;
	while ((extra = PQgetResult(db->conn)))
		PQclear(extra);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		return result_error(db, res, err);
	PQclear(res);
	return 0;
}

static int pg_pipe_end(rt__db *base, rt_error *err)
{
	pg_db *db = (pg_db *)base;
	if (PQpipelineStatus(db->conn) == PQ_PIPELINE_OFF)
		return 0;
	int rc = PQpipelineSync(db->conn) ? 0 : result_error(db, NULL, err);
	/* a NULL separates statements; two in a row mean the queue is empty,
	 * which with a sync pending only happens when the connection broke */
	bool after_null = false;
	while (!rc) {
		PGresult *res = PQgetResult(db->conn);
		if (!res) {
			if (after_null || PQstatus(db->conn) == CONNECTION_BAD)
				rc = result_error(db, NULL, err);
			after_null = true;
			continue;
		}
		after_null = false;
		bool synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		PQclear(res);
		if (synced)
			break;
	}
	if (!PQexitPipelineMode(db->conn) && !rc)
		rc = result_error(db, NULL, err);
	return rc;
}

const rt__db_ops rt__postgresql_ops = {
    .dialect = RT_DIALECT_POSTGRESQL,
    .duration_sql =
        "CAST(EXTRACT(EPOCH FROM pg_catalog.clock_timestamp() - pg_catalog.now()) * 1000 "
        "AS INTEGER)",
    .connect = pg_connect,
    .close = pg_close,
    .exec = pg_exec,
    .query = pg_query,
    .begin = pg_begin,
    .lock = pg_lock,
    .unlock = pg_unlock,
    .tx_lock_sql = pg_tx_lock_sql,
    .table_exists = pg_table_exists,
    .query_table = pg_query_table,
    .introspect = rt__pg_introspect,
    .run = rt__pg_run,
    .pipe_send = pg_pipe_send,
    .pipe_receive = pg_pipe_receive,
    .pipe_end = pg_pipe_end,
};
