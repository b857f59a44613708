/* sqlite.c — the SQLite side of dialect.h.
 *
 * Writers serialise on SQLite's own write lock (BEGIN IMMEDIATE with a long
 * busy timeout). A whole migration run additionally holds flock() on the
 * database file: flock and SQLite's POSIX record locks are independent on
 * Linux, but closing any descriptor of the file drops the process's POSIX
 * locks, so the flock descriptor is closed only after sqlite3_close. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dialect/dialect.h"
#include "sql/split.h"
#include "banned.h"

#define BUSY_TIMEOUT_MS 600000

typedef struct sqlite_db {
	rt__db base;
	sqlite3 *conn;
	char *path;  /* NULL for :memory: */
	int lock_fd; /* -1 when not locked */
} sqlite_db;

static int db_error(sqlite_db *db, rt_error *err)
{
	return rt_error_set(err, RT_ERR_DB, "%s", sqlite3_errmsg(db->conn));
}

static int sq_connect(const rt_url *url, rt__db **out, rt_error *err)
{
	sqlite_db *db = calloc(1, sizeof(*db));
	if (!db)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	db->base.ops = &rt__sqlite_ops;
	db->lock_fd = -1;
	bool memory = !strcmp(url->path, ":memory:");
	if (!memory && !(db->path = strdup(url->path))) {
		free(db);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	int rc =
	    sqlite3_open_v2(url->path, &db->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rt_error_set(err, RT_ERR_DB, "cannot open %s: %s", url->display,
		             db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		sqlite3_close(db->conn);
		free(db->path);
		free(db);
		return -RT_ERR_DB;
	}
	sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
	/* An in-memory database is retort's scratch (models, offline SQL): a
	 * statement there must not reach files through ATTACH. */
	if (memory)
		sqlite3_limit(db->conn, SQLITE_LIMIT_ATTACHED, 0);
	*out = &db->base;
	return 0;
}

static void sq_close(rt__db *base)
{
	sqlite_db *db = (sqlite_db *)base;
	sqlite3_close(db->conn);
	if (db->lock_fd >= 0)
		close(db->lock_fd);
	free(db->path);
	free(db);
}

static int sq_exec(rt__db *base, const char *sql, rt_error *err)
{
	sqlite_db *db = (sqlite_db *)base;
	if (base->echo && rt__sql_put(base->echo, sql, strlen(sql)))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, err);
	return 0;
}

static int sq_query(rt__db *base, rt__arena *a, const char *sql, const char *const *params,
                    size_t nparams, rt__rows *out, rt_error *err)
{
	sqlite_db *db = (sqlite_db *)base;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err);
	for (size_t i = 0; i < nparams; i++) {
		if (sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK) {
			sqlite3_finalize(st);
			return db_error(db, err);
		}
	}
	size_t ncols = (size_t)sqlite3_column_count(st), nrows = 0, cap = 0;
	char **cells = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nrows + 1) * ncols > cap) {
			size_t want = cap;
			char **grown =
			    rt__arena_grow(a, cells, nrows * ncols, &want, sizeof(char *));
			while (grown && want < (nrows + 1) * ncols)
				grown =
				    rt__arena_grow(a, grown, nrows * ncols, &want, sizeof(char *));
			if (!grown) {
				sqlite3_finalize(st);
				return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
			}
			cells = grown;
			cap = want;
		}
		for (size_t c = 0; c < ncols; c++) {
			const unsigned char *v = sqlite3_column_text(st, (int)c);
			char *copy = NULL;
			if (v && !(copy = rt__arena_strdup(a, (const char *)v))) {
				sqlite3_finalize(st);
				return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
			}
			cells[nrows * ncols + c] = copy;
		}
		nrows++;
	}
	if (rc != SQLITE_DONE) {
		int r = db_error(db, err);
		sqlite3_finalize(st);
		return r;
	}
	sqlite3_finalize(st);
	out->nrows = nrows;
	out->ncols = ncols;
	out->cells = cells;
	return 0;
}

static int sq_begin(rt__db *db, rt_error *err)
{
	return sq_exec(db, "BEGIN IMMEDIATE", err);
}

static int sq_lock(rt__db *base, const char *key, rt_error *err)
{
	sqlite_db *db = (sqlite_db *)base;
	(void)key;
	if (!db->path)
		return 0; /* an in-memory database belongs to this connection alone */
	if (db->lock_fd < 0) {
		db->lock_fd = open(db->path, O_RDWR | O_CLOEXEC);
		if (db->lock_fd < 0)
			return rt_error_set(err, RT_ERR_DB, "cannot lock '%s': %s", db->path,
			                    strerror(errno));
	}
	while (flock(db->lock_fd, LOCK_EX) != 0) {
		if (errno != EINTR)
			return rt_error_set(err, RT_ERR_DB, "cannot lock '%s': %s", db->path,
			                    strerror(errno));
	}
	return 0;
}

static int sq_unlock(rt__db *base, const char *key, rt_error *err)
{
	sqlite_db *db = (sqlite_db *)base;
	(void)key;
	(void)err;
	if (db->lock_fd >= 0)
		flock(db->lock_fd, LOCK_UN);
	return 0;
}

static int sq_table_exists(rt__db *db, const char *name, bool *out, rt_error *err)
{
	const char *params[] = {name};
	rt__arena a;
	rt__arena_init(&a);
	rt__rows rows = {0};
	int rc = sq_query(db, &a, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
	                  params, 1, &rows, err);
	if (!rc)
		*out = rows.nrows > 0;
	rt__arena_release(&a);
	return rc;
}

static int sq_query_table(rt__db *db, rt__arena *a, const char *table, const char *sql,
                          rt__rows *out, rt_error *err)
{
	bool exists = false;
	int rc = sq_table_exists(db, table, &exists, err);
	*out = (rt__rows){0};
	return rc || !exists ? rc : sq_query(db, a, sql, NULL, 0, out, err);
}

const rt__db_ops rt__sqlite_ops = {
    .dialect = RT_DIALECT_SQLITE,
    .duration_sql = "0",
    .connect = sq_connect,
    .close = sq_close,
    .exec = sq_exec,
    .query = sq_query,
    .begin = sq_begin,
    .lock = sq_lock,
    .unlock = sq_unlock,
    .table_exists = sq_table_exists,
    .query_table = sq_query_table,
    .introspect = rt__sqlite_introspect,
    .run = rt__sqlite_run,
};
