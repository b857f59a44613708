/* checks.c — the lint rules, one function per kind of statement and per
 * ALTER TABLE action, dispatched from tables (see lint/checks.h).
 *
 * A rule looks at a table only when it existed before the script (a table
 * created earlier in the same script has no rows and no readers) and the
 * history owns it. The long-lock rules (RT2xx) are PostgreSQL's: SQLite has
 * one writer at a time and no CONCURRENTLY, and retort rebuilds a table
 * there for the changes PostgreSQL would rewrite in place.
 */
#include <ctype.h>
#include <string.h>

#include "lint/checks.h"
#include "lint/types.h"
#include "banned.h"

void rt__lint_scope_init(rt__lint_scope *sc, rt__arena *a)
{
	memset(sc, 0, sizeof(*sc));
	sc->a = a;
	sc->transaction = true;
}

static int names_add(rt__arena *a, rt__lint_names *ns, const char *name)
{
	if (ns->n >= ns->cap) {
		const char **grown = rt__arena_grow(a, ns->v, ns->n, &ns->cap, sizeof(*ns->v));
		if (!grown)
			return -RT_ERR_NOMEM;
		ns->v = grown;
	}
	if (!(ns->v[ns->n] = rt__arena_strdup(a, name)))
		return -RT_ERR_NOMEM;
	ns->n++;
	return 0;
}

static bool names_has(const rt__lint_names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return true;
	return false;
}

/* One statement being checked. */
typedef struct check {
	rt__lint_scope *sc;
	const rt__ddl_stmt *st;
	const rt__lexed *lx;
	size_t stmt;
	int line;
	rt__lint_hits *out;
} check;

#define HIT(c, code, ...) rt__lint_hit_add((c)->out, code, (c)->stmt, (c)->line, __VA_ARGS__)

static bool is_pg(const check *c)
{
	return c->sc->dialect == RT_DIALECT_POSTGRESQL;
}

/* Whether the rules look at table: it existed before the script and is
 * ours. An unqualified name lives in the default schema, which is what a
 * dotted glob (public.*) is matched against: lint does not connect to ask
 * for the search_path, so it takes PostgreSQL's default. */
static bool watched(const check *c, const char *table)
{
	if (!table || names_has(&c->sc->created, table))
		return false;
	const char *schema = c->sc->dialect == RT_DIALECT_POSTGRESQL ? "public" : "main";
	return !c->sc->cfg || rt_config_owns_table(c->sc->cfg, schema, table);
}

/* The column's type before the script, or NULL when unknown. */
static const char *old_type(const check *c, const char *table, const char *column)
{
	const rt__table *t = c->sc->before ? rt__schema_table(c->sc->before, table) : NULL;
	const rt__column *col = t ? rt__table_column(t, column) : NULL;
	return col ? col->type : NULL;
}

/* Whether expr, with parentheses, spaces and quotes dropped and folded to
 * lower case, reads "<column>isnotnull". */
static bool is_not_null_check(const char *expr, const char *column)
{
	char want[160], got[160];
	size_t n = 0, m = 0;
	for (const char *s = column; *s && n + 1 < sizeof(want); s++)
		want[n++] = (char)tolower((unsigned char)*s);
	for (const char *s = "isnotnull"; *s && n + 1 < sizeof(want); s++)
		want[n++] = *s;
	want[n] = '\0';
	for (const char *s = expr; *s && m + 1 < sizeof(got); s++)
		if (!strchr("() \t\n\"", *s))
			got[m++] = (char)tolower((unsigned char)*s);
	got[m] = '\0';
	return !strcmp(want, got);
}

/* A CHECK (column IS NOT NULL) on table: added earlier in this script, or
 * in the schema before it. */
static bool has_not_null_check(const check *c, const char *table, const char *column)
{
	for (size_t i = 0; i < c->sc->not_null.n; i++) {
		const char *key = c->sc->not_null.v[i];
		size_t tl = strlen(table);
		if (!strncmp(key, table, tl) && key[tl] == '.' && !strcmp(key + tl + 1, column))
			return true;
	}
	const rt__table *t = c->sc->before ? rt__schema_table(c->sc->before, table) : NULL;
	for (size_t i = 0; t && i < t->nconstraints; i++) {
		const rt__constraint *k = &t->constraints[i];
		if (k->kind == RT__CON_CHECK && k->check_expr &&
		    is_not_null_check(k->check_expr, column))
			return true;
	}
	return false;
}

/* ---- ALTER TABLE actions ------------------------------------------------ */

/* Functions PostgreSQL marks volatile that people put in defaults: each
 * row gets its own value, so adding the column rewrites the table. */
static const char *const volatile_functions[] = {
    "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "random",          "clock_timestamp",  "timeofday",          "nextval",
    "uuidv4",          "uuidv7",           "txid_current",       NULL,
};

/* The first volatile function called in expr, or NULL. */
static int volatile_call(const check *c, const char *expr, const char **out)
{
	*out = NULL;
	rt__lexed lx;
	rt_error ignored;
	if (rt__lex(c->sc->a, c->sc->file, c->line, expr, strlen(expr), c->sc->dialect, &lx,
	            &ignored))
		return ignored.code == RT_ERR_NOMEM ? -RT_ERR_NOMEM : 0;
	for (size_t i = 0; i + 1 < lx.ntoks && !*out; i++) {
		const rt__token *t = &lx.toks[i], *next = &lx.toks[i + 1];
		if (t->kind != RT__TOK_WORD || next->kind != RT__TOK_PUNCT ||
		    strcmp(next->text, "("))
			continue;
		for (size_t k = 0; volatile_functions[k] && !*out; k++)
			if (!strcmp(t->value, volatile_functions[k]))
				*out = volatile_functions[k];
	}
	return 0;
}

static int act_add_column(check *c, const rt__alter *al)
{
	const char *table = c->st->name, *col = al->column->name, *fn = NULL;
	if (!is_pg(c) || !watched(c, table))
		return 0;
	if (al->column->type && rt__lint_type_is_serial(al->column->type))
		return HIT(c, "RT205", "add column %s.%s %s (a sequence default)", table, col,
		           al->column->type);
	if (al->column->identity)
		return HIT(c, "RT205", "add column %s.%s GENERATED %s AS IDENTITY", table, col,
		           al->column->identity);
	int rc = al->column->default_expr ? volatile_call(c, al->column->default_expr, &fn) : 0;
	if (rc || !fn)
		return rc;
	return HIT(c, "RT205", "add column %s.%s DEFAULT %s", table, col, al->column->default_expr);
}

static int act_drop_column(check *c, const rt__alter *al)
{
	const char *table = c->st->name;
	if (!watched(c, table))
		return 0;
	int rc = HIT(c, "RT102", "drop column %s.%s", table, al->name);
	return rc ? rc : HIT(c, "RT302", "drop column %s.%s", table, al->name);
}

static int act_rename_column(check *c, const rt__alter *al)
{
	if (!watched(c, c->st->name))
		return 0;
	return HIT(c, "RT304", "rename column %s.%s to %s", c->st->name, al->name, al->new_name);
}

static int act_rename_table(check *c, const rt__alter *al)
{
	if (names_has(&c->sc->created, c->st->name))
		return names_add(c->sc->a, &c->sc->created, al->new_name);
	if (!watched(c, c->st->name))
		return 0;
	return HIT(c, "RT303", "rename table %s to %s", c->st->name, al->new_name);
}

static int act_type(check *c, const rt__alter *al)
{
	const char *table = c->st->name;
	if (!watched(c, table))
		return 0;
	const char *old = old_type(c, table, al->name);
	int rc = 0;
	if (old && rt__lint_type_narrows(old, al->type))
		rc = HIT(c, "RT103", "type of %s.%s from %s to %s", table, al->name, old, al->type);
	if (!rc && is_pg(c) && (al->using_expr || rt__lint_type_rewrites(old, al->type)))
		rc = old ? HIT(c, "RT202", "type of %s.%s from %s to %s", table, al->name, old,
		               al->type)
		         : HIT(c, "RT202", "type of %s.%s to %s", table, al->name, al->type);
	return rc;
}

static int act_set_not_null(check *c, const rt__alter *al)
{
	const char *table = c->st->name;
	if (!watched(c, table))
		return 0;
	bool checked = has_not_null_check(c, table, al->name);
	int rc = 0;
	if (!checked && !names_has(&c->sc->backfilled, table))
		rc = HIT(c, "RT104", "set not null on %s.%s", table, al->name);
	if (!rc && is_pg(c) && !checked && !names_has(&c->sc->validated, table))
		rc = HIT(c, "RT204", "set not null on %s.%s", table, al->name);
	return rc;
}

static int act_add_constraint(check *c, const rt__alter *al)
{
	const char *table = c->st->name;
	const rt__constraint *k = al->constraint;
	if (k->kind == RT__CON_CHECK && k->check_expr) {
		/* CHECK (a IS NOT NULL): remember it for a later SET NOT NULL on a */
		const char *close = k->check_expr;
		while (*close == '(')
			close++;
		size_t len = strcspn(close, " )");
		char *col = rt__arena_strndup(c->sc->a, close, len);
		if (!col)
			return -RT_ERR_NOMEM;
		if (is_not_null_check(k->check_expr, col)) {
			char *key = rt__arena_printf(c->sc->a, "%s.%s", table, col);
			if (!key || names_add(c->sc->a, &c->sc->not_null, key))
				return -RT_ERR_NOMEM;
		}
		return 0;
	}
	if (k->kind != RT__CON_FOREIGN || k->not_valid || !is_pg(c) || !watched(c, table))
		return 0;
	return HIT(c, "RT203", "add foreign key %s (%s) -> %s", table,
	           k->ncolumns ? k->columns[0] : "?", k->ref_table ? k->ref_table : "?");
}

typedef int (*action_fn)(check *c, const rt__alter *al);

static const action_fn actions[] = {
    [RT__ALTER_ADD_COLUMN] = act_add_column,
    [RT__ALTER_DROP_COLUMN] = act_drop_column,
    [RT__ALTER_RENAME_COLUMN] = act_rename_column,
    [RT__ALTER_RENAME_TABLE] = act_rename_table,
    [RT__ALTER_TYPE] = act_type,
    [RT__ALTER_SET_NOT_NULL] = act_set_not_null,
    [RT__ALTER_ADD_CONSTRAINT] = act_add_constraint,
};

/* ---- statements ---------------------------------------------------------- */

static int stmt_create_table(check *c)
{
	return names_add(c->sc->a, &c->sc->created, c->st->name);
}

static int index_rules(check *c, const char *table, bool concurrently, const char *what)
{
	if (!is_pg(c))
		return 0;
	if (concurrently && c->sc->transaction)
		return HIT(c, "RT206", "%s CONCURRENTLY", what);
	if (!concurrently && table && watched(c, table))
		return HIT(c, "RT201", "%s on %s", what, table);
	return 0;
}

static int stmt_create_index(check *c)
{
	const char *what = rt__arena_printf(c->sc->a, "create index %s", c->st->name);
	return what ? index_rules(c, c->st->table->name, c->st->concurrently, what) : -RT_ERR_NOMEM;
}

static int stmt_drop_index(check *c)
{
	if (!is_pg(c) || !c->st->concurrently || !c->sc->transaction)
		return 0;
	return HIT(c, "RT206", "drop index %s CONCURRENTLY", c->st->name);
}

static int stmt_drop_table(check *c)
{
	if (!watched(c, c->st->name))
		return 0;
	int rc = HIT(c, "RT101", "drop table %s", c->st->name);
	return rc ? rc : HIT(c, "RT301", "drop table %s", c->st->name);
}

static int stmt_alter_table(check *c)
{
	int rc = 0;
	for (size_t i = 0; i < c->st->nactions && !rc; i++) {
		const rt__alter *al = &c->st->actions[i];
		size_t k = (size_t)al->kind;
		if (k < sizeof(actions) / sizeof(actions[0]) && actions[k])
			rc = actions[k](c, al);
	}
	return rc;
}

/* Statements the parser runs verbatim, read from their words: the ones
 * that tell a later rule something (VALIDATE CONSTRAINT, a backfill
 * UPDATE), and CREATE INDEX without a name. */
static const rt__token *word_at(const rt__lexed *lx, size_t i)
{
	return i < lx->ntoks ? &lx->toks[i] : &lx->toks[lx->ntoks];
}

static size_t skip_words(const rt__lexed *lx, size_t i, const char *w1, const char *w2)
{
	if (rt__tok_is(word_at(lx, i), w1) && (!w2 || rt__tok_is(word_at(lx, i + 1), w2)))
		return i + (w2 ? 2 : 1);
	return i;
}

/* The name (last part of a qualified one) starting at token i, and the
 * index after it; NULL when there is none. */
static const char *name_at(const rt__lexed *lx, size_t *i)
{
	const char *name = NULL;
	for (;;) {
		const rt__token *t = word_at(lx, *i);
		if (t->kind != RT__TOK_WORD && t->kind != RT__TOK_QIDENT)
			return name;
		name = t->value;
		const rt__token *dot = word_at(lx, *i + 1);
		*i += 1;
		if (dot->kind != RT__TOK_PUNCT || strcmp(dot->text, "."))
			return name;
		*i += 1;
	}
}

static int stmt_other(check *c)
{
	const rt__lexed *lx = c->lx;
	size_t i = 2;
	if (rt__tok_is(word_at(lx, 0), "alter") && rt__tok_is(word_at(lx, 1), "table")) {
		i = skip_words(lx, skip_words(lx, i, "if", "exists"), "only", NULL);
		const char *table = name_at(lx, &i);
		if (table && rt__tok_is(word_at(lx, i), "validate"))
			return names_add(c->sc->a, &c->sc->validated, table);
		return 0;
	}
	if (rt__tok_is(word_at(lx, 0), "update")) {
		i = skip_words(lx, 1, "only", NULL);
		const char *table = name_at(lx, &i);
		return table ? names_add(c->sc->a, &c->sc->backfilled, table) : 0;
	}
	if (rt__tok_is(word_at(lx, 0), "create")) {
		i = skip_words(lx, 1, "unique", NULL);
		if (!rt__tok_is(word_at(lx, i), "index"))
			return 0;
		bool concurrently = rt__tok_is(word_at(lx, i + 1), "concurrently");
		for (i++; i < lx->ntoks && !rt__tok_is(word_at(lx, i), "on"); i++)
			;
		i = skip_words(lx, i + 1, "only", NULL);
		return index_rules(c, name_at(lx, &i), concurrently, "create index");
	}
	return 0;
}

typedef int (*stmt_fn)(check *c);

static const stmt_fn statements[] = {
    [RT__DDL_OTHER] = stmt_other,
    [RT__DDL_CREATE_TABLE] = stmt_create_table,
    [RT__DDL_CREATE_INDEX] = stmt_create_index,
    [RT__DDL_ALTER_TABLE] = stmt_alter_table,
    [RT__DDL_DROP_TABLE] = stmt_drop_table,
    [RT__DDL_DROP_INDEX] = stmt_drop_index,
};

int rt__lint_statement(rt__lint_scope *sc, const rt__ddl_stmt *st, const rt__lexed *lx, size_t stmt,
                       int line, rt__lint_hits *out)
{
	check c = {sc, st, lx, stmt, line, out};
	size_t k = (size_t)st->kind;
	if (k < sizeof(statements) / sizeof(statements[0]) && statements[k])
		return statements[k](&c);
	return 0;
}
