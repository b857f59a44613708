/* dump.c — the canonical text form of a schema model (see schema/dump.h).
 *
 * Each fact of a table is rendered to its own line first and the lines are
 * sorted as text, so the order of objects in the model never shows. */
#include <stdlib.h>
#include <string.h>

#include "schema/dump.h"
#include "banned.h"

static bool plain_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '$'))
			return false;
	return true;
}

static int put_name(rt_buf *b, const char *name)
{
	name = name ? name : "";
	return plain_name(name) ? rt_buf_puts(b, name) : rt_buf_add_ident(b, name);
}

/* Free text (types, expressions): newlines escaped to keep one line. */
static int put_text(rt_buf *b, const char *s)
{
	int rc = 0;
	for (; s && *s && !rc; s++)
		rc = *s == '\n' ? rt_buf_puts(b, "\\n") : rt_buf_putc(b, *s);
	return rc;
}

static int put_literal(rt_buf *b, const char *s)
{
	int rc = rt_buf_putc(b, '\'');
	for (; s && *s && !rc; s++)
		rc = *s == '\'' ? rt_buf_puts(b, "''") : put_text(b, (const char[]){*s, '\0'});
	return rc ? rc : rt_buf_putc(b, '\'');
}

static int put_names(rt_buf *b, const char *const *names, size_t n)
{
	int rc = rt_buf_puts(b, "(");
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = rt_buf_puts(b, ", ");
		if (!rc)
			rc = put_name(b, names[i]);
	}
	return rc ? rc : rt_buf_puts(b, ")");
}

/* " <label> <value>" when value is set. */
static int opt_text(rt_buf *b, const char *label, const char *value)
{
	if (!value)
		return 0;
	return rt_buf_printf(b, " %s ", label) || put_text(b, value) ? -RT_ERR_NOMEM : 0;
}

static int flag(rt_buf *b, bool on, const char *text)
{
	return on ? rt_buf_puts(b, text) : 0;
}

/* Every rt_buf failure is RT_ERR_NOMEM, so the renderers chain with ||. */
static int column_line(rt_buf *b, const rt__column *c)
{
	bool bad =
	    rt_buf_puts(b, "column ") || put_name(b, c->name) || rt_buf_putc(b, ' ') ||
	    put_text(b, c->type) || flag(b, c->not_null, " not null") ||
	    opt_text(b, "default", c->default_expr) ||
	    (c->identity && rt_buf_printf(b, " generated %s as identity", c->identity)) ||
	    flag(b, c->autoincrement, " autoincrement") ||
	    (c->comment && (rt_buf_puts(b, " comment ") || put_literal(b, c->comment))) ||
	    (c->renamed_from && (rt_buf_puts(b, " renamed from ") || put_name(b, c->renamed_from)));
	return bad ? -RT_ERR_NOMEM : 0;
}

static const char *const con_words[] = {
    [RT__CON_PRIMARY] = "primary key",
    [RT__CON_UNIQUE] = "unique",
    [RT__CON_FOREIGN] = "foreign key",
    [RT__CON_CHECK] = "check",
};

/* A primary key's name is left out: a table has one, it is matched by its
 * columns, and PostgreSQL keeps "<old>_pkey" on a renamed table. */
static int constraint_line(rt_buf *b, const rt__constraint *c)
{
	bool named = c->name && c->kind != RT__CON_PRIMARY;
	bool bad = rt_buf_puts(b, con_words[c->kind]) ||
	           (named && (rt_buf_putc(b, ' ') || put_name(b, c->name)));
	if (c->kind == RT__CON_CHECK) {
		bad = bad || rt_buf_puts(b, " (") || put_text(b, c->check_expr) ||
		      rt_buf_putc(b, ')');
		return bad ? -RT_ERR_NOMEM : 0;
	}
	bad = bad || rt_buf_putc(b, ' ') || put_names(b, c->columns, c->ncolumns);
	if (c->kind == RT__CON_FOREIGN)
		bad = bad || rt_buf_puts(b, " references ") || put_name(b, c->ref_table) ||
		      rt_buf_putc(b, ' ') || put_names(b, c->ref_columns, c->nref_columns) ||
		      opt_text(b, "on delete", c->on_delete) ||
		      opt_text(b, "on update", c->on_update) ||
		      flag(b, c->deferrable, " deferrable") ||
		      flag(b, c->initially_deferred, " initially deferred");
	return bad ? -RT_ERR_NOMEM : 0;
}

/* Orderings a key may carry after its column name or expression. */
static const char *const key_suffixes[] = {" DESC NULLS LAST", " NULLS FIRST", " DESC"};

/* A column key is quoted like any name; its ordering is not part of it. */
static int put_key(rt_buf *b, const char *key, bool expr)
{
	size_t len = strlen(key), name_len = len;
	for (size_t i = 0; i < sizeof(key_suffixes) / sizeof(key_suffixes[0]); i++) {
		size_t n = strlen(key_suffixes[i]);
		if (len > n && !strcmp(key + len - n, key_suffixes[i])) {
			name_len = len - n;
			break;
		}
	}
	char *name = strndup(key, name_len);
	if (!name)
		return -RT_ERR_NOMEM;
	bool bad = expr ? (rt_buf_putc(b, '(') || put_text(b, name) || rt_buf_putc(b, ')'))
	                : put_name(b, name);
	free(name);
	return bad || rt_buf_puts(b, key + name_len) ? -RT_ERR_NOMEM : 0;
}

static int index_line(rt_buf *b, const rt__index *ix)
{
	bool bad =
	    rt_buf_puts(b, "index ") || put_name(b, ix->name) || flag(b, ix->unique, " unique") ||
	    (ix->method && strcmp(ix->method, "btree") && opt_text(b, "using", ix->method)) ||
	    rt_buf_puts(b, " (");
	for (size_t i = 0; i < ix->nkeys && !bad; i++) {
		bool expr = ix->key_is_expr && ix->key_is_expr[i];
		bad = (i && rt_buf_puts(b, ", ")) || put_key(b, ix->keys[i], expr);
	}
	bad = bad || rt_buf_putc(b, ')') || opt_text(b, "where", ix->where);
	return bad ? -RT_ERR_NOMEM : 0;
}

/* ---- whole tables --------------------------------------------------------- */

/* A table's fact lines, each a malloc'd string, sorted before printing. */
typedef struct lines {
	char **v;
	size_t n, cap;
} lines;

static void lines_release(lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Takes the line in b (reset afterwards) into l. */
static int lines_take(lines *l, rt_buf *b)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -RT_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	char *line = rt_buf_detach(b);
	if (!line)
		return -RT_ERR_NOMEM;
	l->v[l->n++] = line;
	return 0;
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int table_lines(const rt__table *t, lines *l)
{
	rt_buf b = RT_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < t->ncolumns && !rc; i++)
		rc = column_line(&b, &t->columns[i]) || lines_take(l, &b) ? -RT_ERR_NOMEM : 0;
	for (size_t i = 0; i < t->nconstraints && !rc; i++)
		rc = constraint_line(&b, &t->constraints[i]) || lines_take(l, &b) ? -RT_ERR_NOMEM
		                                                                  : 0;
	for (size_t i = 0; i < t->nindexes && !rc; i++)
		rc = index_line(&b, &t->indexes[i]) || lines_take(l, &b) ? -RT_ERR_NOMEM : 0;
	if (!rc && t->comment)
		rc = rt_buf_puts(&b, "comment ") || put_literal(&b, t->comment) || lines_take(l, &b)
		         ? -RT_ERR_NOMEM
		         : 0;
	if (!rc && t->renamed_from)
		rc = rt_buf_puts(&b, "renamed from ") || put_name(&b, t->renamed_from) ||
		             lines_take(l, &b)
		         ? -RT_ERR_NOMEM
		         : 0;
	rt_buf_release(&b);
	return rc;
}

static int dump_table(const rt__table *t, rt_buf *out)
{
	lines l = {0};
	int rc = table_lines(t, &l);
	if (!rc) {
		if (l.n)
			qsort(l.v, l.n, sizeof(*l.v), by_string);
		bool bad =
		    rt_buf_puts(out, "table ") || put_name(out, t->name) || rt_buf_putc(out, '\n');
		for (size_t i = 0; i < l.n && !bad; i++)
			bad = rt_buf_printf(out, "  %s\n", l.v[i]) != 0;
		rc = bad ? -RT_ERR_NOMEM : 0;
	}
	lines_release(&l);
	return rc;
}

static int dump_enum(const rt__enum *e, rt_buf *out)
{
	bool bad = rt_buf_puts(out, "enum ") || put_name(out, e->name) || rt_buf_puts(out, " (");
	for (size_t i = 0; i < e->nvalues && !bad; i++)
		bad = (i && rt_buf_puts(out, ", ")) || put_literal(out, e->values[i]);
	bad = bad || rt_buf_puts(out, ")\n");
	return bad ? -RT_ERR_NOMEM : 0;
}

static int by_table_name(const void *x, const void *y)
{
	return strcmp((*(const rt__table *const *)x)->name, (*(const rt__table *const *)y)->name);
}

static int by_enum_name(const void *x, const void *y)
{
	return strcmp((*(const rt__enum *const *)x)->name, (*(const rt__enum *const *)y)->name);
}

int rt__schema_dump(const rt__schema *s, rt_buf *out)
{
	const rt__enum **enums = calloc(s->nenums + 1, sizeof(*enums));
	const rt__table **tables = calloc(s->ntables + 1, sizeof(*tables));
	int rc = enums && tables ? 0 : -RT_ERR_NOMEM;
	for (size_t i = 0; !rc && i < s->nenums; i++)
		enums[i] = &s->enums[i];
	for (size_t i = 0; !rc && i < s->ntables; i++)
		tables[i] = &s->tables[i];
	if (!rc && s->nenums)
		qsort(enums, s->nenums, sizeof(*enums), by_enum_name);
	if (!rc && s->ntables)
		qsort(tables, s->ntables, sizeof(*tables), by_table_name);
	for (size_t i = 0; i < s->nenums && !rc; i++)
		rc = dump_enum(enums[i], out);
	for (size_t i = 0; i < s->ntables && !rc; i++)
		rc = dump_table(tables[i], out);
	free(enums);
	free(tables);
	return rc;
}
