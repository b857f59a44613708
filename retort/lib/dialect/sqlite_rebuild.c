/* sqlite_rebuild.c — ALTER TABLE on SQLite the way the script means it.
 *
 * SQLite's ALTER TABLE can rename tables and columns, add plain columns and
 * drop unindexed, unconstrained ones. Everything else a portable script
 * says (type, NOT NULL and default changes, constraint changes, dropping
 * an indexed column, several actions in one statement) runs as the rebuild
 * SQLite documents: create the new table under a temporary name, copy the
 * rows, drop the old table, rename the new one, recreate the indexes and
 * the table's triggers, and check foreign keys. It runs inside the migration's transaction, so a
 * failure leaves the old table as it was. */
#include <stdio.h>
#include <string.h>

#include "dialect/dialect.h"
#include "sql/ddl.h"
#include "banned.h"

#define TEMP_PREFIX "_retort_rebuild_"

static bool column_is_keyed(const rt__table *t, const char *col)
{
	for (size_t i = 0; i < t->nindexes; i++)
		for (size_t k = 0; k < t->indexes[i].nkeys; k++)
			if (!t->indexes[i].key_is_expr[k] && !strcmp(t->indexes[i].keys[k], col))
				return true;
	for (size_t i = 0; i < t->nconstraints; i++)
		for (size_t k = 0; k < t->constraints[i].ncolumns; k++)
			if (!strcmp(t->constraints[i].columns[k], col))
				return true;
	return false;
}

/* Can SQLite's own ALTER TABLE do this action on table t? */
static bool native(const rt__table *t, const rt__alter *act)
{
	switch (act->kind) {
	case RT__ALTER_RENAME_COLUMN:
	case RT__ALTER_RENAME_TABLE:
		return true;
	case RT__ALTER_DROP_COLUMN:
		return !column_is_keyed(t, act->name);
	case RT__ALTER_ADD_COLUMN: {
		const rt__column *c = act->column;
		const char *d = c ? c->default_expr : NULL;
		if (!c || act->constraint)
			return false;
		if (c->not_null && !d)
			return false;
		/* ADD COLUMN takes constant defaults only */
		return !d || (!strchr(d, '(') && !strstr(d, "CURRENT_"));
	}
	default:
		return false;
	}
}

static int add_column_list(rt_buf *b, const rt__table *t, const rt__table *old,
                           const rt__ddl_stmt *st, bool source)
{
	int rc = 0, first = 1;
	for (size_t i = 0; !rc && i < t->ncolumns; i++) {
		const char *name = t->columns[i].name, *from = name;
		/* a column renamed by this statement is copied from its old name */
		for (size_t a = 0; a < st->nactions; a++)
			if (st->actions[a].kind == RT__ALTER_RENAME_COLUMN &&
			    !strcmp(st->actions[a].new_name, name))
				from = st->actions[a].name;
		if (!rt__table_column(old, from))
			continue;
		rc = rt_buf_puts(b, first ? "" : ", ");
		rc = rc ? rc : rt_buf_add_ident(b, source ? from : name);
		first = 0;
	}
	return rc;
}

static int render_index(rt_buf *b, const char *table, const rt__index *ix)
{
	int rc = rt_buf_puts(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	rc = rc ? rc : rt_buf_add_ident(b, ix->name);
	rc = rc ? rc : rt_buf_puts(b, " ON ");
	rc = rc ? rc : rt_buf_add_ident(b, table);
	rc = rc ? rc : rt_buf_puts(b, " (");
	for (size_t k = 0; !rc && k < ix->nkeys; k++) {
		rc = rt_buf_puts(b, k ? ", " : "");
		rc = rc ? rc
		        : (ix->key_is_expr[k] ? rt_buf_puts(b, ix->keys[k])
		                              : rt_buf_add_ident(b, ix->keys[k]));
	}
	rc = rc ? rc : rt_buf_puts(b, ")");
	if (!rc && ix->where)
		rc = rt_buf_printf(b, " WHERE %s", ix->where);
	return rc;
}

static int exec_buf(rt__db *db, rt_buf *b, rt_error *err)
{
	int rc = db->ops->exec(db, b->data, err);
	rt_buf_reset(b);
	return rc;
}

/* The CREATE TRIGGER texts of a table: dropping the table drops them. */
static int read_triggers(rt__db *db, rt__arena *a, const char *table, rt__rows *out, rt_error *err)
{
	const char *params[] = {table};
	return db->ops->query(db, a,
	                      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
	                      "tbl_name = $1 AND sql IS NOT NULL ORDER BY name",
	                      params, 1, out, err);
}

/* Runs the rebuild of old into the shape of nt. */
static int rebuild(rt__db *db, rt__arena *a, const rt__table *old, rt__table *nt,
                   const rt__ddl_stmt *st, rt_error *err)
{
	rt__rows triggers = {0};
	if (read_triggers(db, a, old->name, &triggers, err))
		return -RT_ERR_DB;
	char temp[300];
	snprintf(temp, sizeof(temp), TEMP_PREFIX "%s", nt->name);
	const char *final_name = nt->name;
	rt__table shaped = *nt;
	shaped.name = temp;
	rt_buf b = RT_BUF_INIT;
	int rc = rt__ddl_render_create_table(&b, &shaped, RT_DIALECT_SQLITE);
	if (rc) {
		rt_buf_release(&b);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	rc = exec_buf(db, &b, err);
	if (!rc) {
		rc = rt_buf_puts(&b, "INSERT INTO ");
		rc = rc ? rc : rt_buf_add_ident(&b, temp);
		rc = rc ? rc : rt_buf_puts(&b, " (");
		rc = rc ? rc : add_column_list(&b, nt, old, st, false);
		rc = rc ? rc : rt_buf_puts(&b, ") SELECT ");
		rc = rc ? rc : add_column_list(&b, nt, old, st, true);
		rc = rc ? rc : rt_buf_puts(&b, " FROM ");
		rc = rc ? rc : rt_buf_add_ident(&b, old->name);
		rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory") : exec_buf(db, &b, err);
	}
	if (!rc) {
		rc = rt_buf_puts(&b, "DROP TABLE ");
		rc = rc ? rc : rt_buf_add_ident(&b, old->name);
		rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory") : exec_buf(db, &b, err);
	}
	if (!rc) {
		rc = rt_buf_puts(&b, "ALTER TABLE ");
		rc = rc ? rc : rt_buf_add_ident(&b, temp);
		rc = rc ? rc : rt_buf_puts(&b, " RENAME TO ");
		rc = rc ? rc : rt_buf_add_ident(&b, final_name);
		rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory") : exec_buf(db, &b, err);
	}
	for (size_t i = 0; !rc && i < nt->nindexes; i++) {
		rc = render_index(&b, final_name, &nt->indexes[i]);
		rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory") : exec_buf(db, &b, err);
	}
	for (size_t i = 0; !rc && i < triggers.nrows; i++)
		rc = db->ops->exec(db, triggers.cells[i * triggers.ncols], err);
	rt_buf_release(&b);
	return rc;
}

static int check_foreign_keys(rt__db *db, rt__arena *a, const char *table, rt_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	rt__rows rows = {0};
	int rc = rt_buf_puts(&sql, "PRAGMA foreign_key_check(");
	rc = rc ? rc : rt_buf_add_ident(&sql, table);
	rc = rc ? rc : rt_buf_puts(&sql, ")");
	rc = rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
	        : db->ops->query(db, a, sql.data, NULL, 0, &rows, err);
	rt_buf_release(&sql);
	if (!rc && rows.nrows)
		rc = rt_error_set(err, RT_ERR_DB,
		                  "rebuilding table '%s' broke %zu foreign key reference(s)", table,
		                  rows.nrows);
	return rc;
}

int rt__sqlite_run(rt__db *db, rt__arena *a, const char *file, int line, const char *sql,
                   size_t len, rt_error *err)
{
	rt__schema parsed;
	rt__schema_init(&parsed, a, RT_DIALECT_SQLITE);
	rt__ddl_stmt st;
	rt_error ignored;
	/* what the grammar cannot read runs as written: SQLite has the last word */
	if (rt__ddl_parse(a, &parsed, file, line, sql, len, RT_DIALECT_SQLITE, &st, &ignored) ||
	    st.kind != RT__DDL_ALTER_TABLE)
		return db->ops->exec(db, sql, err);

	rt__schema cur;
	rt__schema_init(&cur, a, RT_DIALECT_SQLITE);
	int rc = db->ops->introspect(db, NULL, NULL, 0, &cur, err);
	if (rc)
		return rc;
	const rt__table *old = rt__schema_table(&cur, st.name);
	bool all_native = old && st.nactions == 1 && native(old, &st.actions[0]);
	if (!old || all_native)
		return db->ops->exec(db, sql, err);

	rt__schema next;
	if (rt__schema_copy(&next, a, &cur))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if ((rc = rt__ddl_apply(&next, &st, err)))
		return rc;
	const char *name = st.name;
	for (size_t i = 0; i < st.nactions; i++)
		if (st.actions[i].kind == RT__ALTER_RENAME_TABLE)
			name = st.actions[i].new_name;
	rt__table *nt = rt__schema_table(&next, name);
	if (!nt)
		return rt_error_set(err, RT_ERR_STATE, "table '%s' vanished while rebuilding",
		                    name);
	rc = rebuild(db, a, old, nt, &st, err);
	return rc ? rc : check_foreign_keys(db, a, name, err);
}
