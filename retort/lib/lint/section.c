/* section.c — one section of SQL through the lint rules (see
 * lint/section.h): retort's splitter cuts it, the DDL parser reads each
 * statement, lint/checks.c judges it in order, lint/ignore.c applies the
 * annotations, and the hits come out sorted by line.
 */
#include <stdint.h>
#include <string.h>

#include "lint/checks.h"
#include "lint/ignore.h"
#include "lint/section.h"
#include "sql/ddl.h"
#include "sql/lexer.h"
#include "sql/split.h"
#include "banned.h"

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory while linting");
}

/* Stable by line: annotation hits were appended after the statements'. */
static void sort_by_line(rt__lint_hits *h)
{
	for (size_t i = 1; i < h->n; i++) {
		rt__lint_hit x = h->v[i];
		size_t k = i;
		for (; k > 0 && h->v[k - 1].line > x.line; k--)
			h->v[k] = h->v[k - 1];
		h->v[k] = x;
	}
}

int rt__lint_section(const rt__lint_input *in, rt__lint_hits *out, rt_error *err)
{
	rt__arena *a = out->a;
	rt__stmt *stmts;
	size_t n;
	int rc = rt__sql_split(a, in->file, in->sql, in->len, in->first_line, in->dialect, &stmts,
	                       &n, err);
	if (rc)
		return rc;
	rt__lint_scope sc;
	rt__lint_scope_init(&sc, a);
	sc.file = in->file;
	sc.dialect = in->dialect;
	sc.transaction = in->transaction;
	sc.before = in->before;
	sc.cfg = in->cfg;
	rt__schema scratch;
	rt__schema_init(&scratch, a, in->dialect);
	for (size_t i = 0; i < n; i++) {
		rt__ddl_stmt st;
		rt__lexed lx = {0};
		rc = rt__ddl_parse(a, &scratch, in->file, stmts[i].line, stmts[i].sql, stmts[i].len,
		                   in->dialect, &st, err);
		if (!rc && st.kind == RT__DDL_OTHER)
			rc = rt__lex(a, in->file, stmts[i].line, stmts[i].sql, stmts[i].len,
			             in->dialect, &lx, err);
		if (rc)
			return rc;
		if (rt__lint_statement(&sc, &st, &lx, i, stmts[i].line, out))
			return nomem(err);
	}
	if (rt__lint_apply_ignores(in->sql, in->len, in->first_line, stmts, n, in->dialect, out))
		return nomem(err);
	sort_by_line(out);
	return 0;
}
