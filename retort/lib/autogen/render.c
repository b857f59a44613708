/* render.c — operations as portable SQL and as summary lines (render.h).
 *
 * One renderer per op kind, in a table indexed by the kind, with its
 * summary format. Types, defaults and expressions are printed as the
 * database reported them (they came from introspection); names go through
 * rt__render_ident. CREATE TABLE itself comes from sql/ddl.h's renderer,
 * which the parser reads back; the table's indexes and comments follow it.
 */
#include <stdlib.h>
#include <string.h>

#include "autogen/render.h"
#include "sql/ddl.h"
#include "sql/lexer.h"
#include "banned.h"

int rt__render_ident(rt_buf *out, const char *name)
{
	/* the lexer's notion of a plain name, so the parser reads it back */
	return rt__ident_is_plain(name) ? rt_buf_puts(out, name) : rt_buf_add_ident(out, name);
}

/* ---- pieces -------------------------------------------------------------- */

static int ident_list(rt_buf *b, const char *const *names, size_t n)
{
	int rc = rt_buf_putc(b, '(');
	for (size_t i = 0; !rc && i < n; i++)
		rc = (i ? rt_buf_puts(b, ", ") : 0) || rt__render_ident(b, names[i]);
	return rc || rt_buf_putc(b, ')') ? -RT_ERR_NOMEM : 0;
}

/* "ALTER TABLE t " */
static int alter_table(rt_buf *b, const char *table)
{
	return rt_buf_puts(b, "ALTER TABLE ") || rt__render_ident(b, table) || rt_buf_putc(b, ' ')
	           ? -RT_ERR_NOMEM
	           : 0;
}

/* "ALTER TABLE t ALTER COLUMN c " */
static int alter_column(rt_buf *b, const char *table, const char *column)
{
	return alter_table(b, table) || rt_buf_puts(b, "ALTER COLUMN ") ||
	               rt__render_ident(b, column) || rt_buf_putc(b, ' ')
	           ? -RT_ERR_NOMEM
	           : 0;
}

/* The constraint's name, or for an unnamed one (SQLite) the name a
 * database would give it (model.h), which the SQLite rebuild recognises. */
static int constraint_name(rt_buf *b, const char *table, const rt__constraint *c)
{
	if (c->name)
		return rt__render_ident(b, c->name);
	rt_buf name = RT_BUF_INIT;
	int rc = rt__constraint_default_name(&name, table, c) || rt__render_ident(b, name.data);
	rt_buf_release(&name);
	return rc ? -RT_ERR_NOMEM : 0;
}

static int fk_body(rt_buf *b, const rt__constraint *c)
{
	int rc = rt_buf_puts(b, "FOREIGN KEY ") || ident_list(b, c->columns, c->ncolumns) ||
	         rt_buf_puts(b, " REFERENCES ") || rt__render_ident(b, c->ref_table);
	if (!rc && c->nref_columns)
		rc = rt_buf_putc(b, ' ') || ident_list(b, c->ref_columns, c->nref_columns);
	if (!rc && c->on_delete)
		rc = rt_buf_printf(b, " ON DELETE %s", c->on_delete);
	if (!rc && c->on_update)
		rc = rt_buf_printf(b, " ON UPDATE %s", c->on_update);
	if (!rc && c->deferrable)
		rc = rt_buf_puts(b, c->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
		                                          : " DEFERRABLE");
	return rc ? -RT_ERR_NOMEM : 0;
}

/* "[CONSTRAINT name] PRIMARY KEY (a)" and the like. */
static int constraint_def(rt_buf *b, const rt__constraint *c)
{
	int rc = 0;
	if (c->name)
		rc = rt_buf_puts(b, "CONSTRAINT ") || rt__render_ident(b, c->name) ||
		     rt_buf_putc(b, ' ');
	if (rc)
		return -RT_ERR_NOMEM;
	switch (c->kind) {
	case RT__CON_PRIMARY:
		rc = rt_buf_puts(b, "PRIMARY KEY ") || ident_list(b, c->columns, c->ncolumns);
		break;
	case RT__CON_UNIQUE:
		rc = rt_buf_puts(b, "UNIQUE ") || ident_list(b, c->columns, c->ncolumns);
		break;
	case RT__CON_FOREIGN:
		return fk_body(b, c);
	case RT__CON_CHECK:
		rc = rt_buf_printf(b, "CHECK (%s)", c->check_expr ? c->check_expr : "");
		break;
	}
	if (!rc && c->deferrable && c->kind != RT__CON_CHECK)
		rc = rt_buf_puts(b, c->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
		                                          : " DEFERRABLE");
	return rc ? -RT_ERR_NOMEM : 0;
}

/* "name type [GENERATED ... AS IDENTITY] [NOT NULL] [DEFAULT expr]", as
 * sql/ddl_render.c writes it inside CREATE TABLE. */
static int column_def(rt_buf *b, const rt__column *c)
{
	int rc = rt__render_ident(b, c->name) || rt_buf_printf(b, " %s", c->type);
	if (!rc && c->identity)
		rc = rt_buf_printf(b, " GENERATED %s AS IDENTITY", c->identity);
	if (!rc && c->not_null)
		rc = rt_buf_puts(b, " NOT NULL");
	if (!rc && c->default_expr)
		rc = rt_buf_printf(b, " DEFAULT %s", c->default_expr);
	return rc ? -RT_ERR_NOMEM : 0;
}

/* "COMMENT ON TABLE t IS 'x';" or "COMMENT ON COLUMN t.c IS NULL;" */
static int comment_on(rt_buf *b, const char *table, const char *column, const char *text)
{
	int rc = rt_buf_puts(b, column ? "COMMENT ON COLUMN " : "COMMENT ON TABLE ") ||
	         rt__render_ident(b, table);
	if (!rc && column)
		rc = rt_buf_putc(b, '.') || rt__render_ident(b, column);
	rc = rc || rt_buf_puts(b, " IS ") ||
	     (text ? rt_buf_add_literal(b, text) : rt_buf_puts(b, "NULL")) || rt_buf_puts(b, ";\n");
	return rc ? -RT_ERR_NOMEM : 0;
}

/* A column key is a name with an optional " DESC"-like tail; an expression
 * is parenthesised (PostgreSQL needs that for anything but a call). */
static int index_key(rt_buf *b, const char *key, bool is_expr)
{
	static const char desc[] = " DESC";
	size_t len = strlen(key), n = strcspn(key, " ");
	int rc;
	if (is_expr) {
		bool tail = len > sizeof(desc) - 1 && !strcmp(key + len - (sizeof(desc) - 1), desc);
		size_t body = tail ? len - (sizeof(desc) - 1) : len;
		rc = rt_buf_printf(b, "(%.*s)%s", (int)body, key, tail ? desc : "");
		return rc ? -RT_ERR_NOMEM : 0;
	}
	char *name = malloc(n + 1);
	if (!name)
		return -RT_ERR_NOMEM;
	memcpy(name, key, n);
	name[n] = '\0';
	rc = rt__render_ident(b, name) || rt_buf_puts(b, key + n);
	free(name);
	return rc ? -RT_ERR_NOMEM : 0;
}

static int create_index(rt_buf *b, const char *table, const rt__index *ix)
{
	int rc = rt_buf_puts(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") ||
	         rt__render_ident(b, ix->name) || rt_buf_puts(b, " ON ") ||
	         rt__render_ident(b, table);
	if (!rc && ix->method && strcmp(ix->method, "btree"))
		rc = rt_buf_printf(b, " USING %s", ix->method);
	rc = rc || rt_buf_puts(b, " (");
	for (size_t i = 0; !rc && i < ix->nkeys; i++)
		rc =
		    (i ? rt_buf_puts(b, ", ") : 0) || index_key(b, ix->keys[i], ix->key_is_expr[i]);
	rc = rc || rt_buf_putc(b, ')');
	if (!rc && ix->where)
		rc = rt_buf_printf(b, " WHERE %s", ix->where);
	return rc || rt_buf_puts(b, ";\n") ? -RT_ERR_NOMEM : 0;
}

/* The table (sql/ddl.h renders it as the parser reads it back), then its
 * indexes and comments, so that a CREATE TABLE op recreates all a DROP
 * TABLE removes. */
static int create_table(rt_buf *b, const rt__table *t, rt_dialect dialect)
{
	int rc = rt__ddl_render_create_table(b, t, dialect) || rt_buf_puts(b, ";\n");
	for (size_t i = 0; !rc && i < t->nindexes; i++)
		rc = create_index(b, t->name, &t->indexes[i]);
	if (!rc && t->comment)
		rc = comment_on(b, t->name, NULL, t->comment);
	for (size_t i = 0; !rc && i < t->ncolumns; i++)
		if (t->columns[i].comment)
			rc = comment_on(b, t->name, t->columns[i].name, t->columns[i].comment);
	return rc ? -RT_ERR_NOMEM : 0;
}

/* ---- one renderer per op kind -------------------------------------------- */

typedef int (*render_fn)(rt_buf *b, const rt__op *op);

static int r_drop_table(rt_buf *b, const rt__op *op)
{
	return rt_buf_puts(b, "DROP TABLE ") || rt__render_ident(b, op->table) ||
	               rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_rename_table(rt_buf *b, const rt__op *op)
{
	return alter_table(b, op->table) || rt_buf_puts(b, "RENAME TO ") ||
	               rt__render_ident(b, op->new_name) || rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_add_column(rt_buf *b, const rt__op *op)
{
	const rt__column *c = op->after.column;
	int rc = alter_table(b, op->table) || rt_buf_puts(b, "ADD COLUMN ") || column_def(b, c) ||
	         rt_buf_puts(b, ";\n");
	if (!rc && c->comment)
		rc = comment_on(b, op->table, c->name, c->comment);
	return rc ? -RT_ERR_NOMEM : 0;
}

static int rename_column_sql(rt_buf *b, const char *table, const char *from, const char *to)
{
	return alter_table(b, table) || rt_buf_puts(b, "RENAME COLUMN ") ||
	               rt__render_ident(b, from) || rt_buf_puts(b, " TO ") ||
	               rt__render_ident(b, to) || rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_drop_column(rt_buf *b, const rt__op *op)
{
	return alter_table(b, op->table) || rt_buf_puts(b, "DROP COLUMN ") ||
	               rt__render_ident(b, op->column) || rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_rename_column(rt_buf *b, const rt__op *op)
{
	return rename_column_sql(b, op->table, op->column, op->new_name);
}

static int r_alter_type(rt_buf *b, const rt__op *op)
{
	return alter_column(b, op->table, op->column) ||
	               rt_buf_printf(b, "TYPE %s;\n", op->after.column->type)
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_set_not_null(rt_buf *b, const rt__op *op)
{
	return alter_column(b, op->table, op->column) || rt_buf_puts(b, "SET NOT NULL;\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_drop_not_null(rt_buf *b, const rt__op *op)
{
	return alter_column(b, op->table, op->column) || rt_buf_puts(b, "DROP NOT NULL;\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_set_default(rt_buf *b, const rt__op *op)
{
	return alter_column(b, op->table, op->column) ||
	               rt_buf_printf(b, "SET DEFAULT %s;\n", op->after.column->default_expr)
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_drop_default(rt_buf *b, const rt__op *op)
{
	return alter_column(b, op->table, op->column) || rt_buf_puts(b, "DROP DEFAULT;\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_add_constraint(rt_buf *b, const rt__op *op)
{
	return alter_table(b, op->table) || rt_buf_puts(b, "ADD ") ||
	               constraint_def(b, op->after.constraint) || rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_drop_constraint(rt_buf *b, const rt__op *op)
{
	return alter_table(b, op->table) || rt_buf_puts(b, "DROP CONSTRAINT ") ||
	               constraint_name(b, op->table, op->before.constraint) || rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int r_create_index(rt_buf *b, const rt__op *op)
{
	return create_index(b, op->table, op->after.index);
}

static int r_drop_index(rt_buf *b, const rt__op *op)
{
	return rt_buf_puts(b, "DROP INDEX ") || rt__render_ident(b, op->before.index->name) ||
	               rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static int create_enum(rt_buf *b, const rt__enum *e)
{
	int rc = rt_buf_puts(b, "CREATE TYPE ") || rt__render_ident(b, e->name) ||
	         rt_buf_puts(b, " AS ENUM (");
	for (size_t i = 0; !rc && i < e->nvalues; i++)
		rc = (i ? rt_buf_puts(b, ", ") : 0) || rt_buf_add_literal(b, e->values[i]);
	return rc || rt_buf_puts(b, ");\n") ? -RT_ERR_NOMEM : 0;
}

static int r_create_enum(rt_buf *b, const rt__op *op)
{
	return create_enum(b, op->after.enum_type);
}

static int r_drop_enum(rt_buf *b, const rt__op *op)
{
	return rt_buf_puts(b, "DROP TYPE ") || rt__render_ident(b, op->before.enum_type->name) ||
	               rt_buf_puts(b, ";\n")
	           ? -RT_ERR_NOMEM
	           : 0;
}

static bool has_value(const rt__enum *e, const char *v)
{
	for (size_t i = 0; i < e->nvalues; i++)
		if (!strcmp(e->values[i], v))
			return true;
	return false;
}

/* Each new value goes BEFORE the next old value, or at the end; adding them
 * in order then reproduces the models' order. */
static int r_add_enum_value(rt_buf *b, const rt__op *op)
{
	const rt__enum *old = op->before.enum_type, *e = op->after.enum_type;
	int rc = 0;
	for (size_t i = 0; !rc && i < e->nvalues; i++) {
		if (has_value(old, e->values[i]))
			continue;
		size_t next = i + 1;
		while (next < e->nvalues && !has_value(old, e->values[next]))
			next++;
		rc = rt_buf_puts(b, "ALTER TYPE ") || rt__render_ident(b, e->name) ||
		     rt_buf_puts(b, " ADD VALUE ") || rt_buf_add_literal(b, e->values[i]);
		if (!rc && next < e->nvalues)
			rc = rt_buf_puts(b, " BEFORE ") || rt_buf_add_literal(b, e->values[next]);
		rc = rc || rt_buf_puts(b, ";\n");
	}
	return rc ? -RT_ERR_NOMEM : 0;
}

/* PostgreSQL cannot remove or reorder enum values: the type is renamed, the
 * new one created, the columns converted through text, the old one dropped.
 * Defaults are dropped and restored around the conversion because USING
 * does not apply to them. */
static int r_recreate_enum(rt_buf *b, const rt__op *op)
{
	const rt__enum *e = op->after.enum_type;
	rt_buf old = RT_BUF_INIT;
	int rc = rt_buf_printf(&old, "%s__old", e->name) || rt_buf_puts(b, "ALTER TYPE ") ||
	         rt__render_ident(b, e->name) || rt_buf_puts(b, " RENAME TO ") ||
	         rt__render_ident(b, old.data) || rt_buf_puts(b, ";\n") || create_enum(b, e);
	for (size_t i = 0; !rc && i < op->nuses; i++) {
		const rt__enum_use *u = &op->uses[i];
		if (u->default_expr)
			rc = alter_column(b, u->table, u->column) ||
			     rt_buf_puts(b, "DROP DEFAULT;\n");
		rc = rc || alter_column(b, u->table, u->column) || rt_buf_puts(b, "TYPE ") ||
		     rt__render_ident(b, e->name) || rt_buf_puts(b, " USING ") ||
		     rt__render_ident(b, u->column) || rt_buf_puts(b, "::text::") ||
		     rt__render_ident(b, e->name) || rt_buf_puts(b, ";\n");
		if (!rc && u->default_expr)
			rc = alter_column(b, u->table, u->column) ||
			     rt_buf_printf(b, "SET DEFAULT %s;\n", u->default_expr);
	}
	rc = rc || rt_buf_puts(b, "DROP TYPE ") || rt__render_ident(b, old.data) ||
	     rt_buf_puts(b, ";\n");
	rt_buf_release(&old);
	return rc ? -RT_ERR_NOMEM : 0;
}

static int r_set_table_comment(rt_buf *b, const rt__op *op)
{
	return comment_on(b, op->table, NULL, op->after.table ? op->after.table->comment : NULL);
}

static int r_set_column_comment(rt_buf *b, const rt__op *op)
{
	return comment_on(b, op->table, op->column,
	                  op->after.column ? op->after.column->comment : NULL);
}

/* How each kind renders, and its summary line: %T table, %C column, %N new
 * name, %X constraint or index name, %K constraint kind, %E enum type, %V
 * the values an enum gains. */
static const struct {
	render_fn sql;
	const char *summary;
} kinds[RT__OP__COUNT] = {
    [RT__OP_CREATE_TABLE] = {NULL, "create table %T"}, /* see rt__render_sql */
    [RT__OP_DROP_TABLE] = {r_drop_table, "drop table %T"},
    [RT__OP_RENAME_TABLE] = {r_rename_table, "rename table %T to %N"},
    [RT__OP_ADD_COLUMN] = {r_add_column, "add column %T.%C"},
    [RT__OP_DROP_COLUMN] = {r_drop_column, "drop column %T.%C"},
    [RT__OP_RENAME_COLUMN] = {r_rename_column, "rename column %T.%C to %N"},
    [RT__OP_ALTER_TYPE] = {r_alter_type, "alter column %T.%C type %Y"},
    [RT__OP_SET_NOT_NULL] = {r_set_not_null, "set not null on %T.%C"},
    [RT__OP_DROP_NOT_NULL] = {r_drop_not_null, "drop not null on %T.%C"},
    [RT__OP_SET_DEFAULT] = {r_set_default, "set default on %T.%C"},
    [RT__OP_DROP_DEFAULT] = {r_drop_default, "drop default on %T.%C"},
    [RT__OP_ADD_CONSTRAINT] = {r_add_constraint, "add %K %X on %T"},
    [RT__OP_DROP_CONSTRAINT] = {r_drop_constraint, "drop %K %X on %T"},
    [RT__OP_CREATE_INDEX] = {r_create_index, "create index %X on %T"},
    [RT__OP_DROP_INDEX] = {r_drop_index, "drop index %X on %T"},
    [RT__OP_CREATE_ENUM] = {r_create_enum, "create enum type %E"},
    [RT__OP_DROP_ENUM] = {r_drop_enum, "drop enum type %E"},
    [RT__OP_ADD_ENUM_VALUE] = {r_add_enum_value, "add %V to enum type %E"},
    [RT__OP_RECREATE_ENUM] = {r_recreate_enum, "recreate enum type %E"},
    [RT__OP_SET_TABLE_COMMENT] = {r_set_table_comment, "set comment on table %T"},
    [RT__OP_SET_COLUMN_COMMENT] = {r_set_column_comment, "set comment on column %T.%C"},
};

/* The commented-out RENAME offered for an unannotated drop+add pair. */
static int rename_hint(rt_buf *b, const rt__op *op)
{
	int rc = rt_buf_printf(b,
	                       "-- WARNING: possible rename of %s.%s to %s: to keep the data, "
	                       "replace this DROP COLUMN and the ADD COLUMN %s with\n-- ",
	                       op->table, op->column, op->rename_peer, op->rename_peer) ||
	         rename_column_sql(b, op->table, op->column, op->rename_peer);
	return rc ? -RT_ERR_NOMEM : 0;
}

int rt__render_sql(rt_buf *out, const rt__ops *ops, rt_dialect dialect)
{
	size_t mark = out->len;
	int rc = 0;
	for (size_t i = 0; !rc && i < ops->n; i++) {
		const rt__op *op = &ops->ops[i];
		if (op->kind == RT__OP_DROP_COLUMN && op->rename_peer)
			rc = rename_hint(out, op);
		if (!rc && op->destroys_data)
			rc = rt_buf_puts(out, "-- WARNING: drops data\n");
		/* CREATE TABLE is the one text that depends on the dialect
		 * (SQLite's AUTOINCREMENT, PostgreSQL's identity columns) */
		if (!rc && op->kind == RT__OP_CREATE_TABLE)
			rc = create_table(out, op->after.table, dialect);
		else
			rc = rc || kinds[op->kind].sql(out, op);
	}
	if (rc && out->cap) { /* an uncapped buffer still points at a static "" */
		out->len = mark;
		out->data[mark] = '\0';
	}
	if (rc)
		return -RT_ERR_NOMEM;
	return 0;
}

/* ---- summaries ----------------------------------------------------------- */

static const char *const con_kind[] = {
    [RT__CON_PRIMARY] = "primary key",
    [RT__CON_UNIQUE] = "unique constraint",
    [RT__CON_FOREIGN] = "foreign key",
    [RT__CON_CHECK] = "check constraint",
};

static int summary_field(rt_buf *b, const rt__op *op, char f)
{
	const rt__constraint *con =
	    op->after.constraint ? op->after.constraint : op->before.constraint;
	const rt__index *ix = op->after.index ? op->after.index : op->before.index;
	const rt__enum *e = op->after.enum_type ? op->after.enum_type : op->before.enum_type;
	switch (f) {
	case 'T':
		return rt_buf_puts(b, op->table);
	case 'C':
		return rt_buf_puts(b, op->column);
	case 'N':
		return rt_buf_puts(b, op->new_name);
	case 'K':
		return rt_buf_puts(b, con_kind[con->kind]);
	case 'E':
		return rt_buf_puts(b, e->name);
	case 'Y':
		return rt_buf_printf(b, "%s -> %s", op->before.column->type,
		                     op->after.column->type);
	case 'X':
		if (ix)
			return rt_buf_puts(b, ix->name);
		return con->name ? rt_buf_puts(b, con->name)
		                 : ident_list(b, con->columns, con->ncolumns);
	case 'V':
		for (size_t i = 0, n = 0; i < e->nvalues; i++) {
			if (has_value(op->before.enum_type, e->values[i]))
				continue;
			if ((n++ && rt_buf_puts(b, ", ")) || rt_buf_add_literal(b, e->values[i]))
				return -RT_ERR_NOMEM;
		}
		return 0;
	}
	return rt_buf_putc(b, f);
}

int rt__render_summary(rt_buf *out, const rt__op *op)
{
	int rc = 0;
	for (const char *p = kinds[op->kind].summary; !rc && *p; p++)
		rc = *p == '%' && p[1] ? summary_field(out, op, *++p) : rt_buf_putc(out, *p);
	if (!rc && op->destroys_data)
		rc = rt_buf_puts(out, " (drops data)");
	return rc ? -RT_ERR_NOMEM : 0;
}
