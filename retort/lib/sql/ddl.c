/* ddl.c — a recursive-descent parser for the DDL of sql/ddl.h.
 *
 * The grammar functions read like the statements they accept and call the
 * schema/model.h builders to record what they find. A statement whose
 * first words we do not claim is RT__DDL_OTHER; inside a claimed statement
 * an action we do not model (ALTER TABLE ... OWNER TO) also turns the whole
 * statement into RT__DDL_OTHER (OTHER_STMT below), since it runs verbatim.
 * Expressions and types are kept as normalised token text (sql/lexer.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sql/ddl_parse.h"
#include "sql/split.h"
#include "banned.h"

/* ---- statements -------------------------------------------------------- */

static bool before(int l1, int c1, int l2, int c2)
{
	return l1 < l2 || (l1 == l2 && c1 < c2);
}

/* A standalone annotation names the column defined next (or the table when
 * it comes before CREATE); one after code on a line names the column
 * being defined there (or the table on the CREATE TABLE line). */
static void annotate(parser *p, rt__ddl_stmt *st)
{
	rt__table *t = st->table;
	if (p->table_annot)
		t->renamed_from = p->table_annot;
	for (size_t i = 0; i < p->lx.nannots; i++) {
		const rt__annotation *an = &p->lx.annots[i];
		rt__column *target = NULL;
		for (size_t k = 0; k < t->ncolumns; k++) {
			const rt__column *c = &t->columns[k];
			bool after = before(an->line, an->col, c->pos.line, c->pos.col);
			if (an->standalone && after) {
				target = &t->columns[k];
				break;
			}
			if (!an->standalone && !after)
				target = &t->columns[k];
		}
		if (target)
			target->renamed_from = an->old_name;
		else if (!an->standalone || before(an->line, an->col, st->pos.line, st->pos.col))
			t->renamed_from = an->old_name;
	}
}

static int table_element(parser *p, rt__table *t, rt_dialect dialect)
{
	if (rt__ddlp_at_table_constraint(p))
		return rt__ddlp_table_constraint(p, t);
	if (is_kw(p, "like") || is_kw(p, "exclude"))
		return rt__ddlp_skip_element(p);
	return rt__ddlp_column_def(p, t, dialect);
}

static int create_table(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	st->if_not_exists = accept_if_not_exists(p);
	int rc = rt__ddlp_need_name(p, &st->name, "a table name after CREATE TABLE");
	if (rc)
		return rc;
	if (is_kw(p, "as") || is_kw(p, "of") || is_kw(p, "partition"))
		return OTHER_STMT;
	if ((rc = rt__ddlp_expect_punct(p, "(", "'(' after the table name")))
		return rc;
	if (!(st->table = rt__ddlp_new_table(p, st->name)))
		return rt__ddlp_nomem(p);
	st->table->pos = st->pos;
	if (!accept_punct(p, ")")) {
		do
			rc = table_element(p, st->table, dialect);
		while (!rc && accept_punct(p, ","));
		if (rc ||
		    (rc = rt__ddlp_expect_punct(p, ")", "',' or ')' after the table element")))
			return rc;
	}
	st->kind = RT__DDL_CREATE_TABLE;
	annotate(p, st); /* trailing options (WITHOUT ROWID, STRICT, ...) are ignored */
	return 0;
}

/* The length of the parenthesised group text opens with ('(' at text[0]),
 * or 0 when it does not close; quoted strings and names are skipped. */
static size_t group_len(const char *text)
{
	int depth = 0;
	for (size_t i = 0; text[i]; i++) {
		char c = text[i];
		if (c == '\'' || c == '"') {
			const char *end = strchr(text + i + 1, c);
			if (!end)
				return 0;
			i = (size_t)(end - text); /* a doubled quote reopens: same scan */
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/* An expression key without parentheses around the whole of it (the
 * ordering word after them kept): "(lower(a)) DESC" is "lower(a) DESC".
 * CREATE INDEX needs them and the renderer writes them, so a key read
 * back from SQLite's stored text, which keeps them, is the same key. */
static const char *bare_expression(parser *p, const char *text)
{
	static const char *const tails[] = {"", " ASC", " DESC"};
	size_t n = text[0] == '(' ? group_len(text) : 0;
	for (size_t k = 0; n > 2 && k < sizeof(tails) / sizeof(tails[0]); k++)
		if (!strcmp(text + n, tails[k]))
			return rt__arena_printf(p->a, "%.*s%s", (int)(n - 2), text + 1, tails[k]);
	return text;
}

/* A key is a column when it is a bare name with only ordering words after
 * it; anything else is an expression, kept as text. */
static int index_key(parser *p, rt__index *ix)
{
	size_t from = p->pos;
	const char *text;
	int rc = rt__ddlp_expr_until(p, NULL, "an index key", &text);
	if (rc)
		return rc;
	const rt__token *t = &p->lx.toks[from];
	bool bare = t->kind == RT__TOK_WORD || t->kind == RT__TOK_QIDENT, desc = false;
	for (size_t k = from + 1; k < p->pos && bare; k++) {
		const rt__token *m = &p->lx.toks[k];
		desc = desc || rt__tok_is(m, "desc");
		bare = rt__tok_is(m, "asc") || rt__tok_is(m, "desc") || rt__tok_is(m, "nulls") ||
		       rt__tok_is(m, "first") || rt__tok_is(m, "last");
	}
	if (bare && t->kind == RT__TOK_WORD && (rt__keyword(t->value) & RT__KW_RESERVED))
		bare = false;
	const char *key = bare ? (desc ? rt__arena_printf(p->a, "%s DESC", t->value) : t->value)
	                       : bare_expression(p, text);
	if (!key || rt__index_add_key(p->s, ix, key, !bare))
		return rt__ddlp_nomem(p);
	return 0;
}

static int create_index(parser *p, rt__ddl_stmt *st, rt_dialect dialect, bool unique)
{
	(void)dialect;
	st->concurrently = accept(p, "concurrently");
	st->if_not_exists = accept_if_not_exists(p);
	if (is_kw(p, "on"))
		return OTHER_STMT; /* PostgreSQL names it; we cannot know the name */
	const char *table, *method = NULL;
	int rc = rt__ddlp_need_name(p, &st->name, "an index name");
	if (!rc)
		rc = rt__ddlp_expect(p, "on", "ON after the index name");
	accept(p, "only");
	if (!rc)
		rc = rt__ddlp_need_name(p, &table, "a table name after ON");
	if (!rc && accept(p, "using") && !(method = rt__ddlp_ident(p)))
		rc = rt__ddlp_fail(p, "an index method after USING");
	if (!rc && !accept_punct(p, "("))
		rc = rt__ddlp_fail(p, "'(' before the index keys");
	if (rc)
		return rc;
	rt__table *t = rt__ddlp_new_table(p, table);
	rt__index *ix = t ? rt__table_add_index(p->s, t, st->name, unique) : NULL;
	if (!ix ||
	    rt__schema_set(p->s, &ix->method, method && strcmp(method, "btree") ? method : NULL))
		return rt__ddlp_nomem(p);
	ix->pos = st->pos;
	st->table = t;
	do
		rc = index_key(p, ix);
	while (!rc && accept_punct(p, ","));
	if (rc || (rc = rt__ddlp_expect_punct(p, ")", "',' or ')' after the index key")))
		return rc;
	if (accept(p, "include") || accept(p, "with"))
		if (!is_punct(p, "(") || (rc = rt__ddlp_skip_group(p)))
			return rc ? rc : rt__ddlp_fail(p, "'(' after INCLUDE or WITH");
	if (accept(p, "where")) {
		size_t from = p->pos;
		p->pos = p->lx.ntoks;
		if (from == p->pos)
			return rt__ddlp_fail(p, "a predicate after WHERE");
		if (!(ix->where = rt__ddlp_text_of(p, from, p->pos)))
			return rt__ddlp_nomem(p);
	}
	if (!at_end(p))
		return rt__ddlp_fail(p, "WHERE or end of statement after the index keys");
	st->kind = RT__DDL_CREATE_INDEX;
	return 0;
}

static int create_type(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	(void)dialect;
	int rc = rt__ddlp_need_name(p, &st->name, "a type name after CREATE TYPE");
	if (rc || !accept2(p, "as", "enum"))
		return rc ? rc : OTHER_STMT;
	rt__enum *e = rt__arena_alloc(p->a, sizeof(*e));
	if (!e || rt__schema_set(p->s, &e->name, st->name))
		return rt__ddlp_nomem(p);
	e->pos = st->pos;
	st->enum_type = e;
	if ((rc = rt__ddlp_expect_punct(p, "(", "'(' after AS ENUM")))
		return rc;
	if (!accept_punct(p, ")")) {
		do {
			if (cur(p)->kind != RT__TOK_STRING)
				return rt__ddlp_fail(p, "a string for an enum value");
			if (rt__enum_add_value(p->s, e, cur(p)->value))
				return rt__ddlp_nomem(p);
			p->pos++;
		} while (accept_punct(p, ","));
		if ((rc = rt__ddlp_expect_punct(p, ")", "',' or ')' after the enum value")))
			return rc;
	}
	st->kind = RT__DDL_CREATE_ENUM;
	return at_end(p) ? 0 : rt__ddlp_fail(p, "end of statement after the enum values");
}

/* ---- ALTER TABLE ------------------------------------------------------- */

typedef int (*alter_fn)(parser *p, rt__alter *al, rt_dialect dialect);

static int act_add(parser *p, rt__alter *al, rt_dialect dialect)
{
	rt__table *t = rt__ddlp_new_table(p, NULL);
	if (!t)
		return rt__ddlp_nomem(p);
	if (rt__ddlp_at_table_constraint(p)) {
		al->kind = RT__ALTER_ADD_CONSTRAINT;
		int rc = rt__ddlp_table_constraint(p, t);
		al->constraint = t->constraints;
		return rc;
	}
	accept(p, "column");
	al->kind = RT__ALTER_ADD_COLUMN;
	al->if_not_exists = accept_if_not_exists(p);
	int rc = rt__ddlp_column_def(p, t, dialect);
	al->column = t->columns;
	al->column_constraints = t->constraints;
	al->ncolumn_constraints = t->nconstraints;
	return rc;
}

static int act_drop(parser *p, rt__alter *al, rt_dialect dialect)
{
	(void)dialect;
	al->kind = accept(p, "constraint") ? RT__ALTER_DROP_CONSTRAINT : RT__ALTER_DROP_COLUMN;
	if (al->kind == RT__ALTER_DROP_COLUMN)
		accept(p, "column");
	al->if_exists = accept2(p, "if", "exists");
	if (!(al->name = rt__ddlp_ident(p)))
		return rt__ddlp_fail(p, al->kind == RT__ALTER_DROP_COLUMN
		                            ? "a column name after DROP"
		                            : "a constraint name after DROP "
		                              "CONSTRAINT");
	if (!accept(p, "cascade"))
		accept(p, "restrict");
	return 0;
}

static int act_rename(parser *p, rt__alter *al, rt_dialect dialect)
{
	(void)dialect;
	if (accept(p, "to")) {
		al->kind = RT__ALTER_RENAME_TABLE;
		return (al->new_name = rt__ddlp_ident(p))
		           ? 0
		           : rt__ddlp_fail(p, "a table name after RENAME TO");
	}
	if (is_kw(p, "constraint"))
		return OTHER_STMT;
	accept(p, "column");
	al->kind = RT__ALTER_RENAME_COLUMN;
	if (!(al->name = rt__ddlp_ident(p)))
		return rt__ddlp_fail(p, "a column name after RENAME");
	int rc = rt__ddlp_expect(p, "to", "TO after the column name");
	if (!rc && !(al->new_name = rt__ddlp_ident(p)))
		rc = rt__ddlp_fail(p, "a new column name after TO");
	return rc;
}

static int alter_type(parser *p, rt__alter *al, rt_dialect dialect)
{
	al->kind = RT__ALTER_TYPE;
	int rc = rt__ddlp_type_name(p, dialect, &al->type);
	if (!rc && !al->type)
		rc = rt__ddlp_fail(p, "a type after TYPE");
	if (!rc && accept(p, "collate") && !rt__ddlp_qualified(p))
		rc = rt__ddlp_fail(p, "a collation name after COLLATE");
	if (!rc && accept(p, "using"))
		rc = rt__ddlp_expr_until(p, NULL, "an expression after USING", &al->using_expr);
	return rc;
}

static int act_alter(parser *p, rt__alter *al, rt_dialect dialect)
{
	accept(p, "column");
	if (!(al->name = rt__ddlp_ident(p)))
		return rt__ddlp_fail(p, "a column name after ALTER");
	if (accept(p, "type") || (is_kw(p, "set") && rt__tok_is(ahead(p, 1), "data") &&
	                          rt__tok_is(ahead(p, 2), "type") && (p->pos += 3)))
		return alter_type(p, al, dialect);
	if (accept(p, "set")) {
		if (accept2(p, "not", "null"))
			return al->kind = RT__ALTER_SET_NOT_NULL, 0;
		if (!accept(p, "default"))
			return OTHER_STMT;
		al->kind = RT__ALTER_SET_DEFAULT;
		return rt__ddlp_expr_until(p, NULL, "an expression after SET DEFAULT", &al->expr);
	}
	if (accept2(p, "drop", "default"))
		return al->kind = RT__ALTER_DROP_DEFAULT, 0;
	if (accept(p, "drop") && accept2(p, "not", "null"))
		return al->kind = RT__ALTER_DROP_NOT_NULL, 0;
	return OTHER_STMT;
}

static const struct {
	const char *word;
	alter_fn fn;
} alter_actions[] = {
    {"add", act_add},
    {"drop", act_drop},
    {"rename", act_rename},
    {"alter", act_alter},
};

static int alter_action(parser *p, rt__alter *al, rt_dialect dialect)
{
	for (size_t i = 0; i < sizeof(alter_actions) / sizeof(alter_actions[0]); i++)
		if (accept(p, alter_actions[i].word))
			return alter_actions[i].fn(p, al, dialect);
	return OTHER_STMT;
}

static int alter_table(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	st->if_exists = accept2(p, "if", "exists");
	accept(p, "only");
	int rc = rt__ddlp_need_name(p, &st->name, "a table name after ALTER TABLE");
	size_t cap = 0;
	while (!rc) {
		if (st->nactions >= cap) {
			rt__alter *grown = rt__arena_grow(p->a, st->actions, st->nactions, &cap,
			                                  sizeof(rt__alter));
			if (!grown)
				return rt__ddlp_nomem(p);
			st->actions = grown;
		}
		rt__alter *al = &st->actions[st->nactions++];
		memset(al, 0, sizeof(*al));
		if ((rc = alter_action(p, al, dialect)) || !accept_punct(p, ","))
			break;
	}
	if (!rc && !at_end(p))
		rc = rt__ddlp_fail(p, "',' or end of statement after the ALTER TABLE action");
	st->kind = RT__DDL_ALTER_TABLE;
	return rc;
}

static int alter_enum(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	(void)dialect;
	int rc = rt__ddlp_need_name(p, &st->name, "a type name after ALTER TYPE");
	if (rc || !accept2(p, "add", "value"))
		return rc ? rc : OTHER_STMT;
	st->if_not_exists = accept_if_not_exists(p);
	if (cur(p)->kind != RT__TOK_STRING)
		return rt__ddlp_fail(p, "a string after ADD VALUE");
	st->text = cur(p)->value;
	p->pos++;
	if (is_kw(p, "before") || is_kw(p, "after")) {
		st->anchor_before = accept(p, "before");
		accept(p, "after");
		if (cur(p)->kind != RT__TOK_STRING)
			return rt__ddlp_fail(p, "a string after BEFORE or AFTER");
		st->anchor = cur(p)->value;
		p->pos++;
	}
	st->kind = RT__DDL_ALTER_ENUM;
	return at_end(p) ? 0 : rt__ddlp_fail(p, "end of statement after the enum value");
}

/* ---- DROP and COMMENT ON ------------------------------------------------ */

static int drop_object(parser *p, rt__ddl_stmt *st, rt__ddl_kind kind)
{
	if (kind == RT__DDL_DROP_INDEX)
		st->concurrently = accept(p, "concurrently");
	st->if_exists = accept2(p, "if", "exists");
	int rc = rt__ddlp_need_name(p, &st->name, "a name after DROP");
	if (rc || is_punct(p, ","))
		return rc ? rc : OTHER_STMT;
	if (!accept(p, "cascade"))
		accept(p, "restrict");
	st->kind = kind;
	return at_end(p) ? 0 : rt__ddlp_fail(p, "end of statement after the name");
}

static int drop_table(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	(void)dialect;
	return drop_object(p, st, RT__DDL_DROP_TABLE);
}

static int drop_index(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	(void)dialect;
	return drop_object(p, st, RT__DDL_DROP_INDEX);
}

static int drop_type(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	(void)dialect;
	return drop_object(p, st, RT__DDL_DROP_TYPE);
}

static int comment_on(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	(void)dialect;
	bool column = accept(p, "column");
	if (!column && !accept(p, "table"))
		return OTHER_STMT;
	const char *parts[3] = {NULL, NULL, NULL};
	size_t n = 0;
	do {
		const char *part = rt__ddlp_ident(p);
		if (!part)
			return rt__ddlp_fail(p, "a name after COMMENT ON %s",
			                     column ? "COLUMN" : "TABLE");
		parts[n < 3 ? n++ : 2] = part;
	} while (accept_punct(p, "."));
	if (column && n < 2)
		return rt__ddlp_fail(p, "'.' and a column name after the table name");
	st->name = column ? parts[n - 2] : parts[n - 1];
	st->column = column ? parts[n - 1] : NULL;
	int rc = rt__ddlp_expect(p, "is", "IS after the object name");
	if (rc)
		return rc;
	if (cur(p)->kind == RT__TOK_STRING)
		st->text = cur(p)->value;
	else if (!rt__tok_is(cur(p), "null"))
		return rt__ddlp_fail(p, "a string or NULL after IS");
	p->pos++;
	st->kind = RT__DDL_COMMENT;
	return at_end(p) ? 0 : rt__ddlp_fail(p, "end of statement after the comment");
}

/* ---- entry points ------------------------------------------------------ */

static int create_unique_index(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	return accept(p, "index") ? create_index(p, st, dialect, true) : OTHER_STMT;
}

static int create_plain_index(parser *p, rt__ddl_stmt *st, rt_dialect dialect)
{
	return create_index(p, st, dialect, false);
}

typedef int (*stmt_fn)(parser *p, rt__ddl_stmt *st, rt_dialect dialect);

/* The statements we claim, by their first two words. */
static const struct {
	const char *w1, *w2;
	stmt_fn fn;
} statements[] = {
    {"create", "table", create_table},
    {"create", "index", create_plain_index},
    {"create", "unique", create_unique_index},
    {"create", "type", create_type},
    {"alter", "table", alter_table},
    {"alter", "type", alter_enum},
    {"drop", "table", drop_table},
    {"drop", "index", drop_index},
    {"drop", "type", drop_type},
    {"comment", "on", comment_on},
};

static int parse(parser *p, rt__ddl_stmt *out, rt_dialect dialect)
{
	out->pos = pos_of(p, cur(p));
	for (size_t i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
		if (!accept2(p, statements[i].w1, statements[i].w2))
			continue;
		int rc = statements[i].fn(p, out, dialect);
		if (rc != OTHER_STMT)
			return rc;
		rt__srcpos pos = out->pos;
		memset(out, 0, sizeof(*out));
		out->pos = pos;
		return 0;
	}
	return 0;
}

static int parse_with(rt__arena *a, rt__schema *scratch, const char *file, int line,
                      const char *sql, size_t len, rt_dialect dialect, const char *table_annot,
                      rt__ddl_stmt *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	parser p = {.a = a, .s = scratch, .file = file, .err = err, .table_annot = table_annot};
	int rc = rt__lex(a, file, line, sql, len, dialect, &p.lx, err);
	return rc ? rc : parse(&p, out, dialect);
}

int rt__ddl_parse(rt__arena *a, rt__schema *scratch, const char *file, int line, const char *sql,
                  size_t len, rt_dialect dialect, rt__ddl_stmt *out, rt_error *err)
{
	return parse_with(a, scratch, file, line, sql, len, dialect, NULL, out, err);
}

/* The renamed-from annotation on the comment lines just above `line`,
 * looking no further up than line floor + 1. */
static int leading_annotation(rt__arena *a, const char *file, const char *sql, size_t len,
                              const size_t *starts, int line, int floor, rt_dialect dialect,
                              const char **out, rt_error *err)
{
	*out = NULL;
	for (int l = line - 1; l > floor; l--) {
		size_t from = starts[l - 1], to = starts[l] - 1; /* without the '\n' */
		while (from < to && (sql[from] == ' ' || sql[from] == '\t'))
			from++;
		if (from == to || (from + 1 == to && sql[from] == '\r'))
			continue;
		if (to - from < 2 || sql[from] != '-' || sql[from + 1] != '-')
			return 0;
		rt__lexed lx;
		int rc = rt__lex(a, file, l, sql + from, to - from, dialect, &lx, err);
		if (rc || lx.nannots) {
			*out = rc ? NULL : lx.annots[0].old_name;
			return rc;
		}
	}
	(void)len;
	return 0;
}

/* Offsets of the start of each line; starts[k] is line k + 1, and one more
 * entry past the end so every line has an end. */
static size_t *line_starts(rt__arena *a, const char *sql, size_t len, int *nlines)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += sql[i] == '\n';
	size_t *starts = rt__arena_array(a, n + 1, sizeof(size_t));
	if (!starts)
		return NULL;
	size_t k = 1;
	for (size_t i = 0; i < len; i++)
		if (sql[i] == '\n')
			starts[k++] = i + 1;
	starts[n] = len + 1;
	*nlines = (int)n;
	return starts;
}

int rt__ddl_parse_script(rt__arena *a, rt__schema *scratch, const char *file, const char *sql,
                         size_t len, rt_dialect dialect, rt__ddl_stmt **out, size_t *n,
                         rt_error *err)
{
	rt__stmt *stmts;
	int nlines, floor = 0;
	int rc = rt__sql_split(a, file, sql, len, 1, dialect, &stmts, n, err);
	if (rc)
		return rc;
	size_t *starts = line_starts(a, sql, len, &nlines);
	*out = rt__arena_array(a, *n ? *n : 1, sizeof(rt__ddl_stmt));
	if (!starts || !*out)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory while parsing SQL");
	for (size_t i = 0; i < *n; i++) {
		const rt__stmt *s = &stmts[i];
		const char *annot;
		if (s->line > nlines)
			return rt_error_set(err, RT_ERR_PARSE, "statement line %d outside the text",
			                    s->line);
		rc = leading_annotation(a, file, sql, len, starts, s->line, floor, dialect, &annot,
		                        err);
		if (!rc)
			rc = parse_with(a, scratch, file, s->line, s->sql, s->len, dialect, annot,
			                &(*out)[i], err);
		if (rc)
			return rc;
		floor = s->line;
		for (size_t k = 0; k < s->len; k++)
			floor += s->sql[k] == '\n';
	}
	return 0;
}
