/* sqlite_introspect.c — reads a SQLite schema into the schema model.
 *
 * Four queries whatever the number of tables: sqlite_master joined with the
 * table-valued pragma functions (table_xinfo, foreign_key_list, index_list
 * with index_xinfo), so no per-table round trips. Types and defaults are as
 * declared; foreign keys come with their actions (NO ACTION is NULL).
 * Indexes of origin 'c' are indexes; those of origin 'u' are UNIQUE
 * constraints; the primary key comes from table_xinfo's pk order.
 *
 * What only the stored CREATE text tells (CHECK constraints, constraint
 * names, DEFERRABLE, AUTOINCREMENT, expression keys, a partial index's
 * predicate) comes from the DDL parser, which also normalises the spelling
 * of defaults and expressions; when it does not understand a statement
 * SQLite accepted, a small token scan still finds AUTOINCREMENT and the
 * index keys and predicate.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect/dialect.h"
#include "sql/ddl.h"
#include "banned.h"

/* %s: the schema's sqlite_master, e.g. "main".sqlite_master */
#define USER_TABLES(m) m ".type = 'table' AND " m ".name NOT LIKE 'sqlite\\_%%' ESCAPE '\\'"

static const char q_tables[] =
    "SELECT m.name, m.sql FROM %s AS m WHERE " USER_TABLES("m") " ORDER BY m.name";

static const char q_columns[] =
    "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
    "FROM %s AS m JOIN pragma_table_xinfo(m.name, $1) AS p "
    "WHERE " USER_TABLES("m") " ORDER BY m.name, p.cid";

static const char q_foreign[] =
    "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
    "FROM %s AS m JOIN pragma_foreign_key_list(m.name, $1) AS f "
    "WHERE " USER_TABLES("m") " ORDER BY m.name, f.id, f.seq";

static const char q_indexes[] =
    "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, x.cid, x.name, x.\"desc\", "
    " s.sql "
    "FROM %s AS m JOIN pragma_index_list(m.name, $1) AS il "
    "JOIN pragma_index_xinfo(il.name, $1) AS x "
    "LEFT JOIN %s AS s ON s.type = 'index' AND s.name = il.name "
    "WHERE " USER_TABLES("m") " AND il.origin IN ('c', 'u') AND x.\"key\" = 1 "
                              "ORDER BY m.name, il.name, x.seqno";

typedef struct name_entry {
	const char *name;
	size_t table; /* index into the schema's tables */
} name_entry;

typedef struct intro {
	rt__db *db;
	rt__arena tmp; /* query results; released at the end */
	rt__schema *s;
	const char *schema; /* "main" unless told */
	const char *master; /* quoted "<schema>".sqlite_master */
	name_entry *names;  /* tables by name, for attaching rows */
	size_t nnames;
	const char **sqls; /* stored CREATE TABLE text per table */
	rt_error *err;
} intro;

static const char *cell(const rt__rows *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}

static bool is_one(const char *v)
{
	return v && v[0] == '1' && !v[1];
}

static int nomem(intro *in)
{
	return rt_error_set(in->err, RT_ERR_NOMEM, "out of memory");
}

static int query(intro *in, const char *fmt, rt__rows *out)
{
	const char *sql = rt__arena_printf(&in->tmp, fmt, in->master, in->master);
	if (!sql)
		return nomem(in);
	const char *params[] = {in->schema};
	in->db->queries++;
	return in->db->ops->query(in->db, &in->tmp, sql, params, strstr(fmt, "$1") ? 1 : 0, out,
	                          in->err);
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const name_entry *)x)->name, ((const name_entry *)y)->name);
}

/* The table a row belongs to, or NULL for a skipped table. */
static rt__table *table_of(intro *in, const char *name)
{
	name_entry key = {name ? name : "", 0};
	name_entry *e =
	    in->nnames ? bsearch(&key, in->names, in->nnames, sizeof(*in->names), by_name) : NULL;
	return e ? &in->s->tables[e->table] : NULL;
}

/* ---- the stored CREATE text ---------------------------------------------- */

typedef struct tok {
	const char *p;
	size_t n; /* 0 at the end of the text */
} tok;

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

static const char *skip_space(const char *p)
{
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/* The next token: a quoted string or name, a word, or one other character. */
static tok next_tok(const char **pos)
{
	const char *p = skip_space(*pos);
	tok t = {p, 0};
	char close = *p == '[' ? ']' : (*p == '\'' || *p == '"' || *p == '`') ? *p : 0;
	if (close) {
		const char *q = p + 1;
		while (*q && !(*q == close && q[1] != close))
			q += (*q == close) ? 2 : 1;
		t.n = (size_t)(q - p) + (*q ? 1 : 0);
	} else if (word_char(*p)) {
		while (word_char(p[t.n]))
			t.n++;
	} else if (*p) {
		t.n = 1;
	}
	*pos = p + t.n;
	return t;
}

static bool tok_is(tok t, const char *word)
{
	return t.n == strlen(word) && !strncasecmp(t.p, word, t.n);
}

/* The tokens between start and end as text, without the space and comments
 * around them, a final ';', or (for index keys) a trailing ASC/DESC that
 * index_xinfo reports. */
static const char *span(intro *in, const char *start, const char *end, bool key)
{
	const char *p = start, *first = NULL, *last = NULL;
	for (tok t = next_tok(&p); t.n && t.p < end; t = next_tok(&p)) {
		bool order = key && (tok_is(t, "ASC") || tok_is(t, "DESC"));
		first = first ? first : t.p;
		if (!order && !(t.n == 1 && *t.p == ';'))
			last = t.p + t.n;
	}
	if (!first || !last)
		return rt__arena_strdup(&in->tmp, "");
	return rt__arena_strndup(&in->tmp, first, (size_t)(last - first));
}

static bool has_autoincrement(const char *sql)
{
	const char *p = sql ? sql : "";
	for (tok t = next_tok(&p); t.n; t = next_tok(&p))
		if (tok_is(t, "AUTOINCREMENT"))
			return true;
	return false;
}

/* A CREATE INDEX statement's key texts and WHERE predicate. */
typedef struct index_text {
	const char *keys[64];
	size_t nkeys;
	const char *where;
} index_text;

/* Without the parser: the key list split at top-level commas. */
static int scan_index(intro *in, const char *sql, index_text *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = sql ? sql : "";
	tok t = next_tok(&p);
	while (t.n && !(t.n == 1 && *t.p == '('))
		t = next_tok(&p);
	const char *start = p;
	int depth = 1;
	for (t = next_tok(&p); t.n; t = next_tok(&p)) {
		bool open = t.n == 1 && *t.p == '(', close = t.n == 1 && *t.p == ')';
		depth += open - close;
		if ((depth == 1 && t.n == 1 && *t.p == ',') || depth == 0) {
			if (out->nkeys == sizeof(out->keys) / sizeof(out->keys[0]))
				return rt_error_set(in->err, RT_ERR_DB, "index with too many keys");
			if (!(out->keys[out->nkeys++] = span(in, start, t.p, true)))
				return nomem(in);
			start = p;
		}
		if (depth == 0)
			break;
	}
	if (depth == 0 && tok_is(next_tok(&p), "WHERE")) {
		if (!(out->where = span(in, p, p + strlen(p), false)))
			return nomem(in);
	}
	return 0;
}

/* The stored statement as the DDL parser reads it (normalised token
 * text), or NULL when it does not understand it: SQLite accepted the
 * statement, so the pragmas' facts stand and the text scan fills in. */
static rt__table *parse_stored(intro *in, const char *sql, rt__ddl_kind kind)
{
	rt__schema scratch;
	rt__schema_init(&scratch, &in->tmp, RT_DIALECT_SQLITE);
	rt__ddl_stmt st;
	rt_error ignored;
	if (!sql || rt__ddl_parse(&in->tmp, &scratch, "sqlite_master", 1, sql, strlen(sql),
	                          RT_DIALECT_SQLITE, &st, &ignored))
		return NULL;
	return st.kind == kind ? st.table : NULL;
}

/* An expression key without the ordering index_xinfo reports. */
static const char *without_order(intro *in, const char *key)
{
	static const char *const words[] = {" ASC", " DESC"};
	size_t n = strlen(key);
	for (size_t i = 0; i < 2; i++) {
		size_t w = strlen(words[i]);
		if (n > w && !strcasecmp(key + n - w, words[i]))
			return rt__arena_strndup(&in->tmp, key, n - w);
	}
	return key;
}

static int stored_index(intro *in, const char *sql, index_text *out)
{
	rt__table *t = parse_stored(in, sql, RT__DDL_CREATE_INDEX);
	if (!t || t->nindexes != 1 || t->indexes[0].nkeys > sizeof(out->keys) / sizeof(char *))
		return scan_index(in, sql, out);
	memset(out, 0, sizeof(*out));
	const rt__index *ix = &t->indexes[0];
	for (size_t k = 0; k < ix->nkeys; k++)
		if (!(out->keys[out->nkeys++] = without_order(in, ix->keys[k])))
			return nomem(in);
	out->where = ix->where;
	return 0;
}

static bool same_names(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcasecmp(a[i], b[i]))
			return false;
	return true;
}

/* Our unnamed constraint that the parsed one describes, or NULL. */
static rt__constraint *counterpart(rt__table *t, const rt__constraint *pc)
{
	for (size_t i = 0; i < t->nconstraints; i++) {
		rt__constraint *c = &t->constraints[i];
		if (c->kind != pc->kind || c->name ||
		    !same_names(c->columns, c->ncolumns, pc->columns, pc->ncolumns))
			continue;
		if (c->kind != RT__CON_FOREIGN ||
		    (c->ref_table && pc->ref_table && !strcasecmp(c->ref_table, pc->ref_table)))
			return c;
	}
	return NULL;
}

/* CHECK constraints, constraint names, DEFERRABLE: only in the text. */
static int merge_constraint(intro *in, rt__table *t, const rt__constraint *pc)
{
	if (pc->kind == RT__CON_CHECK) {
		rt__constraint *c = rt__table_add_constraint(in->s, t, RT__CON_CHECK, pc->name);
		return c && !rt__schema_set(in->s, &c->check_expr, pc->check_expr) ? 0 : nomem(in);
	}
	rt__constraint *c = counterpart(t, pc);
	if (!c)
		return 0;
	c->deferrable = pc->deferrable;
	c->initially_deferred = pc->initially_deferred;
	return rt__schema_set(in->s, &c->name, pc->name) ? nomem(in) : 0;
}

/* What the pragmas do not report about a table; defaults are taken in the
 * parser's normalised form so spelling differences between a model file
 * and a rendered migration do not show. */
static int stored_table(intro *in, rt__table *t, const char *sql)
{
	rt__table *p = parse_stored(in, sql, RT__DDL_CREATE_TABLE);
	if (!p) {
		rt__constraint *pk = rt__table_primary_key(t);
		rt__column *c =
		    pk && pk->ncolumns == 1 ? rt__table_column(t, pk->columns[0]) : NULL;
		if (c && has_autoincrement(sql))
			c->autoincrement = true;
		return 0;
	}
	for (size_t i = 0; i < t->ncolumns; i++) {
		rt__column *c = &t->columns[i];
		const rt__column *pc = NULL;
		for (size_t k = 0; k < p->ncolumns && !pc; k++)
			if (!strcasecmp(p->columns[k].name, c->name))
				pc = &p->columns[k];
		if (!pc)
			continue;
		c->autoincrement = pc->autoincrement;
		if (c->default_expr && pc->default_expr &&
		    rt__schema_set(in->s, &c->default_expr, pc->default_expr))
			return nomem(in);
	}
	int rc = 0;
	for (size_t i = 0; i < p->nconstraints && !rc; i++)
		rc = merge_constraint(in, t, &p->constraints[i]);
	return rc;
}

/* ---- the pragmas ----------------------------------------------------------- */

static bool skipped(const char *name, const char *const *skip, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++)
		if (skip[i] && !strcmp(skip[i], name))
			return true;
	return false;
}

static int read_tables(intro *in, const char *const *skip, size_t nskip)
{
	rt__rows r;
	int rc = query(in, q_tables, &r);
	if (rc)
		return rc;
	in->names = rt__arena_array(&in->tmp, r.nrows + 1, sizeof(name_entry));
	in->sqls = rt__arena_array(&in->tmp, in->s->ntables + r.nrows + 1, sizeof(char *));
	if (!in->names || !in->sqls)
		return nomem(in);
	for (size_t i = 0; i < r.nrows; i++) {
		const char *name = cell(&r, i, 0);
		if (skipped(name, skip, nskip))
			continue;
		if (!rt__schema_add_table(in->s, name))
			return nomem(in);
		in->names[in->nnames].name = name;
		in->names[in->nnames].table = in->s->ntables - 1;
		in->sqls[in->s->ntables - 1] = cell(&r, i, 1);
		in->nnames++;
	}
	qsort(in->names, in->nnames, sizeof(*in->names), by_name);
	return 0;
}

/* Rows first..end-1 are one table's columns; pk holds each one's position
 * in the primary key (0: not part of it). */
static int add_primary_key(intro *in, const rt__rows *r, size_t first, size_t end, rt__table *t)
{
	rt__constraint *pk = NULL;
	for (long want = 1; want <= (long)(end - first); want++) {
		for (size_t i = first; i < end; i++) {
			if (strtol(cell(r, i, 5), NULL, 10) != want || is_one(cell(r, i, 6)))
				continue;
			if (!pk &&
			    !(pk = rt__table_add_constraint(in->s, t, RT__CON_PRIMARY, NULL)))
				return nomem(in);
			if (rt__constraint_add_column(in->s, pk, cell(r, i, 1)))
				return nomem(in);
		}
	}
	return 0;
}

static int read_columns(intro *in)
{
	rt__rows r;
	int rc = query(in, q_columns, &r);
	if (rc)
		return rc;
	size_t first = 0;
	for (size_t i = 0; i < r.nrows; i++) {
		if (i && strcmp(cell(&r, i - 1, 0), cell(&r, i, 0)))
			first = i;
		rt__table *t = table_of(in, cell(&r, i, 0));
		if (!t)
			continue;
		if (!is_one(cell(&r, i, 6))) { /* hidden: a virtual table's own */
			rt__column *c =
			    rt__table_add_column(in->s, t, cell(&r, i, 1), cell(&r, i, 2));
			if (!c || rt__schema_set(in->s, &c->default_expr, cell(&r, i, 4)))
				return nomem(in);
			c->not_null = is_one(cell(&r, i, 3));
		}
		bool last = i + 1 == r.nrows || strcmp(cell(&r, i + 1, 0), cell(&r, i, 0));
		if (last && (rc = add_primary_key(in, &r, first, i + 1, t)))
			return rc;
	}
	return 0;
}

static const char *fk_action(const char *v)
{
	return (!v || !strcmp(v, "NO ACTION")) ? NULL : v;
}

/* "REFERENCES parent" without columns means the parent's primary key. */
static int resolve_ref_columns(intro *in, rt__constraint *c)
{
	const rt__table *parent = c->ref_table ? rt__schema_table(in->s, c->ref_table) : NULL;
	const rt__constraint *pk = parent ? rt__table_primary_key(parent) : NULL;
	for (size_t k = 0; pk && k < pk->ncolumns; k++)
		if (rt__constraint_add_ref_column(in->s, c, pk->columns[k]))
			return nomem(in);
	return 0;
}

static int read_foreign_keys(intro *in)
{
	rt__rows r;
	int rc = query(in, q_foreign, &r);
	if (rc)
		return rc;
	for (size_t i = 0; i < r.nrows; i++) {
		rt__table *t = table_of(in, cell(&r, i, 0));
		if (!t)
			continue;
		bool first = !i || strcmp(cell(&r, i - 1, 0), cell(&r, i, 0)) ||
		             strcmp(cell(&r, i - 1, 1), cell(&r, i, 1));
		if (first) {
			rt__constraint *c =
			    rt__table_add_constraint(in->s, t, RT__CON_FOREIGN, NULL);
			if (!c || rt__schema_set(in->s, &c->ref_table, cell(&r, i, 2)) ||
			    rt__schema_set(in->s, &c->on_update, fk_action(cell(&r, i, 5))) ||
			    rt__schema_set(in->s, &c->on_delete, fk_action(cell(&r, i, 6))))
				return nomem(in);
		}
		rt__constraint *c = &t->constraints[t->nconstraints - 1];
		if (rt__constraint_add_column(in->s, c, cell(&r, i, 3)) ||
		    (cell(&r, i, 4) && rt__constraint_add_ref_column(in->s, c, cell(&r, i, 4))))
			return nomem(in);
	}
	for (size_t i = 0; i < in->s->ntables; i++) {
		rt__table *t = &in->s->tables[i];
		for (size_t k = 0; k < t->nconstraints; k++) {
			rt__constraint *c = &t->constraints[k];
			if (c->kind == RT__CON_FOREIGN && !c->nref_columns &&
			    (rc = resolve_ref_columns(in, c)))
				return rc;
		}
	}
	return 0;
}

/* The first row of an index: a UNIQUE constraint (origin 'u') or an index
 * with its predicate and the texts of its expression keys. */
static int start_index(intro *in, const rt__rows *r, size_t i, rt__table *t, index_text *text)
{
	if (!strcmp(cell(r, i, 3), "u"))
		return rt__table_add_constraint(in->s, t, RT__CON_UNIQUE, NULL) ? 0 : nomem(in);
	int rc = stored_index(in, cell(r, i, 8), text);
	if (rc)
		return rc;
	rt__index *ix = rt__table_add_index(in->s, t, cell(r, i, 1), is_one(cell(r, i, 2)));
	if (!ix || (is_one(cell(r, i, 4)) && rt__schema_set(in->s, &ix->where, text->where)))
		return nomem(in);
	return 0;
}

static int add_index_key(intro *in, const rt__rows *r, size_t i, rt__index *ix,
                         const index_text *text)
{
	bool expr = strtol(cell(r, i, 5), NULL, 10) == -2;
	const char *key = cell(r, i, 6);
	if (expr)
		key = ix->nkeys < text->nkeys ? text->keys[ix->nkeys] : "";
	if (is_one(cell(r, i, 7)))
		key = rt__arena_printf(&in->tmp, "%s DESC", key ? key : "");
	return (key && !rt__index_add_key(in->s, ix, key, expr)) ? 0 : nomem(in);
}

static int read_indexes(intro *in)
{
	rt__rows r;
	int rc = query(in, q_indexes, &r);
	if (rc)
		return rc;
	index_text text = {0};
	for (size_t i = 0; i < r.nrows; i++) {
		rt__table *t = table_of(in, cell(&r, i, 0));
		if (!t)
			continue;
		bool first = !i || strcmp(cell(&r, i - 1, 0), cell(&r, i, 0)) ||
		             strcmp(cell(&r, i - 1, 1), cell(&r, i, 1));
		if (first && (rc = start_index(in, &r, i, t, &text)))
			return rc;
		if (!strcmp(cell(&r, i, 3), "u")) {
			rt__constraint *c = &t->constraints[t->nconstraints - 1];
			if (rt__constraint_add_column(in->s, c, cell(&r, i, 6)))
				return nomem(in);
		} else if ((rc = add_index_key(in, &r, i, &t->indexes[t->nindexes - 1], &text))) {
			return rc;
		}
	}
	return 0;
}

int rt__sqlite_introspect(rt__db *db, const char *schema, const char *const *skip_tables,
                          size_t nskip, rt__schema *out, rt_error *err)
{
	intro in = {.db = db, .s = out, .err = err, .schema = schema ? schema : "main"};
	rt__arena_init(&in.tmp);
	rt_buf master = RT_BUF_INIT;
	int rc = 0;
	if (rt_buf_add_ident(&master, in.schema) || rt_buf_puts(&master, ".sqlite_master") ||
	    rt__schema_set(out, &out->schema_name, in.schema) ||
	    !(in.master = rt__arena_strdup(&in.tmp, master.data)))
		rc = nomem(&in);
	rt_buf_release(&master);
	size_t before = out->ntables;
	if (!rc)
		rc = read_tables(&in, skip_tables, nskip);
	if (!rc)
		rc = read_columns(&in);
	if (!rc)
		rc = read_foreign_keys(&in);
	if (!rc)
		rc = read_indexes(&in);
	for (size_t i = before; !rc && i < out->ntables; i++)
		rc = stored_table(&in, &out->tables[i], in.sqls[i]);
	rt__arena_release(&in.tmp);
	if (!rc)
		rt__schema_sort(out);
	return rc;
}
