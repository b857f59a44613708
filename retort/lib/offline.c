/* offline.c — `upgrade --sql` / `downgrade --sql`: the SQL a run would
 * execute, for the configured dialect, printed instead of executed.
 *
 * The output is a script for psql / sqlite3: each migration in BEGIN ...
 * COMMIT with its version-table and log statements (or its statements
 * outside the transaction for transaction=false sections).
 *
 * SQLite cannot ALTER most things in place; online, retort carries them out
 * as table rebuilds worked out from the table as it is at that point
 * (sqlite_rebuild.c). Offline there is no database to read it from, so for
 * SQLite the migrations run in an in-memory database instead, those before
 * the range silently and the range's echoed: the output holds what SQLite
 * ran, rebuilds included. */
#include <string.h>

#include "dialect/dialect.h"
#include "step.h"
#include "sql/split.h"
#include "version_table.h"
#include "banned.h"

/* Resolves the left side of a range to a set of heads. */
static int range_start(rt_ctx *ctx, rt__arena *a, const char *from, const char ***heads, size_t *n,
                       rt_error *err)
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

/* The statements of step's section for dialect (none when it has none). */
static int statements(rt__arena *a, rt_dialect dialect, const rt_step *step, const rt_section **sec,
                      rt__stmt **stmts, size_t *n, rt_error *err)
{
	*sec = rt_script_section(step->script, step->direction, dialect);
	*stmts = NULL;
	*n = 0;
	return *sec ? rt__sql_split(a, step->script->path, (*sec)->sql, (*sec)->len, (*sec)->line,
	                            dialect, stmts, n, err)
	            : 0;
}

/* Runs the statements in the in-memory database, appending what SQLite ran
 * to echo (NULL: nothing), in a transaction when the section has one. A
 * statement that fails there (it touches what the migrations did not
 * create, say a table made by hand before `stamp`) is printed as written,
 * with a warning: the real database may well accept it. */
static int run_in_memory(rt_ctx *ctx, rt__db *mem, rt__arena *a, const rt_step *step,
                         const rt_section *sec, const rt__stmt *stmts, size_t n, rt_buf *echo,
                         rt_error *err)
{
	bool tx = !sec || sec->transaction;
	int rc = tx ? mem->ops->exec(mem, "BEGIN", err) : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		size_t mark = echo ? echo->len : 0;
		mem->echo = echo;
		rc = mem->ops->run(mem, a, step->script->path, stmts[i].line, stmts[i].sql,
		                   stmts[i].len, err);
		mem->echo = NULL;
		if (rc != -RT_ERR_DB)
			continue;
		rt__ctx_log(ctx, RT_LOG_WARNING,
		            "%s:%d: not run in the in-memory SQLite database offline SQL is worked "
		            "out in (%s); %s as written",
		            step->script->path, stmts[i].line, err->message,
		            echo ? "printed" : "left out of it");
		rt_error_clear(err);
		rc = 0;
		if (echo) {
			rt_buf_truncate(echo, mark);
			rc = rt__sql_put(echo, stmts[i].sql, stmts[i].len)
			         ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
			         : 0;
		}
	}
	return rc ? rc : tx ? mem->ops->exec(mem, "COMMIT", err) : 0;
}

/* Brings the in-memory database to the start of the range. */
static int replay_to(rt_ctx *ctx, rt__db *mem, rt__arena *a, const char *const *heads, size_t n,
                     rt_error *err)
{
	if (!n)
		return 0;
	rt_plan plan = {0};
	int rc = rt_graph_plan(ctx->graph, NULL, 0, RT_UP, n == 1 ? heads[0] : "heads", &plan, err);
	for (size_t i = 0; !rc && i < plan.n; i++) {
		const rt_section *sec;
		rt__stmt *stmts;
		size_t nstmts;
		rc = statements(a, RT_DIALECT_SQLITE, &plan.steps[i], &sec, &stmts, &nstmts, err);
		rc = rc ? rc
		        : run_in_memory(ctx, mem, a, &plan.steps[i], sec, stmts, nstmts, NULL, err);
	}
	rt_plan_release(&plan);
	return rc;
}

static int render_step(rt_ctx *ctx, rt__arena *a, rt_dialect dialect, rt__db *mem,
                       const char ***heads, size_t *n, const rt_step *step, rt_buf *out,
                       rt_error *err)
{
	const rt_section *sec;
	rt__stmt *stmts;
	size_t nstmts;
	int rc = statements(a, dialect, step, &sec, &stmts, &nstmts, err);
	if (rc)
		return rc;
	rt__log_step(ctx, step);
	bool tx = !sec || sec->transaction;
	rt_buf down = RT_BUF_INIT;
	rc = rt__join_ids(&down, step->script->down_revisions, step->script->n_down);
	if (step->direction == RT_UP)
		rc = rc ? rc
		        : rt_buf_printf(out, "-- Running upgrade %s -> %s\n\n", down.data,
		                        step->script->revision);
	else
		rc = rc ? rc
		        : rt_buf_printf(out, "-- Running downgrade %s -> %s\n\n",
		                        step->script->revision, down.data);
	rt_buf_release(&down);
	rc = rc ? rc : rt_buf_puts(out, tx ? "BEGIN;\n\n" : "");
	for (size_t i = 0; !rc && !mem && i < nstmts; i++)
		rc = rt__put_statement(out, &stmts[i]);
	if (rc)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (mem && (rc = run_in_memory(ctx, mem, a, step, sec, stmts, nstmts, out, err)))
		return rc;
	if (rt_buf_puts(out, tx ? "" : "BEGIN;\n\n"))
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

int rt_ctx_offline_sql(rt_ctx *ctx, rt_direction dir, const char *range, rt_buf *out, rt_error *err)
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
	rt__db *mem = NULL;
	if (!from)
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rc = rc ? rc : range_start(ctx, &a, from, &heads, &n, err);
	if (!rc && dialect == RT_DIALECT_SQLITE) {
		rc = rt__db_connect_memory(&mem, err);
		rc = rc ? rc : replay_to(ctx, mem, &a, heads, n, err);
	}
	rc = rc ? rc : rt_graph_plan(ctx->graph, heads, n, dir, *to ? to : "heads", &plan, err);
	if (!rc && rt_buf_printf(out, "-- retort %s, offline, for %s\n\n", rt__direction_word(dir),
	                         rt_dialect_name(dialect)))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rc && n == 0 && dir == RT_UP) {
		if (rt__vt_create_sql(out, rt_config_version_table(ctx->cfg)) ||
		    rt_buf_puts(out, "\n"))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; !rc && i < plan.n; i++)
		rc = render_step(ctx, &a, dialect, mem, &heads, &n, &plan.steps[i], out, err);
	if (mem)
		rt__db_close(mem);
	rt_plan_release(&plan);
	rt__arena_release(&a);
	return rc;
}
