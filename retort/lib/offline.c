/* offline.c — `upgrade --sql` / `downgrade --sql`: the SQL a run would
 * execute, for the configured dialect, printed instead of executed.
 *
 * The output is a script for psql / sqlite3: each migration in BEGIN ...
 * COMMIT with its version-table and log statements (or its statements
 * outside the transaction for transaction=false sections). */
#include <string.h>

#include "runtime.h"
#include "sql/split.h"
#include "version_table.h"
#include "util/banned.h"

/* Resolves the left side of a range to a set of heads. */
static int range_start(rt_ctx *ctx, rt__arena *a, const char *from, const char ***heads,
                       size_t *n, rt_error *err)
{
	*heads = NULL;
	*n = 0;
	if (!*from || !strcmp(from, "base"))
		return 0;
	if (!strcmp(from, "head") || !strcmp(from, "heads")) {
		const rt_script *const *h = rt_graph_heads(ctx->graph, n);
		const char **list = rt__arena_array(a, *n + 1, sizeof(char *));
		if (!list)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < *n; i++)
			list[i] = h[i]->revision;
		if (!strcmp(from, "head") && *n > 1)
			return rt_error_set(err, RT_ERR_HEADS,
			                    "multiple heads are present; name the start revision");
		*heads = list;
		return 0;
	}
	const rt_script *s = rt_graph_lookup(ctx->graph, from, err);
	if (!s)
		return -(int)err->code;
	const char **list = rt__arena_array(a, 1, sizeof(char *));
	if (!list)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	list[0] = s->revision;
	*heads = list;
	*n = 1;
	return 0;
}

static int render_step(rt_ctx *ctx, rt__arena *a, rt_dialect dialect, const char ***heads,
                       size_t *n, const rt_step *step, rt_buf *out, rt_error *err)
{
	const rt_section *sec = rt_script_section(step->script, step->direction, dialect);
	rt__stmt *stmts = NULL;
	size_t nstmts = 0;
	int rc = 0;
	if (sec)
		rc = rt__sql_split(a, step->script->path, sec->sql, sec->len, sec->line, dialect,
		                   &stmts, &nstmts, err);
	if (rc)
		return rc;
	rt__log_step(ctx, step);
	bool tx = !sec || sec->transaction;
	rt_buf down = RT_BUF_INIT;
	rc = rt__join_ids(&down, step->script->down_revisions, step->script->n_down);
	if (step->direction == RT_UP)
		rc = rc ? rc : rt_buf_printf(out, "-- Running upgrade %s -> %s\n\n", down.data,
		                             step->script->revision);
	else
		rc = rc ? rc : rt_buf_printf(out, "-- Running downgrade %s -> %s\n\n",
		                             step->script->revision, down.data);
	rt_buf_release(&down);
	rc = rc ? rc : rt_buf_puts(out, tx ? "BEGIN;\n\n" : "");
	for (size_t i = 0; !rc && i < nstmts; i++)
		rc = rt__put_statement(out, &stmts[i]);
	rc = rc ? rc : rt_buf_puts(out, tx ? "" : "BEGIN;\n\n");
	if (rc)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");

	rt_version_change c;
	if ((rc = rt_graph_step_change(ctx->graph, *heads, *n, step, &c, err)))
		return rc;
	const char *vt = rt_config_version_table(ctx->cfg);
	rc = rt__vt_change_literal(out, vt, &c);
	rc = rc ? rc : rt__vt_log_literal(out, vt, step, "0");
	rc = rc ? rc : rt_buf_puts(out, "\nCOMMIT;\n\n");
	/* the next step sees the heads this one leaves */
	rc = rc ? rc : rt__heads_apply(a, heads, n, &c);
	rt_version_change_release(&c);
	return rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory") : 0;
}

int rt_ctx_offline_sql(rt_ctx *ctx, rt_direction dir, const char *range, rt_buf *out,
                       rt_error *err)
{
	rt_dialect dialect;
	int rc = rt_ctx_dialect(ctx, &dialect, err);
	if (rc)
		return rc;
	const char *colon = strchr(range, ':');
	if (!colon && dir == RT_DOWN)
		return rt_error_set(err, RT_ERR_USAGE,
		                    "downgrade with --sql needs a range FROM:TO, e.g. head:base");
	rt__arena a;
	rt__arena_init(&a);
	char *from = colon ? rt__arena_strndup(&a, range, (size_t)(colon - range))
	                   : rt__arena_strdup(&a, "base");
	const char *to = colon ? colon + 1 : range;
	const char **heads;
	size_t n;
	rt_plan plan = {0};
	if (!from)
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rc = rc ? rc : range_start(ctx, &a, from, &heads, &n, err);
	rc = rc ? rc : rt_graph_plan(ctx->graph, heads, n, dir, *to ? to : "heads", &plan, err);
	if (!rc && rt_buf_printf(out, "-- retort %s, offline, for %s\n\n", rt__direction_word(dir),
	                         rt_dialect_name(dialect)))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rc && n == 0 && dir == RT_UP) {
		if (rt__vt_create_sql(out, rt_config_version_table(ctx->cfg)) || rt_buf_puts(out, "\n"))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; !rc && i < plan.n; i++)
		rc = render_step(ctx, &a, dialect, &heads, &n, &plan.steps[i], out, err);
	rt_plan_release(&plan);
	rt__arena_release(&a);
	return rc;
}
