/* ddl_table.c — the column and constraint grammar of CREATE TABLE and
 * ALTER TABLE ... ADD, and the token helpers every DDL grammar function
 * uses (errors "expected X, found 'y'", identifiers, balanced groups,
 * expression text). Inline column constraints are recorded as table
 * constraints on the column, which is how the databases report them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sql/ddl_parse.h"
#include "banned.h"

int rt__ddlp_nomem(parser *p)
{
	return rt_error_set(p->err, RT_ERR_NOMEM, "out of memory while parsing SQL");
}

/* "expected <what>, found 'tok'" at the current token. */
__attribute__((format(printf, 2, 3))) int rt__ddlp_fail(parser *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	const rt__token *t = cur(p);
	if (t->kind == RT__TOK_END)
		return rt_error_at(p->err, RT_ERR_PARSE, p->file, t->line, t->col,
		                   "expected %s, found end of input", what);
	return rt_error_at(p->err, RT_ERR_PARSE, p->file, t->line, t->col,
	                   "expected %s, found '%.40s'", what, t->text);
}

int rt__ddlp_expect(parser *p, const char *kw, const char *what)
{
	return accept(p, kw) ? 0 : rt__ddlp_fail(p, "%s", what);
}

int rt__ddlp_expect_punct(parser *p, const char *s, const char *what)
{
	return accept_punct(p, s) ? 0 : rt__ddlp_fail(p, "%s", what);
}

/* An identifier: unquoted (folded) or quoted (as written). */
const char *rt__ddlp_ident(parser *p)
{
	const rt__token *t = cur(p);
	if (t->kind != RT__TOK_WORD && t->kind != RT__TOK_QIDENT)
		return NULL;
	p->pos++;
	return t->value;
}

/* schema.name: the model holds unqualified names, so keep the last part. */
const char *rt__ddlp_qualified(parser *p)
{
	const char *name = rt__ddlp_ident(p);
	while (name && is_punct(p, ".") && ahead(p, 1)->kind != RT__TOK_END) {
		p->pos++;
		name = rt__ddlp_ident(p);
	}
	return name;
}

int rt__ddlp_need_name(parser *p, const char **out, const char *what)
{
	*out = rt__ddlp_qualified(p);
	return *out ? 0 : rt__ddlp_fail(p, "%s", what);
}

char *rt__ddlp_text_of(parser *p, size_t from, size_t to)
{
	return rt__tok_text(p->a, &p->lx.toks[from], to - from);
}

/* Skips a balanced (...) or [...] group at the current token. */
int rt__ddlp_skip_group(parser *p)
{
	int depth = 0;
	int line = cur(p)->line, col = cur(p)->col;
	do {
		if (at_end(p))
			return rt_error_at(
			    p->err, RT_ERR_PARSE, p->file, cur(p)->line, cur(p)->col,
			    "expected ')' to close the '(' at %d:%d, found end of input", line,
			    col);
		if (is_punct(p, "(") || is_punct(p, "["))
			depth++;
		else if (is_punct(p, ")") || is_punct(p, "]"))
			depth--;
		p->pos++;
	} while (depth > 0);
	return 0;
}

/* The text inside a (...) group at the current token. */
static int paren_text(parser *p, const char *what, const char **out)
{
	if (!is_punct(p, "("))
		return rt__ddlp_fail(p, "'(' %s", what);
	size_t from = p->pos + 1;
	int rc = rt__ddlp_skip_group(p);
	if (rc)
		return rc;
	*out = rt__ddlp_text_of(p, from, p->pos - 1);
	return *out ? 0 : rt__ddlp_nomem(p);
}

static bool at_stop(const parser *p, const char *const *stops)
{
	for (size_t i = 0; stops && stops[i]; i++)
		if (is_kw(p, stops[i]))
			return true;
	return false;
}

/* Tokens up to a ',' or ')' at depth 0, or (after at least one token) a
 * word in stops. */
int rt__ddlp_expr_until(parser *p, const char *const *stops, const char *what, const char **out)
{
	size_t from = p->pos;
	while (!at_end(p) && !is_punct(p, ",") && !is_punct(p, ")")) {
		if (p->pos > from && at_stop(p, stops))
			break;
		if (is_punct(p, "(") || is_punct(p, "[")) {
			int rc = rt__ddlp_skip_group(p);
			if (rc)
				return rc;
		} else {
			p->pos++;
		}
	}
	if (p->pos == from)
		return rt__ddlp_fail(p, "%s", what);
	*out = rt__ddlp_text_of(p, from, p->pos);
	return *out ? 0 : rt__ddlp_nomem(p);
}

/* A table that belongs to no schema list: statements hand these out. */
rt__table *rt__ddlp_new_table(parser *p, const char *name)
{
	rt__table *t = rt__arena_alloc(p->a, sizeof(*t));
	if (!t || rt__schema_set(p->s, &t->name, name ? name : ""))
		return NULL;
	return t;
}

/* ---- types and column definitions -------------------------------------- */

/* Words that end a type and start a column constraint. */
static const char *const col_stops[] = {"constraint", "not",       "null",       "default",
                                        "primary",    "unique",    "references", "check",
                                        "collate",    "generated", "as",         NULL};

/* The type's normalised text, or NULL when the column has none (SQLite
 * allows that). After the first word PostgreSQL only continues with words
 * of multi-word types; SQLite takes any words ("UNSIGNED BIG INT") up to
 * its one parameter list. */
int rt__ddlp_type_name(parser *p, rt_dialect dialect, const char **out)
{
	size_t from = p->pos;
	bool params = false;
	for (;;) {
		const rt__token *t = cur(p);
		bool first = p->pos == from;
		bool sqlite = dialect == RT_DIALECT_SQLITE && !params;
		if (t->kind == RT__TOK_WORD && !at_stop(p, col_stops) &&
		    (first || sqlite || (rt__keyword(t->value) & RT__KW_TYPE))) {
			p->pos++;
		} else if (t->kind == RT__TOK_QIDENT && first) {
			p->pos++;
		} else if (!first && is_punct(p, ".") &&
		           (ahead(p, 1)->kind == RT__TOK_WORD ||
		            ahead(p, 1)->kind == RT__TOK_QIDENT)) {
			p->pos += 2;
		} else if (!first && ((is_punct(p, "(") && !params) || is_punct(p, "["))) {
			params = params || is_punct(p, "(");
			int rc = rt__ddlp_skip_group(p);
			if (rc)
				return rc;
		} else {
			break;
		}
	}
	*out = NULL;
	if (p->pos == from)
		return 0;
	*out = rt__ddlp_text_of(p, from, p->pos);
	return *out ? 0 : rt__ddlp_nomem(p);
}

/* SQLite's "ON CONFLICT ROLLBACK|ABORT|FAIL|IGNORE|REPLACE" clause. */
static int skip_on_conflict(parser *p)
{
	if (!accept2(p, "on", "conflict"))
		return 0;
	return rt__ddlp_ident(p) ? 0 : rt__ddlp_fail(p, "a conflict resolution after ON CONFLICT");
}

static int column_list(parser *p, rt__constraint *c, bool ref, const char *what)
{
	if (!accept_punct(p, "("))
		return rt__ddlp_fail(p, "'(' before %s", what);
	do {
		const char *name = rt__ddlp_ident(p);
		if (!name)
			return rt__ddlp_fail(p, "a column name in %s", what);
		if (accept(p, "collate") && !rt__ddlp_ident(p))
			return rt__ddlp_fail(p, "a collation name after COLLATE");
		if (!accept(p, "asc"))
			accept(p, "desc");
		int rc = ref ? rt__constraint_add_ref_column(p->s, c, name)
		             : rt__constraint_add_column(p->s, c, name);
		if (rc)
			return rt__ddlp_nomem(p);
	} while (accept_punct(p, ","));
	return rt__ddlp_expect_punct(p, ")", "')' after column list");
}

static const struct fk_action {
	const char *w1, *w2;
	const char *value; /* NULL: NO ACTION, the default */
} fk_actions[] = {
    {"cascade", NULL, "CASCADE"}, {"restrict", NULL, "RESTRICT"},    {"no", "action", NULL},
    {"set", "null", "SET NULL"},  {"set", "default", "SET DEFAULT"},
};

static int fk_action(parser *p, const char **out, const char *clause)
{
	for (size_t i = 0; i < sizeof(fk_actions) / sizeof(fk_actions[0]); i++) {
		const struct fk_action *f = &fk_actions[i];
		if (f->w2 ? accept2(p, f->w1, f->w2) : accept(p, f->w1)) {
			if (f->value && f->w2 && is_punct(p, "(")) {
				int rc =
				    rt__ddlp_skip_group(p); /* SET NULL (cols), PostgreSQL 15 */
				if (rc)
					return rc;
			}
			return rt__schema_set(p->s, out, f->value) ? rt__ddlp_nomem(p) : 0;
		}
	}
	return rt__ddlp_fail(p, "CASCADE, RESTRICT, NO ACTION, SET NULL or SET DEFAULT after %s",
	                     clause);
}

/* Clauses any constraint may end with; the FK ones only mean something
 * on foreign keys but PostgreSQL accepts DEFERRABLE on UNIQUE too. */
static int constraint_tail(parser *p, rt__constraint *c)
{
	for (;;) {
		int rc = 0;
		if (accept2(p, "on", "delete"))
			rc = fk_action(p, &c->on_delete, "ON DELETE");
		else if (accept2(p, "on", "update"))
			rc = fk_action(p, &c->on_update, "ON UPDATE");
		else if (is_kw(p, "on") && rt__tok_is(ahead(p, 1), "conflict"))
			rc = skip_on_conflict(p);
		else if (accept(p, "match"))
			rc = rt__ddlp_ident(p)
			         ? 0
			         : rt__ddlp_fail(p, "FULL, PARTIAL or SIMPLE after MATCH");
		else if (accept(p, "deferrable"))
			c->deferrable = true;
		else if (accept2(p, "not", "deferrable"))
			c->deferrable = false;
		else if (accept2(p, "not", "valid"))
			c->not_valid = true;
		else if (accept2(p, "no", "inherit"))
			continue;
		else if (accept(p, "initially"))
			rc = accept(p, "deferred") ? (c->initially_deferred = true, 0)
			     : accept(p, "immediate")
			         ? 0
			         : rt__ddlp_fail(p, "DEFERRED or IMMEDIATE after INITIALLY");
		else
			return 0;
		if (rc)
			return rc;
	}
}

static int references(parser *p, rt__constraint *c)
{
	const char *ref;
	int rc = rt__ddlp_need_name(p, &ref, "a table name after REFERENCES");
	if (rc)
		return rc;
	if (rt__schema_set(p->s, &c->ref_table, ref))
		return rt__ddlp_nomem(p);
	if (is_punct(p, "(") && (rc = column_list(p, c, true, "the referenced columns")))
		return rc;
	return constraint_tail(p, c);
}

/* Inline constraints become table constraints on the column. */
static rt__constraint *inline_con(parser *p, rt__table *t, size_t ci, rt__con_kind kind,
                                  const char *name, const rt__token *at)
{
	rt__constraint *c = rt__table_add_constraint(p->s, t, kind, name);
	if (!c ||
	    (kind != RT__CON_CHECK && rt__constraint_add_column(p->s, c, t->columns[ci].name)))
		return NULL;
	c->pos = pos_of(p, at);
	return c;
}

typedef int (*con_fn)(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at);

static int con_not_null(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	(void)name, (void)at;
	int rc = rt__ddlp_expect(p, "null", "NULL after NOT");
	t->columns[ci].not_null = true;
	return rc ? rc : skip_on_conflict(p);
}

static int con_null(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	(void)p, (void)name, (void)at;
	t->columns[ci].not_null = false;
	return 0;
}

static int con_default(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	static const char *const stops[] = {"constraint", "not",   "null",    "primary",   "unique",
	                                    "references", "check", "collate", "generated", NULL};
	(void)name, (void)at;
	return rt__ddlp_expr_until(p, stops, "an expression after DEFAULT",
	                           &t->columns[ci].default_expr);
}

static int con_primary(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	int rc = rt__ddlp_expect(p, "key", "KEY after PRIMARY");
	if (rc)
		return rc;
	if (!accept(p, "asc"))
		accept(p, "desc");
	rt__constraint *c = inline_con(p, t, ci, RT__CON_PRIMARY, name, at);
	if (!c)
		return rt__ddlp_nomem(p);
	if ((rc = skip_on_conflict(p)))
		return rc;
	if (accept(p, "autoincrement"))
		t->columns[ci].autoincrement = true;
	return constraint_tail(p, c);
}

static int con_unique(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	rt__constraint *c = inline_con(p, t, ci, RT__CON_UNIQUE, name, at);
	return c ? constraint_tail(p, c) : rt__ddlp_nomem(p);
}

static int con_references(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	rt__constraint *c = inline_con(p, t, ci, RT__CON_FOREIGN, name, at);
	return c ? references(p, c) : rt__ddlp_nomem(p);
}

static int con_check(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	rt__constraint *c = inline_con(p, t, ci, RT__CON_CHECK, name, at);
	if (!c)
		return rt__ddlp_nomem(p);
	int rc = paren_text(p, "after CHECK", &c->check_expr);
	return rc ? rc : constraint_tail(p, c);
}

static int con_collate(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	(void)t, (void)ci, (void)name, (void)at;
	return rt__ddlp_qualified(p) ? 0 : rt__ddlp_fail(p, "a collation name after COLLATE");
}

/* Generated columns (AS (expr) [STORED|VIRTUAL]) are accepted, not modelled. */
static int con_as(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	(void)t, (void)ci, (void)name, (void)at;
	if (!is_punct(p, "("))
		return rt__ddlp_fail(p, "'(' after AS");
	int rc = rt__ddlp_skip_group(p);
	if (!rc && !accept(p, "stored"))
		accept(p, "virtual");
	return rc;
}

static int con_generated(parser *p, rt__table *t, size_t ci, const char *name, const rt__token *at)
{
	const char *kind = accept(p, "always")           ? "ALWAYS"
	                   : accept2(p, "by", "default") ? "BY DEFAULT"
	                                                 : NULL;
	if (!kind)
		return rt__ddlp_fail(p, "ALWAYS or BY DEFAULT after GENERATED");
	int rc = rt__ddlp_expect(p, "as", "AS after GENERATED ALWAYS or BY DEFAULT");
	if (rc)
		return rc;
	if (!accept(p, "identity"))
		return con_as(p, t, ci, name, at);
	if (is_punct(p, "(") && (rc = rt__ddlp_skip_group(p)))
		return rc;
	return rt__schema_set(p->s, &t->columns[ci].identity, kind) ? rt__ddlp_nomem(p) : 0;
}

static const struct {
	const char *word;
	con_fn fn;
} column_constraints[] = {
    {"not", con_not_null},    {"null", con_null},       {"default", con_default},
    {"primary", con_primary}, {"unique", con_unique},   {"references", con_references},
    {"check", con_check},     {"collate", con_collate}, {"generated", con_generated},
    {"as", con_as},
};

static int column_constraint(parser *p, rt__table *t, size_t ci)
{
	const char *name = NULL;
	const rt__token *at = cur(p);
	if (accept(p, "constraint") && !(name = rt__ddlp_ident(p)))
		return rt__ddlp_fail(p, "a constraint name after CONSTRAINT");
	for (size_t i = 0; i < sizeof(column_constraints) / sizeof(column_constraints[0]); i++)
		if (accept(p, column_constraints[i].word))
			return column_constraints[i].fn(p, t, ci, name, at);
	return rt__ddlp_fail(p, "a column constraint, ',' or ')' after column '%s'",
	                     t->columns[ci].name);
}

int rt__ddlp_column_def(parser *p, rt__table *t, rt_dialect dialect)
{
	const rt__token *at = cur(p);
	const char *name = rt__ddlp_ident(p);
	if (!name)
		return rt__ddlp_fail(p, "a column name");
	if (rt__table_column(t, name))
		return rt_error_at(p->err, RT_ERR_PARSE, p->file, at->line, at->col,
		                   "column '%s' specified more than once", name);
	const char *type;
	int rc = rt__ddlp_type_name(p, dialect, &type);
	if (rc)
		return rc;
	if (!type && dialect != RT_DIALECT_SQLITE)
		return rt__ddlp_fail(p, "a type for column '%s'", name);
	rt__column *c = rt__table_add_column(p->s, t, name, type ? type : "");
	if (!c)
		return rt__ddlp_nomem(p);
	c->pos = pos_of(p, at);
	size_t ci = t->ncolumns - 1;
	while (!rc && !at_end(p) && !is_punct(p, ",") && !is_punct(p, ")"))
		rc = column_constraint(p, t, ci);
	return rc;
}

/* ---- table constraints ------------------------------------------------- */

int rt__ddlp_table_constraint(parser *p, rt__table *t)
{
	const char *name = NULL;
	const rt__token *at = cur(p);
	if (accept(p, "constraint") && !(name = rt__ddlp_ident(p)))
		return rt__ddlp_fail(p, "a constraint name after CONSTRAINT");
	rt__con_kind kind;
	const char *what;
	if (accept2(p, "primary", "key"))
		kind = RT__CON_PRIMARY, what = "the primary key columns";
	else if (accept(p, "unique"))
		kind = RT__CON_UNIQUE, what = "the unique columns";
	else if (accept2(p, "foreign", "key"))
		kind = RT__CON_FOREIGN, what = "the foreign key columns";
	else if (accept(p, "check"))
		kind = RT__CON_CHECK, what = NULL;
	else
		return rt__ddlp_fail(p, "PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK");
	rt__constraint *c = rt__table_add_constraint(p->s, t, kind, name);
	if (!c)
		return rt__ddlp_nomem(p);
	c->pos = pos_of(p, at);
	if (kind == RT__CON_UNIQUE && !accept2(p, "nulls", "distinct") && accept(p, "nulls") &&
	    !accept2(p, "not", "distinct"))
		return rt__ddlp_fail(p, "DISTINCT or NOT DISTINCT after NULLS");
	int rc =
	    what ? column_list(p, c, false, what) : paren_text(p, "after CHECK", &c->check_expr);
	if (!rc && kind == RT__CON_FOREIGN)
		rc = rt__ddlp_expect(p, "references", "REFERENCES after the foreign key columns");
	if (!rc && kind == RT__CON_FOREIGN)
		return references(p, c);
	return rc ? rc : constraint_tail(p, c);
}

bool rt__ddlp_at_table_constraint(const parser *p)
{
	static const char *const starts[] = {"constraint", "primary", "unique",
	                                     "foreign",    "check",   NULL};
	return at_stop(p, starts);
}

/* Skips an element we accept but do not model (LIKE, EXCLUDE). */
int rt__ddlp_skip_element(parser *p)
{
	const char *text;
	return rt__ddlp_expr_until(p, NULL, "a table element", &text);
}
