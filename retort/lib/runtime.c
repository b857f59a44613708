/* runtime.c — online migration: current, upgrade, downgrade, stamp.
 *
 * A run takes the run lock, re-reads the version table under it, plans, and
 * then applies each step in its own transaction together with its
 * version-table change and log row, so a failure or a kill leaves the
 * database at the previous revision. SQLite holds its lock (flock) for the
 * whole run. PostgreSQL takes an advisory lock inside every transaction
 * instead (tx_lock_sql): a session lock does not survive a
 * transaction-pooling pgbouncer, which hands each transaction to whichever
 * server connection is free. Each step re-checks under that lock that the
 * version table still holds the heads it was planned from; when another run
 * moved it meanwhile, the run re-reads it and plans again (docs/retort.md). Where the
 * dialect pipelines (PostgreSQL), consecutive transactional steps are sent
 * without waiting for each other (pipeline.c); otherwise, and for
 * transaction=false sections, one statement at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialect/dialect.h"
#include "pipeline.h"
#include "runtime.h"
#include "step.h"
#include "sql/split.h"
#include "version_table.h"
#include "banned.h"

int rt__ctx_connect(rt_ctx *ctx, rt_error *err)
{
	if (ctx->db)
		return 0;
	const rt_url *url;
	int rc = rt__ctx_url(ctx, &url, err);
	return rc ? rc : rt__db_connect(url, &ctx->db, err);
}

static const char *vt_name(const rt_ctx *ctx)
{
	return rt_config_version_table(ctx->cfg);
}

/* Reads the rows of version table vt (none when it does not exist) into
 * arena strings. */
static int read_heads_named(rt_ctx *ctx, const char *vt, rt__arena *a, const char ***heads,
                            size_t *n, rt_error *err)
{
	*heads = NULL;
	*n = 0;
	rt_buf sql = RT_BUF_INIT;
	rt__rows rows = {0};
	int rc = rt__vt_select_sql(&sql, vt);
	rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
	        : ctx->db->ops->query_table(ctx->db, a, vt, sql.data, &rows, err);
	rt_buf_release(&sql);
	if (rc)
		return rc;
	const char **list = rt__arena_array(a, rows.nrows + 1, sizeof(char *));
	if (!list)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < rows.nrows; i++)
		list[i] = rows.cells[i * rows.ncols] ? rows.cells[i * rows.ncols] : "";
	*heads = list;
	*n = rows.nrows;
	return 0;
}

static int read_heads(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n, rt_error *err)
{
	return read_heads_named(ctx, vt_name(ctx), a, heads, n, err);
}

int rt_ctx_current(rt_ctx *ctx, const char *const **heads, size_t *n, rt_error *err)
{
	int rc = rt__ctx_connect(ctx, err);
	if (rc)
		return rc;
	rt__arena_release(&ctx->scratch);
	const char **list;
	rc = read_heads(ctx, &ctx->scratch, &list, n, err);
	if (!rc)
		*heads = list;
	return rc;
}

void rt_strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int rt_read_heads(const char *database_url, const char *version_table, char ***heads, size_t *n,
                  rt_error *err)
{
	rt_config *cfg;
	int rc = rt_config_new(".", database_url, &cfg, err);
	if (rc)
		return rc;
	/* a bare context: no graph is loaded, only the connection is used */
	rt_ctx ctx = {.cfg = cfg};
	rt__arena_init(&ctx.scratch);
	const char **rows = NULL;
	size_t count = 0;
	rc = rt__ctx_connect(&ctx, err);
	if (!rc)
		rc = read_heads_named(&ctx, version_table, &ctx.scratch, &rows, &count, err);
	char **copy = rc ? NULL : calloc(count + 1, sizeof(char *));
	if (!rc && !copy)
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < count; i++)
		if (!(copy[i] = strdup(rows[i])))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (rc) {
		rt_strings_free(copy, count);
	} else {
		*heads = copy;
		*n = count;
	}
	rt__db_close(ctx.db);
	rt_url_release(&ctx.url);
	rt__arena_release(&ctx.scratch);
	rt_config_free(cfg);
	return rc;
}

/* Runs params-bound bookkeeping statement sql with one or more values. */
static int exec_params(rt_ctx *ctx, const char *sql, const char *const *params, size_t n,
                       rt_error *err)
{
	rt__arena a;
	rt__rows rows = {0};
	rt__arena_init(&a);
	int rc = ctx->db->ops->query(ctx->db, &a, sql, params, n, &rows, err);
	rt__arena_release(&a);
	return rc;
}

static int exec_vt(rt_ctx *ctx, int (*build)(rt_buf *, const char *), const char *rev,
                   rt_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	int rc = build(&sql, vt_name(ctx));
	if (rc) {
		rt_buf_release(&sql);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	const char *params[] = {rev};
	rc = exec_params(ctx, sql.data, params, rev ? 1 : 0, err);
	rt_buf_release(&sql);
	return rc;
}

/* Applies the version-table change of step to the database and to heads. */
static int apply_change(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n,
                        const rt_step *step, rt_error *err)
{
	rt_version_change c;
	int rc = rt_graph_step_change(ctx->graph, *heads, *n, step, &c, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < c.n_remove; i++)
		rc = exec_vt(ctx, rt__vt_delete_sql, c.remove[i], err);
	for (size_t i = 0; !rc && i < c.n_add; i++)
		rc = exec_vt(ctx, rt__vt_insert_sql, c.add[i], err);
	if (!rc && rt__heads_apply(a, heads, n, &c))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt_version_change_release(&c);
	return rc;
}

static int ensure_tables(rt_ctx *ctx, rt_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	int rc = rt__vt_create_sql(&sql, vt_name(ctx));
	rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
	        : ctx->db->ops->exec(ctx->db, sql.data, err);
	rt_buf_release(&sql);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Whether step runs in a transaction (a script without a section for it
 * does: it only moves the version table). */
static bool in_transaction(const rt__db *db, const rt_step *step)
{
	const rt_section *sec = rt_script_section(step->script, step->direction, db->ops->dialect);
	return !sec || sec->transaction;
}

/* Whether the run lock is taken per transaction (tx_lock_sql) rather than
 * held by the session for the whole run. */
static bool per_tx_lock(const rt_ctx *ctx)
{
	return ctx->db->ops->tx_lock_sql != NULL;
}

/* BEGIN and, where the dialect locks per transaction, the run lock. */
static int begin_locked(rt_ctx *ctx, rt_error *err)
{
	rt__db *db = ctx->db;
	int rc = db->ops->begin(db, err);
	if (rc || !per_tx_lock(ctx))
		return rc;
	rt_buf sql = RT_BUF_INIT;
	rc = db->ops->tx_lock_sql(&sql, vt_name(ctx));
	rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
	        : db->ops->exec(db, sql.data, err);
	rt_buf_release(&sql);
	if (rc)
		db->ops->exec(db, "ROLLBACK", NULL);
	return rc;
}

/* Inside a transaction that holds the run lock: fails with RT_ERR_STATE
 * (as the pipeline's guard does) unless the version table holds exactly
 * heads. Nothing to check where the session holds the lock. */
static int check_heads(rt_ctx *ctx, rt__arena *a, const char *const *heads, size_t n, rt_error *err)
{
	if (!per_tx_lock(ctx))
		return 0;
	const char **now;
	size_t m;
	int rc = read_heads(ctx, a, &now, &m, err);
	if (rc)
		return rc;
	bool same = m == n;
	for (size_t i = 0; same && i < n; i++) {
		bool found = false;
		for (size_t j = 0; !found && j < m; j++)
			found = !strcmp(heads[i], now[j]);
		same = found;
	}
	if (same)
		return 0;
	return rt_error_set(err, RT_ERR_STATE, "the version table changed during the run");
}

/* A short transaction under the run lock that only checks the heads: what
 * a transaction=false section runs after. */
static int check_heads_now(rt_ctx *ctx, rt__arena *a, const char *const *heads, size_t n,
                           rt_error *err)
{
	if (!per_tx_lock(ctx))
		return 0;
	int rc = begin_locked(ctx, err);
	rc = rc ? rc : check_heads(ctx, a, heads, n, err);
	rc = rc ? rc : ctx->db->ops->exec(ctx->db, "COMMIT", err);
	if (rc)
		ctx->db->ops->exec(ctx->db, "ROLLBACK", NULL);
	return rc;
}

/* One step, statement by statement: SQLite, and transaction=false sections. */
static int run_step(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n, const rt_step *step,
                    rt_error *err)
{
	rt__db *db = ctx->db;
	const rt_section *sec = rt_script_section(step->script, step->direction, db->ops->dialect);
	rt__stmt *stmts = NULL;
	size_t nstmts = 0;
	int rc = 0;
	if (sec)
		rc = rt__sql_split(a, step->script->path, sec->sql, sec->len, sec->line,
		                   db->ops->dialect, &stmts, &nstmts, err);
	if (rc)
		return rc;
	bool tx = !sec || sec->transaction;
	double start = now_ms();
	/* under a per-transaction lock the statements outside a transaction
	 * only start once the heads are still the planned ones; two racing runs
	 * can still both run them (docs/retort.md: write them idempotently) */
	if (!tx) {
		if ((rc = check_heads_now(ctx, a, *heads, *n, err)))
			return rc;
		rt__log_step(ctx, step);
		for (size_t i = 0; i < nstmts; i++)
			if ((rc = db->ops->run(db, a, step->script->path, stmts[i].line,
			                       stmts[i].sql, stmts[i].len, err)))
				return rt__statement_failed(step, &stmts[i], *heads, *n, err);
	}
	if ((rc = begin_locked(ctx, err)))
		return rc;
	if ((rc = check_heads(ctx, a, *heads, *n, err))) {
		db->ops->exec(db, "ROLLBACK", NULL);
		return rc;
	}
	if (tx)
		rt__log_step(ctx, step);
	for (size_t i = 0; tx && i < nstmts; i++) {
		if ((rc = db->ops->run(db, a, step->script->path, stmts[i].line, stmts[i].sql,
		                       stmts[i].len, err))) {
			rt__statement_failed(step, &stmts[i], *heads, *n, err);
			db->ops->exec(db, "ROLLBACK", NULL);
			return rc = -RT_ERR_MIGRATION;
		}
	}
	rc = apply_change(ctx, a, heads, n, step, err);
	if (!rc) {
		char ms[32];
		snprintf(ms, sizeof(ms), "%ld", (long)(now_ms() - start));
		const char *params[] = {step->script->revision, rt__direction_word(step->direction),
		                        step->script->checksum, ms};
		rt_buf sql = RT_BUF_INIT;
		rc = rt__vt_log_sql(&sql, vt_name(ctx));
		rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
		        : exec_params(ctx, sql.data, params, 4, err);
		rt_buf_release(&sql);
	}
	if (!rc)
		rc = db->ops->exec(db, "COMMIT", err);
	if (rc)
		db->ops->exec(db, "ROLLBACK", NULL);
	return rc;
}

/* Connects, locks, creates the bookkeeping tables and reads the heads. With
 * a per-transaction lock, all of that is one transaction that holds it. */
static int start_run(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n, rt_error *err)
{
	int rc = rt__ctx_connect(ctx, err);
	if (rc)
		return rc;
	if (per_tx_lock(ctx)) {
		rc = begin_locked(ctx, err);
		rc = rc ? rc : ensure_tables(ctx, err);
		rc = rc ? rc : read_heads(ctx, a, heads, n, err);
		rc = rc ? rc : ctx->db->ops->exec(ctx->db, "COMMIT", err);
		if (rc)
			ctx->db->ops->exec(ctx->db, "ROLLBACK", NULL);
		return rc;
	}
	rc = ctx->db->ops->lock(ctx->db, vt_name(ctx), err);
	if (rc)
		return rc;
	rc = ensure_tables(ctx, err);
	rc = rc ? rc : read_heads(ctx, a, heads, n, err);
	if (rc)
		ctx->db->ops->unlock(ctx->db, vt_name(ctx), NULL);
	return rc;
}

static void end_run(rt_ctx *ctx)
{
	if (!per_tx_lock(ctx))
		ctx->db->ops->unlock(ctx->db, vt_name(ctx), NULL);
}

/* Applies plan from heads; consecutive transactional steps go through the
 * pipeline together. */
static int run_plan(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n, const rt_plan *plan,
                    rt_error *err)
{
	const rt__db *db = ctx->db;
	int rc = 0;
	for (size_t i = 0, end; !rc && i < plan->n; i = end) {
		for (end = i; db->ops->pipe_send && end < plan->n; end++)
			if (!in_transaction(db, &plan->steps[end]))
				break;
		if (end > i)
			rc = rt__run_pipelined(ctx, a, heads, n, plan->steps + i, end - i, err);
		else
			rc = run_step(ctx, a, heads, n, &plan->steps[end++], err);
	}
	return rc;
}

/* A target relative to the heads (-1, +2, ae1+1) means something else once
 * another run has moved them, so it is not planned again. */
static bool relative_target(const char *target)
{
	return target && strpbrk(target, "+-") != NULL;
}

/* Each re-plan follows a change another run committed, so the count is
 * bounded by the migrations; this only stops a pathological loop. */
enum { MAX_REPLANS = 10000 };

static int migrate(rt_ctx *ctx, rt_direction dir, const char *target, rt_error *err)
{
	rt__arena a;
	rt__arena_init(&a);
	const char **heads;
	size_t n;
	int rc = start_run(ctx, &a, &heads, &n, err);
	if (rc) {
		rt__arena_release(&a);
		return rc;
	}
	/* under a per-transaction lock, another run may apply some of our plan
	 * between our transactions: the guard stops us (RT_ERR_STATE), and we
	 * re-read the version table and plan what is left */
	rt_error moved = {0};
	for (unsigned replans = 0;; replans++) {
		rt_plan plan = {0};
		rc = rt_graph_plan(ctx->graph, heads, n, dir, target, &plan, err);
		/* heads this project cannot plan from were not left by another run
		 * of it: the guard's error says what happened */
		if (rc && replans) {
			*err = moved;
			rc = -(int)moved.code;
		}
		rc = rc ? rc : run_plan(ctx, &a, &heads, &n, &plan, err);
		rt_plan_release(&plan);
		if (!rc || err->code != RT_ERR_STATE || !per_tx_lock(ctx) ||
		    relative_target(target) || replans >= MAX_REPLANS)
			break;
		moved = *err;
		rt__ctx_log(ctx, RT_LOG_INFO,
		            "Another run moved the version table; planning again");
		if ((rc = start_run(ctx, &a, &heads, &n, err)))
			break;
	}
	end_run(ctx);
	rt__arena_release(&a);
	return rc;
}

int rt_ctx_upgrade(rt_ctx *ctx, const char *target, rt_error *err)
{
	return migrate(ctx, RT_UP, target, err);
}

int rt_ctx_downgrade(rt_ctx *ctx, const char *target, rt_error *err)
{
	return migrate(ctx, RT_DOWN, target, err);
}

/* Plans the move to one stamp target: forward when the target is not yet
 * applied, backward when it is below the current heads. */
static int stamp_plan(rt_ctx *ctx, const char *const *heads, size_t n, const char *target,
                      rt_plan *plan, rt_error *err)
{
	if (!strcmp(target, "base"))
		return rt_graph_plan(ctx->graph, heads, n, RT_DOWN, "base", plan, err);
	int rc = rt_graph_plan(ctx->graph, heads, n, RT_UP, target, plan, err);
	if (rc || plan->n)
		return rc;
	rt_plan_release(plan);
	rt_error ignored;
	if (rt_graph_plan(ctx->graph, heads, n, RT_DOWN, target, plan, &ignored))
		*plan = (rt_plan){0};
	return 0;
}

int rt_ctx_stamp(rt_ctx *ctx, const char *const *targets, size_t ntargets, bool purge,
                 rt_error *err)
{
	rt__arena a;
	rt__arena_init(&a);
	const char **heads;
	size_t n;
	int rc = start_run(ctx, &a, &heads, &n, err);
	if (rc) {
		rt__arena_release(&a);
		return rc;
	}
	rc = begin_locked(ctx, err);
	/* the heads as of the lock this transaction holds */
	if (!rc && per_tx_lock(ctx))
		rc = read_heads(ctx, &a, &heads, &n, err);
	if (!rc && purge) {
		rt_buf sql = RT_BUF_INIT;
		rc = rt__vt_delete_all_sql(&sql, vt_name(ctx));
		rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
		        : ctx->db->ops->exec(ctx->db, sql.data, err);
		rt_buf_release(&sql);
		n = 0;
	}
	for (size_t t = 0; !rc && t < ntargets; t++) {
		rt_plan plan = {0};
		rc = stamp_plan(ctx, heads, n, targets[t], &plan, err);
		rt_buf from = RT_BUF_INIT, to = RT_BUF_INIT;
		rt__join_ids(&from, heads, n);
		for (size_t i = 0; !rc && i < plan.n; i++)
			rc = apply_change(ctx, &a, &heads, &n, &plan.steps[i], err);
		rt__join_ids(&to, heads, n);
		if (!rc && plan.n)
			rt__ctx_log(ctx, RT_LOG_INFO, "Running stamp_revision %s -> %s", from.data,
			            to.data);
		rt_buf_release(&from);
		rt_buf_release(&to);
		rt_plan_release(&plan);
	}
	if (!rc)
		rc = ctx->db->ops->exec(ctx->db, "COMMIT", err);
	else
		ctx->db->ops->exec(ctx->db, "ROLLBACK", NULL);
	end_run(ctx);
	rt__arena_release(&a);
	return rc;
}
