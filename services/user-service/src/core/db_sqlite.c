/* db_sqlite.c — the SQLite backend: one connection per thread in WAL mode
 * (readers never block the writer), busy_timeout so writers queue instead of
 * failing, foreign keys on. Statements are prepared once (persistent) and
 * reset after use.
 *
 * "$1".."$n" are SQLite named parameters; they are bound by name, so a SQL
 * text may use them in any order or more than once, exactly as PostgreSQL
 * allows. A statement whose parameters do not match the call is an error on
 * SQLite too, so a mistake does not wait for PostgreSQL to show.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/db_backend.h"
#include "banned.h"

/* A statement runs on the worker's thread and blocks its loop (SQLite has
 * no asynchronous interface); reads take microseconds from the page cache,
 * but a write waits in SQLite's busy handler, sleeping the worker, while
 * another worker's write transaction holds the WAL write lock (one
 * transaction: a few statements and a commit). This bounds that stall; past
 * it the request answers 503. */
enum { BUSY_TIMEOUT_MS = 1000 };

static int fail(core_db *db, int code, core_db_error *err)
{
	sqlite3 *h = db->handle;
	core_db_status st = CORE_DB_ERROR;
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
		st = CORE_DB_UNAVAILABLE;
		break;
	case SQLITE_NOMEM:
		st = CORE_DB_NOMEM;
		break;
	case SQLITE_CONSTRAINT:
		if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
			st = CORE_DB_UNIQUE;
		else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
			st = CORE_DB_FOREIGN_KEY;
		break;
	default:
		break;
	}
	return core__db_fail(err, st, "%s", h ? sqlite3_errmsg(h) : sqlite3_errstr(code));
}

static int sq_connect(core_db *db, const char *target, core_db_error *err)
{
	sqlite3 *h = NULL;
	/* no SQLITE_OPEN_CREATE: the schema is retort's; a missing file is an error */
	int rc = sqlite3_open_v2(target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		core__db_fail(err, CORE_DB_UNAVAILABLE, "cannot open '%s': %s", target,
		              h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return CORE_DB_UNAVAILABLE;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	static const char setup[] = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
	                            "PRAGMA synchronous = NORMAL;";
	char *msg = NULL;
	/* Switching to WAL needs an exclusive lock for a moment, and SQLite does
	 * not call the busy handler for that upgrade: when several workers
	 * connect at once, the losers get SQLITE_BUSY at once and retry here. */
	for (int attempt = 0; attempt < 200; attempt++) {
		rc = sqlite3_exec(h, setup, NULL, NULL, &msg);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		sqlite3_free(msg);
		msg = NULL;
		sqlite3_sleep(10);
	}
	if (rc != SQLITE_OK) {
		core__db_fail(err, CORE_DB_UNAVAILABLE, "cannot set up '%s': %s", target,
		              msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(h);
		return CORE_DB_UNAVAILABLE;
	}
	db->handle = h;
	return 0;
}

static bool sq_alive(core_db *db)
{
	(void)db;
	return true;
}

static void sq_close(core_db *db)
{
	sqlite3_close(db->handle); /* statements were finalized by forget */
}

static void sq_forget(core_db *db, void *stmt)
{
	(void)db;
	sqlite3_finalize(stmt);
}

static int prepare(core_db *db, const char *sql, sqlite3_stmt **out, core_db_error *err)
{
	sqlite3_stmt *st = core__stmt_find(&db->cache, sql);
	if (st) {
		*out = st;
		return 0;
	}
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK)
		return fail(db, rc, err);
	if (!st || (tail && tail[strspn(tail, " \t\r\n;")])) {
		sqlite3_finalize(st);
		return core__db_fail(err, CORE_DB_ERROR, "expected exactly one statement: %.200s",
		                     sql);
	}
	if (core__stmt_put(&db->cache, sql, st)) {
		sqlite3_finalize(st);
		return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	}
	*out = st;
	return 0;
}

static int bind(sqlite3_stmt *st, const core_db_param *params, size_t n, core_db_error *err)
{
	if ((size_t)sqlite3_bind_parameter_count(st) != n)
		return core__db_fail(err, CORE_DB_ERROR, "statement takes %d parameters, got %zu",
		                     sqlite3_bind_parameter_count(st), n);
	for (size_t i = 0; i < n; i++) {
		char name[24];
		snprintf(name, sizeof name, "$%zu", i + 1);
		int idx = sqlite3_bind_parameter_index(st, name);
		if (!idx)
			return core__db_fail(err, CORE_DB_ERROR, "statement does not use %s", name);
		const core_db_param *p = &params[i];
		int rc = SQLITE_OK;
		switch (p->type) {
		case CORE_DB_T_NULL:
			rc = sqlite3_bind_null(st, idx);
			break;
		case CORE_DB_T_TEXT:
			rc = sqlite3_bind_text(st, idx, p->v.text, -1, SQLITE_STATIC);
			break;
		case CORE_DB_T_INT:
			rc = sqlite3_bind_int64(st, idx, p->v.i);
			break;
		case CORE_DB_T_BOOL:
			rc = sqlite3_bind_int(st, idx, p->v.b);
			break;
		case CORE_DB_T_DOUBLE:
			rc = sqlite3_bind_double(st, idx, p->v.d);
			break;
		}
		if (rc != SQLITE_OK)
			return core__db_fail(err, CORE_DB_ERROR, "cannot bind %s: %s", name,
			                     sqlite3_errstr(rc));
	}
	return 0;
}

static int add_row(sqlite3_stmt *st, core__result_builder *b)
{
	int cols = sqlite3_column_count(st);
	for (int c = 0; c < cols; c++) {
		const char *v = NULL;
		size_t len = 0;
		if (sqlite3_column_type(st, c) != SQLITE_NULL) {
			v = (const char *)sqlite3_column_text(st, c);
			len = (size_t)sqlite3_column_bytes(st, c);
			if (!v)
				return -1; /* out of memory converting to text */
		}
		if (core__result_cell(b, v, len))
			return -1;
	}
	return 0;
}

static int sq_run(core_db *db, const char *sql, const core_db_param *params, size_t n,
                  core_db_result **out, int64_t *affected, core_db_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(db, sql, &st, err);
	if (rc)
		return rc;
	rc = bind(st, params, n, err);
	core__result_builder *b = NULL;
	if (!rc && out && !(b = core__result_begin((size_t)sqlite3_column_count(st))))
		rc = core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	int step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		if (b && add_row(st, b))
			rc = core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	if (!rc && step != SQLITE_DONE)
		rc = fail(db, sqlite3_extended_errcode(db->handle), err);
	if (!rc && affected)
		*affected = sqlite3_changes64(db->handle);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc) {
		core__result_abort(b);
		return rc;
	}
	if (b && !(*out = core__result_finish(b)))
		return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	return 0;
}

const core__db_backend core__db_sqlite = {
    .name = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .connect = sq_connect,
    .alive = sq_alive,
    .close = sq_close,
    .forget = sq_forget,
    .run = sq_run,
};
