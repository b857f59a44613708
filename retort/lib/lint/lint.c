/* lint.c — rt_ctx_lint and the report (see retort/lint.h).
 *
 * The schema before a script is rebuilt from the history, not read from a
 * database: the upgrade sections of the script's ancestors (in the graph's
 * parents-first order) are parsed and applied to a schema model, as the
 * models are. That is what makes `retort lint` work without a connection
 * and lets it lint a script the database has not reached yet. Statements the
 * model cannot follow (verbatim SQL, a table it never saw created) leave it
 * as it was: the rules that need an old type then stay silent.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/section.h"
#include "retort/lint.h"
#include "sql/ddl.h"
#include "sql/split.h"
#include "banned.h"

void rt_lint_report_release(rt_lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].file);
		free(r->findings[i].message);
	}
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

size_t rt_lint_errors(const rt_lint_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->findings[i].rule->severity == RT_LINT_ERROR;
	return n;
}

/* Applies one ancestor's upgrade section to s. Only parse errors and
 * allocation failure stop the replay. */
static int replay(rt__arena *a, rt__schema *s, const rt_script *sc, rt_dialect dialect,
                  rt_error *err)
{
	const rt_section *sec = rt_script_section(sc, RT_UP, dialect);
	if (!sec)
		return 0;
	rt__stmt *stmts;
	size_t n;
	int rc =
	    rt__sql_split(a, sc->path, sec->sql, sec->len, sec->line, dialect, &stmts, &n, err);
	rt__schema scratch;
	rt__schema_init(&scratch, a, dialect);
	for (size_t i = 0; !rc && i < n; i++) {
		rt__ddl_stmt st;
		rc = rt__ddl_parse(a, &scratch, sc->path, stmts[i].line, stmts[i].sql, stmts[i].len,
		                   dialect, &st, err);
		if (rc)
			break;
		rt_error ignored;
		rt_error_clear(&ignored);
		if (rt__ddl_apply(s, &st, &ignored) == -RT_ERR_NOMEM)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory while linting");
	}
	return rc;
}

static int schema_before(rt__arena *a, const rt_graph *g, const rt_script *s, rt_dialect dialect,
                         rt__schema *out, rt_error *err)
{
	rt__schema_init(out, a, dialect);
	int rc = 0;
	for (size_t i = 0; !rc && i < rt_graph_count(g); i++) {
		const rt_script *anc = rt_graph_at(g, i);
		if (anc != s && rt_graph_is_ancestor(g, anc, s))
			rc = replay(a, out, anc, dialect, err);
	}
	return rc;
}

static int add_finding(rt_lint_report *r, const char *file, const rt__lint_hit *h)
{
	if (r->n >= r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		rt_lint_finding *grown = realloc(r->findings, cap * sizeof(*grown));
		if (!grown)
			return -RT_ERR_NOMEM;
		r->findings = grown;
		r->cap = cap;
	}
	rt_lint_finding f = {h->rule, strdup(file), h->line, strdup(h->message)};
	if (!f.file || !f.message) {
		free(f.file);
		free(f.message);
		return -RT_ERR_NOMEM;
	}
	r->findings[r->n++] = f;
	return 0;
}

int rt_ctx_lint(rt_ctx *ctx, const rt_script *s, rt_dialect dialect, rt_lint_report *out,
                rt_error *err)
{
	if (dialect == RT_DIALECT_NONE) {
		int rc = rt_ctx_dialect(ctx, &dialect, err);
		if (rc)
			return rc;
	}
	const rt_section *sec = rt_script_section(s, RT_UP, dialect);
	if (!sec)
		return 0;
	rt__arena a;
	rt__arena_init(&a);
	rt__schema before;
	rt__lint_hits hits = {&a, NULL, 0, 0};
	int rc = schema_before(&a, rt_ctx_graph(ctx), s, dialect, &before, err);
	if (!rc) {
		rt__lint_input in = {s->path, sec->sql,         sec->len, sec->line,
		                     dialect, sec->transaction, &before,  rt_ctx_config(ctx)};
		rc = rt__lint_section(&in, &hits, err);
	}
	for (size_t i = 0; !rc && i < hits.n; i++)
		if (!hits.v[i].silenced && add_finding(out, s->path, &hits.v[i]))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory while linting");
	rt__arena_release(&a);
	return rc;
}
