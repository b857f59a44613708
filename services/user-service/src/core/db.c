/* db.c — the database interface's shared half (see db.h): the per-thread
 * pool, the prepared-statement cache, results and their typed getters.
 * Backends (db_pg.c, db_sqlite.c) only connect, check and run.
 *
 * A connect made from a fiber may park (PostgreSQL's waits for the server
 * in the worker's loop), and meanwhile the worker's other fibers may ask
 * for the same connection. They wait for that connect to end instead of
 * starting another: a burst of requests on a fresh worker makes one
 * connection, and when the database is down each of them gets that one
 * attempt's failure at once rather than an attempt of its own in turn.
 */
#define _DEFAULT_SOURCE /* timegm */
#include "core/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db_backend.h"
#include "retort/url.h"
#include "banned.h"

struct core_db_pool {
	const core__db_backend *be;
	char *target; /* conninfo or SQLite path */
	pthread_key_t key;
	pthread_mutex_t lock; /* guards conns and retired */
	core_db *conns;
	core_db_pool_stats retired; /* the figures of connections whose thread ended */
	bool unnamed;               /* core_db_pool_use_unnamed */
};

struct core_db_result {
	size_t rows, cols;
	char **cells; /* rows * cols, NULL for SQL NULL, into data */
	char *data;
};

int core__db_fail(core_db_error *err, core_db_status status, const char *fmt, ...)
{
	err->status = status;
	err->constraint[0] = '\0';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return status;
}

/* ---- statement cache: open addressing, FNV-1a, grows at 3/4 ---- */

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

void *core__stmt_find(const core__stmt_cache *c, const char *sql)
{
	if (!c->cap)
		return NULL;
	for (size_t i = hash(sql) & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		if (!c->slots[i].sql)
			return NULL;
		if (strcmp(c->slots[i].sql, sql) == 0)
			return c->slots[i].stmt;
	}
}

static void place(core__stmt_slot *slots, size_t cap, core__stmt_slot s)
{
	size_t i = hash(s.sql) & (cap - 1);
	while (slots[i].sql)
		i = (i + 1) & (cap - 1);
	slots[i] = s;
}

int core__stmt_put(core__stmt_cache *c, const char *sql, void *stmt)
{
	if ((c->n + 1) * 4 > c->cap * 3) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		core__stmt_slot *slots = calloc(cap, sizeof *slots);
		if (!slots)
			return -1;
		for (size_t i = 0; i < c->cap; i++)
			if (c->slots[i].sql)
				place(slots, cap, c->slots[i]);
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
	}
	char *copy = strdup(sql);
	if (!copy)
		return -1;
	place(c->slots, c->cap, (core__stmt_slot){copy, stmt});
	c->n++;
	return 0;
}

static void cache_clear(core_db *db)
{
	for (size_t i = 0; i < db->cache.cap; i++) {
		if (db->cache.slots[i].sql) {
			db->be->forget(db, db->cache.slots[i].stmt);
			free(db->cache.slots[i].sql);
		}
	}
	free(db->cache.slots);
	db->cache = (core__stmt_cache){0};
}

/* ---- pool ---- */

static void disconnect(core_db *db)
{
	cache_clear(db);
	if (db->handle)
		db->be->close(db);
	db->handle = NULL;
	db->broken = false;
}

/* ---- figures ---- */

const char *core_db_status_name(core_db_status st)
{
	static const char *const names[] = {"unavailable", "unique", "foreign_key", "error",
	                                    "nomem"};
	int i = -(int)st - 1;
	return i >= 0 && i < CORE_DB_FAILURE_KINDS ? names[i] : "ok";
}

/* Counts a failed call of db's thread; returns status. */
static int counted(core_db *db, int status)
{
	int i = -status - 1;
	if (i >= 0 && i < CORE_DB_FAILURE_KINDS)
		core_counter_add(&db->stats.failures[i], 1);
	return status;
}

static void add_stats(core_db_pool_stats *sum, const core_db *db)
{
	for (int i = 0; i < CORE_DB_FAILURE_KINDS; i++)
		sum->failures[i] += core_counter_get(&db->stats.failures[i]);
	sum->connects += core_counter_get(&db->stats.connects);
	sum->reconnects += core_counter_get(&db->stats.reconnects);
	sum->waits_connect += core_counter_get(&db->stats.waits_connect);
	sum->waits_transaction += core_counter_get(&db->stats.waits_transaction);
}

void core_db_pool_stats_get(core_db_pool *pool, core_db_pool_stats *out)
{
	pthread_mutex_lock(&pool->lock);
	*out = pool->retired;
	for (const core_db *db = pool->conns; db; db = db->next)
		add_stats(out, db);
	pthread_mutex_unlock(&pool->lock);
}

/* Thread exit: the thread's connection goes with it. */
static void thread_done(void *p)
{
	core_db *db = p;
	core_db_pool *pool = db->pool;
	pthread_mutex_lock(&pool->lock);
	for (core_db **pp = &pool->conns; *pp; pp = &(*pp)->next) {
		if (*pp == db) {
			*pp = db->next;
			break;
		}
	}
	add_stats(&pool->retired, db);
	pthread_mutex_unlock(&pool->lock);
	disconnect(db);
	free(db);
}

int core_db_pool_new(const char *url, core_db_pool **out, core_db_error *err)
{
	rt_url parsed;
	rt_error rerr;
	if (rt_url_parse(url, &parsed, &rerr))
		return core__db_fail(err, CORE_DB_ERROR, "%s", rerr.message);
	core_db_pool *pool = calloc(1, sizeof *pool);
	bool pg = parsed.dialect == RT_DIALECT_POSTGRESQL;
	const char *target =
	    parsed.dialect == RT_DIALECT_POSTGRESQL ? parsed.conninfo : parsed.path;
	if (pool)
		pool->target = strdup(target);
	rt_url_release(&parsed);
	if (!pool || !pool->target) {
		free(pool);
		return core__db_fail(err, CORE_DB_NOMEM, "out of memory");
	}
	pool->be = pg ? &core__db_pg : &core__db_sqlite;
	if (pthread_key_create(&pool->key, thread_done) || pthread_mutex_init(&pool->lock, NULL)) {
		free(pool->target);
		free(pool);
		return core__db_fail(err, CORE_DB_ERROR, "cannot create the connection pool");
	}
	*out = pool;
	return 0;
}

void core_db_pool_free(core_db_pool *pool)
{
	if (!pool)
		return;
	/* worker threads have stopped; what is left belongs to threads that
	 * still run (main) or never exited through the key's destructor */
	pthread_key_delete(pool->key);
	for (core_db *db = pool->conns, *next; db; db = next) {
		next = db->next;
		disconnect(db);
		free(db);
	}
	pthread_mutex_destroy(&pool->lock);
	free(pool->target);
	free(pool);
}

void core_db_pool_use_unnamed(core_db_pool *pool)
{
	pool->unnamed = true;
}

bool core__db_pool_unnamed(const core_db_pool *pool)
{
	return pool->unnamed;
}

const char *core_db_pool_dialect(const core_db_pool *pool)
{
	return pool->be->name;
}

/* The nodes live on the waiting fibers' stacks, which stay put while they
 * park; connect_ended unlinks every node before waking its fiber. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
/* Parks the calling fiber until the connect in progress on db ends.
 * Returns 0 when it succeeded (look again: the connection may have broken
 * since), or the failure's status with err filled as the connect's was. */
static int await_connect(core_db *db, core_db_error *err)
{
	core_fiber *self = core_fiber_self();
	/* only a parked fiber of this thread can be connecting, so self is a
	 * fiber and not that one; anything else is a bug, not a wait */
	if (!self || self == db->connecting)
		return core__db_fail(err, CORE_DB_ERROR, "a connect is in progress");
	core__db_waiter w = {.fiber = self, .err = err, .next = db->waiters};
	core_counter_add(&db->stats.waits_connect, 1);
	db->waiters = &w;
	while (!w.done)
		core_fiber_park();
	return w.failed ? err->status : 0;
}
#pragma GCC diagnostic pop

/* The connect in progress ended: failed (NULL when it connected) goes to
 * every fiber that waited for it. */
static void connect_ended(core_db *db, const core_db_error *failed)
{
	core__db_waiter *w = db->waiters;
	db->waiters = NULL;
	db->connecting = NULL;
	for (core__db_waiter *next; w; w = next) {
		next = w->next;
		if (failed) {
			*w->err = *failed;
			w->failed = true;
		}
		w->done = true;
		core_fiber_wake(w->fiber);
	}
}

static core_db *thread_db(core_db_pool *pool, core_db_error *err)
{
	core_db *db = pthread_getspecific(pool->key);
	if (!db) {
		db = calloc(1, sizeof *db);
		if (!db) {
			core__db_fail(err, CORE_DB_NOMEM, "out of memory");
			return NULL;
		}
		db->be = pool->be;
		db->pool = pool;
		if (pthread_setspecific(pool->key, db)) {
			free(db);
			core__db_fail(err, CORE_DB_NOMEM, "out of memory");
			return NULL;
		}
		pthread_mutex_lock(&pool->lock);
		db->next = pool->conns;
		pool->conns = db;
		pthread_mutex_unlock(&pool->lock);
	}
	return db;
}

core_db *core_db_pool_get(core_db_pool *pool, core_db_error *err)
{
	core_db *db = thread_db(pool, err);
	if (!db)
		return NULL;
	for (;;) {
		if (db->connecting) {
			if (await_connect(db, err))
				return NULL;
			continue;
		}
		if (db->handle && (db->broken || !db->be->alive(db)))
			disconnect(db);
		if (db->handle)
			return db;
		db->connecting = core_fiber_self(); /* NULL outside a fiber: nothing parks */
		int rc = db->be->connect(db, pool->target, err);
		if (rc) {
			db->handle = NULL;
			counted(db, rc);
		} else {
			/* a thread keeps its connection for life: another one means
			 * the last broke (or never came) */
			if (core_counter_get(&db->stats.connects))
				core_counter_add(&db->stats.reconnects, 1);
			core_counter_add(&db->stats.connects, 1);
		}
		connect_ended(db, rc ? err : NULL);
		return rc ? NULL : db;
	}
}

core_db *core_db_pool_get_nowait(core_db_pool *pool, core_db_error *err)
{
	core_db *db = thread_db(pool, err);
	if (db && db->connecting) {
		core__db_fail(err, CORE_DB_UNAVAILABLE, "connecting");
		return NULL;
	}
	return db ? core_db_pool_get(pool, err) : NULL;
}

unsigned core_db_session(const core_db *db)
{
	return db->connects;
}

/* ---- running statements ---- */

int core_db_query(core_db *db, const char *sql, const core_db_param *params, size_t n,
                  core_db_result **out, core_db_error *err)
{
	if (out)
		*out = NULL;
	err->status = CORE_DB_OK;
	if (!db->handle || db->broken)
		return counted(db, core__db_fail(err, CORE_DB_UNAVAILABLE, "not connected"));
	return counted(db, db->be->run(db, sql, params, n, out, NULL, err));
}

int core_db_exec(core_db *db, const char *sql, const core_db_param *params, size_t n,
                 int64_t *affected, core_db_error *err)
{
	err->status = CORE_DB_OK;
	if (!db->handle || db->broken)
		return counted(db, core__db_fail(err, CORE_DB_UNAVAILABLE, "not connected"));
	return counted(db, db->be->run(db, sql, params, n, NULL, affected, err));
}

int core_db_begin(core_db *db, core_db_error *err)
{
	return core_db_exec(db, db->be->begin_sql, NULL, 0, NULL, err);
}

int core_db_commit(core_db *db, core_db_error *err)
{
	return core_db_exec(db, "COMMIT", NULL, 0, NULL, err);
}

int core_db_rollback(core_db *db)
{
	core_db_error err;
	int rc = core_db_exec(db, "ROLLBACK", NULL, 0, NULL, &err);
	if (rc)
		db->broken = true; /* a connection stuck in a transaction is no use */
	return rc;
}

/* ---- results ---- */

struct core__result_builder {
	size_t cols, ncells, cap_cells;
	size_t *offsets; /* SIZE_MAX for NULL */
	char *data;
	size_t len, cap;
};

core__result_builder *core__result_begin(size_t cols)
{
	core__result_builder *b = calloc(1, sizeof *b);
	if (b)
		b->cols = cols;
	return b;
}

int core__result_cell(core__result_builder *b, const char *s, size_t len)
{
	if (b->ncells == b->cap_cells) {
		size_t cap = b->cap_cells ? b->cap_cells * 2 : 16;
		size_t *o = realloc(b->offsets, cap * sizeof *o);
		if (!o)
			return -1;
		b->offsets = o;
		b->cap_cells = cap;
	}
	if (!s) {
		b->offsets[b->ncells++] = SIZE_MAX;
		return 0;
	}
	if (len + 1 > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		while (len + 1 > cap - b->len) {
			if (cap > SIZE_MAX / 2)
				return -1;
			cap *= 2;
		}
		char *d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, len);
	b->data[b->len + len] = '\0';
	b->offsets[b->ncells++] = b->len;
	b->len += len + 1;
	return 0;
}

void core__result_abort(core__result_builder *b)
{
	if (!b)
		return;
	free(b->offsets);
	free(b->data);
	free(b);
}

core_db_result *core__result_finish(core__result_builder *b)
{
	core_db_result *r = calloc(1, sizeof *r);
	if (r && b->ncells)
		r->cells = calloc(b->ncells, sizeof *r->cells);
	if (!r || (b->ncells && !r->cells)) {
		free(r);
		core__result_abort(b);
		return NULL;
	}
	r->cols = b->cols;
	r->rows = b->cols ? b->ncells / b->cols : 0;
	r->data = b->data;
	for (size_t i = 0; i < b->ncells; i++)
		r->cells[i] = b->offsets[i] == SIZE_MAX ? NULL : b->data + b->offsets[i];
	free(b->offsets);
	free(b);
	return r;
}

void core_db_result_free(core_db_result *r)
{
	if (!r)
		return;
	free(r->cells);
	free(r->data);
	free(r);
}

size_t core_db_rows(const core_db_result *r)
{
	return r ? r->rows : 0;
}

size_t core_db_cols(const core_db_result *r)
{
	return r ? r->cols : 0;
}

const char *core_db_get(const core_db_result *r, size_t row, size_t col)
{
	if (!r || row >= r->rows || col >= r->cols)
		return NULL;
	return r->cells[row * r->cols + col];
}

bool core_db_is_null(const core_db_result *r, size_t row, size_t col)
{
	return core_db_get(r, row, col) == NULL;
}

int64_t core_db_get_int(const core_db_result *r, size_t row, size_t col)
{
	const char *s = core_db_get(r, row, col);
	return s ? strtoll(s, NULL, 10) : 0;
}

bool core_db_get_bool(const core_db_result *r, size_t row, size_t col)
{
	const char *s = core_db_get(r, row, col);
	/* PostgreSQL sends t/f, SQLite 1/0 */
	return s && (s[0] == 't' || s[0] == 'T' || (s[0] >= '1' && s[0] <= '9'));
}

double core_db_get_double(const core_db_result *r, size_t row, size_t col)
{
	const char *s = core_db_get(r, row, col);
	return s ? strtod(s, NULL) : 0.0;
}

static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return true;
}

static void put_digits(char *out, int n, int v)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

/* Accepts "YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z|±HH[:MM]]"; no zone means UTC. */
bool core_db_get_time(const core_db_result *r, size_t row, size_t col, char out[32])
{
	const char *p = core_db_get(r, row, col);
	/* tm holds the fields as written (year and month not offset) */
	struct tm tm = {0};
	int usec = 0, oh = 0, om = 0, sign = 0;
	if (!p || !digits(&p, 4, &tm.tm_year) || *p++ != '-' || !digits(&p, 2, &tm.tm_mon) ||
	    *p++ != '-' || !digits(&p, 2, &tm.tm_mday) || (*p != ' ' && *p != 'T') ||
	    !(++p, digits(&p, 2, &tm.tm_hour)) || *p++ != ':' || !digits(&p, 2, &tm.tm_min) ||
	    *p++ != ':' || !digits(&p, 2, &tm.tm_sec))
		return false;
	if (*p == '.') {
		p++;
		int scale = 100000, n = 0;
		for (; *p >= '0' && *p <= '9'; p++, n++, scale /= 10)
			if (scale)
				usec += (*p - '0') * scale;
		if (!n)
			return false;
	}
	if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!digits(&p, 2, &oh) || (*p == ':' && (p++, !digits(&p, 2, &om))))
			return false;
	} else if (*p == 'Z') {
		p++;
	}
	if (*p)
		return false;
	if (oh || om || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59) {
		/* another zone (or a leap second): let the C library move it to UTC */
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		time_t t = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
		if (!gmtime_r(&t, &tm))
			return false;
		tm.tm_year += 1900;
		tm.tm_mon += 1;
		if (tm.tm_year < 0 || tm.tm_year > 9999)
			return false;
	}
	/* written by hand: this runs for every time column of every row */
	put_digits(out, 4, tm.tm_year);
	out[4] = '-';
	put_digits(out + 5, 2, tm.tm_mon);
	out[7] = '-';
	put_digits(out + 8, 2, tm.tm_mday);
	out[10] = 'T';
	put_digits(out + 11, 2, tm.tm_hour);
	out[13] = ':';
	put_digits(out + 14, 2, tm.tm_min);
	out[16] = ':';
	put_digits(out + 17, 2, tm.tm_sec);
	out[19] = '.';
	put_digits(out + 20, 6, usec);
	out[26] = 'Z';
	out[27] = '\0';
	return true;
}
