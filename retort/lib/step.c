/* step.c — what the runtime, the pipeline and offline mode each do for one
 * migration step: name its sides, log it, print a statement, follow the
 * heads, and word a failed statement (see step.h).
 */
#include <string.h>

#include "step.h"
#include "version_table.h"
#include "banned.h"

int rt__join_ids(rt_buf *out, const char *const *ids, size_t n)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = rt_buf_printf(out, "%s%s", i ? ", " : "", ids[i]);
	return rc;
}

void rt__log_step(rt_ctx *ctx, const rt_step *step)
{
	const rt_script *s = step->script;
	rt_buf down = RT_BUF_INIT;
	if (rt__join_ids(&down, s->down_revisions, s->n_down))
		return;
	if (step->direction == RT_UP)
		rt__ctx_log(ctx, RT_LOG_INFO, "Running upgrade %s -> %s, %s", down.data,
		            s->revision, s->message);
	else
		rt__ctx_log(ctx, RT_LOG_INFO, "Running downgrade %s -> %s, %s", s->revision,
		            down.data, s->message);
	rt_buf_release(&down);
}

int rt__put_statement(rt_buf *out, const rt__stmt *st)
{
	return rt__sql_put(out, st->sql, st->len);
}

int rt__heads_apply(rt__arena *a, const char ***heads, size_t *n, const rt_version_change *c)
{
	const char **next = rt__arena_array(a, *n + c->n_add + 1, sizeof(char *));
	if (!next)
		return -RT_ERR_NOMEM;
	size_t m = 0;
	for (size_t i = 0; i < *n; i++) {
		bool removed = false;
		for (size_t j = 0; j < c->n_remove; j++)
			removed = removed || !strcmp((*heads)[i], c->remove[j]);
		if (!removed)
			next[m++] = (*heads)[i];
	}
	for (size_t j = 0; j < c->n_add; j++)
		next[m++] = c->add[j];
	*heads = next;
	*n = m;
	return 0;
}

/* The database's error becomes the migration's: the script file and
 * statement line, what was being done, the database's words, and where the
 * database stays. */
int rt__statement_failed(const rt_step *step, const rt__stmt *st, const char *const *heads,
                         size_t n, rt_error *err)
{
	rt_error db = *err;
	rt_buf at = RT_BUF_INIT;
	rt__join_ids(&at, heads, n);
	rt_error_at(err, RT_ERR_MIGRATION, step->script->path, st->line, 0, "%s %s failed: %s",
	            rt__direction_word(step->direction), step->script->revision, db.message);
	rt_error_detail(err, "%s%s%.*s", db.detail[0] ? db.detail : "", db.detail[0] ? "\n" : "",
	                (int)(st->len > 400 ? 400 : st->len), st->sql);
	if (strstr(db.message, "already exists"))
		rt_error_hint(err,
		              "the database stays at %s; if the schema already has this change, "
		              "record it with 'retort stamp %s'",
		              at.len ? at.data : "base", step->script->revision);
	else
		rt_error_hint(err, "the database stays at %s", at.len ? at.data : "base");
	rt_buf_release(&at);
	return -RT_ERR_MIGRATION;
}
