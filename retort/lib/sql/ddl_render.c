/* ddl_render.c — CREATE TABLE text for a model table (see sql/ddl.h).
 *
 * The output is what the parser reads back into the same table: names are
 * quoted only when they must be, types and expressions are written as the
 * model holds them (already normalised text), and every constraint is a
 * table constraint — CONSTRAINT name when it has one, bare when not —
 * except SQLite's AUTOINCREMENT, which only exists on the column.
 */
#include <string.h>

#include "sql/ddl.h"
#include "sql/lexer.h"
#include "banned.h"

#define INDENT "    "

static int put_name(rt_buf *b, const char *name)
{
	return rt__ident_is_plain(name) ? rt_buf_puts(b, name) : rt_buf_add_ident(b, name);
}

static int put_names(rt_buf *b, const char *const *names, size_t n)
{
	int rc = rt_buf_putc(b, '(');
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = rt_buf_puts(b, ", ");
		if (!rc)
			rc = put_name(b, names[i]);
	}
	return rc ? rc : rt_buf_putc(b, ')');
}

static int put_con_name(rt_buf *b, const rt__constraint *c)
{
	if (!c->name)
		return 0;
	int rc = rt_buf_puts(b, "CONSTRAINT ");
	if (!rc)
		rc = put_name(b, c->name);
	return rc ? rc : rt_buf_putc(b, ' ');
}

/* The single-column primary key that SQLite must see on the column itself
 * for AUTOINCREMENT, or NULL. */
static const rt__constraint *autoincrement_pk(const rt__table *t, const rt__column *c,
                                              rt_dialect dialect)
{
	if (!c->autoincrement || dialect != RT_DIALECT_SQLITE)
		return NULL;
	const rt__constraint *pk = rt__table_primary_key(t);
	if (pk && pk->ncolumns == 1 && !strcmp(pk->columns[0], c->name))
		return pk;
	return NULL;
}

static int render_column(rt_buf *b, const rt__table *t, const rt__column *c, rt_dialect dialect)
{
	int rc = put_name(b, c->name);
	if (!rc && c->type && *c->type)
		rc = rt_buf_printf(b, " %s", c->type);
	if (!rc && c->identity && dialect != RT_DIALECT_SQLITE)
		rc = rt_buf_printf(b, " GENERATED %s AS IDENTITY", c->identity);
	if (!rc && c->not_null)
		rc = rt_buf_puts(b, " NOT NULL");
	if (!rc && c->default_expr)
		rc = rt_buf_printf(b, " DEFAULT %s", c->default_expr);
	const rt__constraint *pk = autoincrement_pk(t, c, dialect);
	if (!rc && pk) {
		rc = rt_buf_putc(b, ' ');
		if (!rc)
			rc = put_con_name(b, pk);
		if (!rc)
			rc = rt_buf_puts(b, "PRIMARY KEY AUTOINCREMENT");
	}
	return rc;
}

static int render_foreign(rt_buf *b, const rt__constraint *c)
{
	int rc = rt_buf_puts(b, "FOREIGN KEY ");
	if (!rc)
		rc = put_names(b, c->columns, c->ncolumns);
	if (!rc)
		rc = rt_buf_puts(b, " REFERENCES ");
	if (!rc)
		rc = put_name(b, c->ref_table ? c->ref_table : "");
	if (!rc && c->nref_columns) {
		rc = rt_buf_putc(b, ' ');
		if (!rc)
			rc = put_names(b, c->ref_columns, c->nref_columns);
	}
	if (!rc && c->on_delete)
		rc = rt_buf_printf(b, " ON DELETE %s", c->on_delete);
	if (!rc && c->on_update)
		rc = rt_buf_printf(b, " ON UPDATE %s", c->on_update);
	if (!rc && c->deferrable)
		rc = rt_buf_puts(b, " DEFERRABLE");
	if (!rc && c->deferrable && c->initially_deferred)
		rc = rt_buf_puts(b, " INITIALLY DEFERRED");
	return rc;
}

int rt__ddl_render_constraint(rt_buf *b, const rt__constraint *c)
{
	static const char *const keywords[] = {
	    [RT__CON_PRIMARY] = "PRIMARY KEY ",
	    [RT__CON_UNIQUE] = "UNIQUE ",
	};
	int rc = put_con_name(b, c);
	if (rc)
		return rc;
	switch (c->kind) {
	case RT__CON_PRIMARY:
	case RT__CON_UNIQUE:
		rc = rt_buf_puts(b, keywords[c->kind]);
		if (!rc)
			rc = put_names(b, c->columns, c->ncolumns);
		if (!rc && c->deferrable)
			rc = rt_buf_puts(b, c->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
			                                          : " DEFERRABLE");
		return rc;
	case RT__CON_FOREIGN:
		return render_foreign(b, c);
	case RT__CON_CHECK:
		return rt_buf_printf(b, "CHECK (%s)", c->check_expr ? c->check_expr : "TRUE");
	}
	return 0;
}

int rt__ddl_render_create_table(rt_buf *out, const rt__table *t, rt_dialect dialect)
{
	int rc = rt_buf_puts(out, "CREATE TABLE ");
	if (!rc)
		rc = put_name(out, t->name);
	if (!rc)
		rc = rt_buf_puts(out, " (");
	const char *sep = "\n" INDENT;
	for (size_t i = 0; i < t->ncolumns && !rc; i++) {
		rc = rt_buf_puts(out, sep);
		if (!rc)
			rc = render_column(out, t, &t->columns[i], dialect);
		sep = ",\n" INDENT;
	}
	for (size_t i = 0; i < t->nconstraints && !rc; i++) {
		const rt__constraint *c = &t->constraints[i];
		bool on_column = false;
		for (size_t k = 0; k < t->ncolumns && !on_column; k++)
			on_column = autoincrement_pk(t, &t->columns[k], dialect) == c;
		if (on_column)
			continue;
		rc = rt_buf_puts(out, sep);
		if (!rc)
			rc = rt__ddl_render_constraint(out, c);
		sep = ",\n" INDENT;
	}
	if (!rc && (t->ncolumns || t->nconstraints))
		rc = rt_buf_putc(out, '\n');
	return rc ? rc : rt_buf_putc(out, ')');
}
