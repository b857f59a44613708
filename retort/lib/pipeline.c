/* pipeline.c — transactional migrations sent back to back (internal; see
 * pipeline.h).
 *
 * Each migration is still its own transaction: BEGIN, the run lock (where
 * the dialect takes it per transaction), a guard, its statements, its
 * version-table change and log row, COMMIT. All of a run's migrations are
 * queued before the first result is read, so the server goes from one to
 * the next without waiting for the client: one round trip for the run
 * instead of one per migration.
 *
 * Two things keep a failure from being skipped over. The server skips
 * every statement queued after a failed one, up to the end of the pipeline.
 * And each migration's guard fails unless the version table holds exactly
 * the heads the migration was planned from, so no migration applies on top
 * of a state it was not planned for, whatever happened before it.
 *
 * Results come back one per statement, so a failure names its statement
 * and line directly. */
#include <string.h>

#include "dialect/dialect.h"
#include "pipeline.h"
#include "step.h"
#include "version_table.h"
#include "banned.h"

/* One migration in the pipeline. The statements sent for it, in order:
 * BEGIN, the lock (tx_lock_sql dialects), the guard, stmts[0..nstmts), the version-table change,
 * the log row, COMMIT. */
typedef struct queued {
	const rt_step *step;
	const char **before, **after; /* heads before and after it (arena) */
	size_t nbefore, nafter;
	rt__stmt *stmts;
	size_t nstmts;
	size_t nsent; /* statements sent for it */
	size_t guard; /* index of the guard: after BEGIN and the lock, if any */
} queued;

/* Queues one statement built in sql by a version_table.c helper that
 * returned built (non-zero: out of memory); counts it in q. */
static int send_built(rt__db *db, queued *q, int built, rt_buf *sql, bool flush, rt_error *err)
{
	if (built)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	int rc = db->ops->pipe_send(db, sql->data, flush, err);
	rt_buf_reset(sql);
	q->nsent += !rc;
	return rc;
}

/* Queues q's whole transaction; c is its version-table change. */
static int send_transaction(rt_ctx *ctx, queued *q, const rt_version_change *c, rt_error *err)
{
	rt__db *db = ctx->db;
	const char *vt = rt_config_version_table(ctx->cfg);
	rt_buf sql = RT_BUF_INIT;
	int rc = send_built(db, q, rt_buf_puts(&sql, "BEGIN"), &sql, false, err);
	/* the guard's snapshot is taken after the lock is granted, so it sees
	 * what the previous holder committed */
	if (!rc && db->ops->tx_lock_sql)
		rc = send_built(db, q, db->ops->tx_lock_sql(&sql, vt), &sql, false, err);
	q->guard = q->nsent;
	if (!rc)
		rc = send_built(db, q, rt__vt_guard_literal(&sql, vt, q->before, q->nbefore), &sql,
		                false, err);
	for (size_t i = 0; !rc && i < q->nstmts; i++, q->nsent++)
		rc = db->ops->pipe_send(db, q->stmts[i].sql, false, err);
	for (size_t i = 0; !rc && i < c->n_remove; i++)
		rc = send_built(db, q, rt__vt_delete_literal(&sql, vt, c->remove[i]), &sql, false,
		                err);
	for (size_t i = 0; !rc && i < c->n_add; i++)
		rc =
		    send_built(db, q, rt__vt_insert_literal(&sql, vt, c->add[i]), &sql, false, err);
	if (!rc)
		rc = send_built(db, q, rt__vt_log_literal(&sql, vt, q->step, db->ops->duration_sql),
		                &sql, false, err);
	if (!rc)
		rc = send_built(db, q, rt_buf_puts(&sql, "COMMIT"), &sql, true, err);
	rt_buf_release(&sql);
	return rc;
}

/* Splits q's script section, works out its heads after, and queues it. */
static int send_step(rt_ctx *ctx, rt__arena *a, queued *q, rt_error *err)
{
	rt__db *db = ctx->db;
	const rt_script *s = q->step->script;
	const rt_section *sec = rt_script_section(s, q->step->direction, db->ops->dialect);
	int rc = 0;
	if (sec)
		rc = rt__sql_split(a, s->path, sec->sql, sec->len, sec->line, db->ops->dialect,
		                   &q->stmts, &q->nstmts, err);
	rt_version_change c;
	if (rc || (rc = rt_graph_step_change(ctx->graph, q->before, q->nbefore, q->step, &c, err)))
		return rc;
	q->after = q->before;
	q->nafter = q->nbefore;
	if (rt__heads_apply(a, &q->after, &q->nafter, &c))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	else
		rc = send_transaction(ctx, q, &c, err);
	rt_version_change_release(&c);
	return rc;
}

/* Turns the failure of q's statement number k (the database's error in
 * err) into the migration's error. */
static int step_failed(const queued *q, size_t k, rt_error *err)
{
	const rt_script *s = q->step->script;
	const char *word = rt__direction_word(q->step->direction);
	size_t first = q->guard + 1;
	if (k >= first && k < first + q->nstmts)
		return rt__statement_failed(q->step, &q->stmts[k - first], q->before, q->nbefore,
		                            err);
	rt_error db = *err;
	rt_buf at = RT_BUF_INIT;
	rt__join_ids(&at, q->before, q->nbefore);
	const char *where = at.len ? at.data : "base";
	if (k == q->guard) {
		rt_error_set(err, RT_ERR_STATE, "%s %s not run: the database is no longer at %s",
		             word, s->revision, where);
		rt_error_detail(err, "%s", db.message);
		rt_error_hint(err, "something outside this run changed the version table (a "
		                   "process that does not take retort's lock, or a script that "
		                   "writes to it); see 'retort current', then run again");
	} else {
		rt_error_set(err, RT_ERR_MIGRATION, "%s %s failed: %s", word, s->revision,
		             db.message);
		rt_error_detail(err, "%s", db.detail);
		rt_error_hint(err, "the database stays at %s", where);
	}
	rt_buf_release(&at);
	return -(int)err->code;
}

/* Reads q's results; logs its "Running ..." line once the guard has
 * passed, so a migration another run applied meanwhile (the guard fails,
 * the caller re-plans) is never reported as running here. */
static int receive_step(rt_ctx *ctx, const queued *q, rt_error *err)
{
	for (size_t k = 0; k < q->nsent; k++) {
		if (ctx->db->ops->pipe_receive(ctx->db, err))
			return step_failed(q, k, err);
		if (k == q->guard)
			rt__log_step(ctx, q->step);
	}
	return 0;
}

int rt__run_pipelined(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n,
                      const rt_step *steps, size_t nsteps, rt_error *err)
{
	rt__db *db = ctx->db;
	queued *q = rt__arena_array(a, nsteps, sizeof(*q));
	if (!q)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	/* a step that cannot be sent (say, a script that does not split) stops
	 * the sending; the steps before it still run, as they would one by one */
	rt_error send_err;
	int send_rc = 0;
	size_t sent = 0;
	for (; !send_rc && sent < nsteps; sent++) {
		q[sent].step = &steps[sent];
		q[sent].before = sent ? q[sent - 1].after : *heads;
		q[sent].nbefore = sent ? q[sent - 1].nafter : *n;
		send_rc = send_step(ctx, a, &q[sent], &send_err);
	}
	/* the one that failed to send is partly queued and never committed */
	size_t whole = send_rc ? sent - 1 : sent;
	int rc = 0;
	size_t done = 0;
	for (; !rc && done < whole; done++) {
		rc = receive_step(ctx, &q[done], err);
		if (!rc) {
			*heads = q[done].after;
			*n = q[done].nafter;
		}
	}
	rt_error end_err;
	int end_rc = db->ops->pipe_end(db, &end_err);
	if (rc || send_rc)
		db->ops->exec(db, "ROLLBACK", NULL);
	if (!rc && send_rc) {
		*err = send_err;
		rc = send_rc;
	}
	if (!rc && end_rc) {
		*err = end_err;
		rc = end_rc;
	}
	return rc;
}
