/* ddl_apply.c — applying a parsed DDL statement to a schema model the way
 * the database would (see sql/ddl.h): model files run into a model without
 * a database, and SQLite's table rebuilds.
 *
 * Everything copied into the schema goes through the model.h builders, so
 * it lives in the schema's arena, not the statement's. Builders may move
 * arrays, so objects are looked up again by name after each add. Dropping
 * a column drops the constraints and indexes that use it, as PostgreSQL
 * does; renames follow into constraints, indexes and foreign keys that
 * point at the renamed table or column.
 */
#include <string.h>

#include "sql/ddl.h"
#include "banned.h"

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory while applying DDL");
}

static int no_table(rt_error *err, const char *name)
{
	return rt_error_set(err, RT_ERR_STATE, "table '%s' does not exist", name);
}

static int no_column(rt_error *err, const rt__table *t, const char *name)
{
	return rt_error_set(err, RT_ERR_STATE, "table '%s' has no column '%s'", t->name, name);
}

static void remove_at(void *arr, size_t *n, size_t i, size_t size)
{
	char *base = arr;
	memmove(base + i * size, base + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

/* An index key names a column when it is not an expression; it may carry
 * " DESC". True when key is column `name`. */
static bool key_is_column(const rt__index *ix, size_t k, const char *name)
{
	if (ix->key_is_expr[k])
		return false;
	size_t n = strlen(name);
	return !strncmp(ix->keys[k], name, n) && (!ix->keys[k][n] || ix->keys[k][n] == ' ');
}

static bool names_column(const rt__constraint *c, const char *name)
{
	for (size_t i = 0; i < c->ncolumns; i++)
		if (!strcmp(c->columns[i], name))
			return true;
	return false;
}

/* ---- copying into the schema ------------------------------------------ */

static int copy_constraint(rt__schema *s, rt__table *t, const rt__constraint *src, rt_error *err)
{
	for (size_t i = 0; i < src->ncolumns; i++)
		if (!rt__table_column(t, src->columns[i]))
			return no_column(err, t, src->columns[i]);
	if (src->name)
		for (size_t i = 0; i < t->nconstraints; i++)
			if (t->constraints[i].name && !strcmp(t->constraints[i].name, src->name))
				return rt_error_set(err, RT_ERR_STATE,
				                    "constraint '%s' of table '%s' already exists",
				                    src->name, t->name);
	rt__constraint *c = rt__table_add_constraint(s, t, src->kind, src->name);
	if (!c)
		return nomem(err);
	int rc = 0;
	for (size_t i = 0; i < src->ncolumns && !rc; i++)
		rc = rt__constraint_add_column(s, c, src->columns[i]);
	for (size_t i = 0; i < src->nref_columns && !rc; i++)
		rc = rt__constraint_add_ref_column(s, c, src->ref_columns[i]);
	if (rc || rt__schema_set(s, &c->ref_table, src->ref_table) ||
	    rt__schema_set(s, &c->on_delete, src->on_delete) ||
	    rt__schema_set(s, &c->on_update, src->on_update) ||
	    rt__schema_set(s, &c->check_expr, src->check_expr))
		return nomem(err);
	c->deferrable = src->deferrable;
	c->initially_deferred = src->initially_deferred;
	c->pos = src->pos;
	return 0;
}

static int copy_column(rt__schema *s, rt__table *t, const rt__column *src, rt_error *err)
{
	rt__column *c = rt__table_add_column(s, t, src->name, src->type);
	if (!c || rt__schema_set(s, &c->default_expr, src->default_expr) ||
	    rt__schema_set(s, &c->identity, src->identity) ||
	    rt__schema_set(s, &c->comment, src->comment) ||
	    rt__schema_set(s, &c->renamed_from, src->renamed_from))
		return nomem(err);
	c->not_null = src->not_null;
	c->autoincrement = src->autoincrement;
	c->pos = src->pos;
	return 0;
}

static int copy_index(rt__schema *s, rt__table *t, const rt__index *src, rt_error *err)
{
	for (size_t k = 0; k < src->nkeys; k++) {
		if (src->key_is_expr[k])
			continue;
		bool found = false;
		for (size_t i = 0; i < t->ncolumns && !found; i++)
			found = key_is_column(src, k, t->columns[i].name);
		if (!found)
			return no_column(err, t, src->keys[k]);
	}
	rt__index *ix = rt__table_add_index(s, t, src->name, src->unique);
	if (!ix)
		return nomem(err);
	for (size_t k = 0; k < src->nkeys; k++)
		if (rt__index_add_key(s, ix, src->keys[k], src->key_is_expr[k]))
			return nomem(err);
	if (rt__schema_set(s, &ix->where, src->where) ||
	    rt__schema_set(s, &ix->method, src->method))
		return nomem(err);
	ix->pos = src->pos;
	return 0;
}

/* ---- statements ---------------------------------------------------------- */

static int create_table(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	const rt__table *src = st->table;
	if (rt__schema_table(s, src->name))
		return st->if_not_exists ? 0
		                         : rt_error_set(err, RT_ERR_STATE,
		                                        "table '%s' already exists", src->name);
	rt__table *t = rt__schema_add_table(s, src->name);
	if (!t || rt__schema_set(s, &t->comment, src->comment) ||
	    rt__schema_set(s, &t->renamed_from, src->renamed_from))
		return nomem(err);
	t->pos = src->pos;
	int rc = 0;
	for (size_t i = 0; i < src->ncolumns && !rc; i++)
		rc = copy_column(s, t, &src->columns[i], err);
	for (size_t i = 0; i < src->nconstraints && !rc; i++)
		rc = copy_constraint(s, t, &src->constraints[i], err);
	for (size_t i = 0; i < src->nindexes && !rc; i++)
		rc = copy_index(s, t, &src->indexes[i], err);
	return rc;
}

/* The table holding index `name`, or NULL; *at is its position. */
static rt__table *index_owner(const rt__schema *s, const char *name, size_t *at)
{
	for (size_t i = 0; i < s->ntables; i++)
		for (size_t k = 0; k < s->tables[i].nindexes; k++)
			if (!strcmp(s->tables[i].indexes[k].name, name)) {
				*at = k;
				return &s->tables[i];
			}
	return NULL;
}

static int create_index(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	const rt__index *src = &st->table->indexes[0];
	size_t at;
	if (index_owner(s, src->name, &at))
		return st->if_not_exists ? 0
		                         : rt_error_set(err, RT_ERR_STATE,
		                                        "index '%s' already exists", src->name);
	rt__table *t = rt__schema_table(s, st->table->name);
	return t ? copy_index(s, t, src, err) : no_table(err, st->table->name);
}

static int create_enum(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	const rt__enum *src = st->enum_type;
	if (rt__schema_enum(s, src->name))
		return rt_error_set(err, RT_ERR_STATE, "type '%s' already exists", src->name);
	rt__enum *e = rt__schema_add_enum(s, src->name);
	if (!e)
		return nomem(err);
	e->pos = src->pos;
	for (size_t i = 0; i < src->nvalues; i++)
		if (rt__enum_add_value(s, e, src->values[i]))
			return nomem(err);
	return 0;
}

static size_t enum_value_at(const rt__enum *e, const char *value)
{
	for (size_t i = 0; i < e->nvalues; i++)
		if (!strcmp(e->values[i], value))
			return i;
	return e->nvalues;
}

static int alter_enum(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	rt__enum *e = rt__schema_enum(s, st->name);
	if (!e)
		return rt_error_set(err, RT_ERR_STATE, "type '%s' does not exist", st->name);
	if (enum_value_at(e, st->text) < e->nvalues)
		return st->if_not_exists ? 0
		                         : rt_error_set(err, RT_ERR_STATE,
		                                        "enum label '%s' already exists", st->text);
	size_t to = e->nvalues;
	if (st->anchor) {
		to = enum_value_at(e, st->anchor);
		if (to == e->nvalues)
			return rt_error_set(err, RT_ERR_STATE, "'%s' is not an existing enum label",
			                    st->anchor);
		to += st->anchor_before ? 0 : 1;
	}
	if (rt__enum_add_value(s, e, st->text))
		return nomem(err);
	const char *added = e->values[e->nvalues - 1];
	memmove(&e->values[to + 1], &e->values[to], (e->nvalues - 1 - to) * sizeof(char *));
	e->values[to] = added;
	return 0;
}

static int drop_table(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	rt__table *t = rt__schema_table(s, st->name);
	if (!t)
		return st->if_exists ? 0 : no_table(err, st->name);
	remove_at(s->tables, &s->ntables, (size_t)(t - s->tables), sizeof(*t));
	return 0;
}

static int drop_index(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	size_t at;
	rt__table *t = index_owner(s, st->name, &at);
	if (!t)
		return st->if_exists
		           ? 0
		           : rt_error_set(err, RT_ERR_STATE, "index '%s' does not exist", st->name);
	remove_at(t->indexes, &t->nindexes, at, sizeof(rt__index));
	return 0;
}

static int drop_type(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	rt__enum *e = rt__schema_enum(s, st->name);
	if (!e)
		return st->if_exists
		           ? 0
		           : rt_error_set(err, RT_ERR_STATE, "type '%s' does not exist", st->name);
	remove_at(s->enums, &s->nenums, (size_t)(e - s->enums), sizeof(*e));
	return 0;
}

static int comment(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	rt__table *t = rt__schema_table(s, st->name);
	if (!t)
		return no_table(err, st->name);
	const char **field = &t->comment;
	if (st->column) {
		rt__column *c = rt__table_column(t, st->column);
		if (!c)
			return no_column(err, t, st->column);
		field = &c->comment;
	}
	return rt__schema_set(s, field, st->text) ? nomem(err) : 0;
}

static int skip(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	(void)s, (void)st, (void)err;
	return 0;
}

/* Defined with the ALTER TABLE actions below. */
static int alter_table(rt__schema *s, const rt__ddl_stmt *st, rt_error *err);

typedef int (*apply_fn)(rt__schema *s, const rt__ddl_stmt *st, rt_error *err);

static const apply_fn appliers[] = {
    [RT__DDL_OTHER] = skip,
    [RT__DDL_CREATE_TABLE] = create_table,
    [RT__DDL_CREATE_INDEX] = create_index,
    [RT__DDL_CREATE_ENUM] = create_enum,
    [RT__DDL_ALTER_TABLE] = alter_table,
    [RT__DDL_ALTER_ENUM] = alter_enum,
    [RT__DDL_DROP_TABLE] = drop_table,
    [RT__DDL_DROP_INDEX] = drop_index,
    [RT__DDL_DROP_TYPE] = drop_type,
    [RT__DDL_COMMENT] = comment,
};

int rt__ddl_apply(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	if ((size_t)st->kind >= sizeof(appliers) / sizeof(appliers[0]) || !appliers[st->kind])
		return rt_error_set(err, RT_ERR_STATE, "unknown DDL statement kind %d",
		                    (int)st->kind);
	return appliers[st->kind](s, st, err);
}

/* ---- ALTER TABLE ----------------------------------------------------------- */

static int add_column(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	if (rt__table_column(t, al->column->name))
		return al->if_not_exists ? 0
		                         : rt_error_set(err, RT_ERR_STATE,
		                                        "column '%s' of table '%s' already exists",
		                                        al->column->name, t->name);
	int rc = copy_column(s, t, al->column, err);
	for (size_t i = 0; i < al->ncolumn_constraints && !rc; i++)
		rc = copy_constraint(s, t, &al->column_constraints[i], err);
	return rc;
}

static int drop_column(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	(void)s;
	rt__column *c = rt__table_column(t, al->name);
	if (!c)
		return al->if_exists ? 0 : no_column(err, t, al->name);
	for (size_t i = t->nconstraints; i-- > 0;)
		if (names_column(&t->constraints[i], al->name))
			remove_at(t->constraints, &t->nconstraints, i, sizeof(rt__constraint));
	for (size_t i = t->nindexes; i-- > 0;) {
		bool uses = false;
		for (size_t k = 0; k < t->indexes[i].nkeys && !uses; k++)
			uses = key_is_column(&t->indexes[i], k, al->name);
		if (uses)
			remove_at(t->indexes, &t->nindexes, i, sizeof(rt__index));
	}
	remove_at(t->columns, &t->ncolumns, (size_t)(c - t->columns), sizeof(*c));
	return 0;
}

static int rename_in_list(rt__schema *s, const char **list, size_t n, const char *from,
                          const char *to)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], from) && rt__schema_set(s, &list[i], to))
			return -RT_ERR_NOMEM;
	return 0;
}

static int rename_column(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	rt__column *c = rt__table_column(t, al->name);
	if (!c)
		return no_column(err, t, al->name);
	if (rt__table_column(t, al->new_name))
		return rt_error_set(err, RT_ERR_STATE, "column '%s' of table '%s' already exists",
		                    al->new_name, t->name);
	if (rt__schema_set(s, &c->name, al->new_name))
		return nomem(err);
	for (size_t i = 0; i < t->nconstraints; i++)
		if (rename_in_list(s, t->constraints[i].columns, t->constraints[i].ncolumns,
		                   al->name, al->new_name))
			return nomem(err);
	for (size_t i = 0; i < t->nindexes; i++) {
		rt__index *ix = &t->indexes[i];
		for (size_t k = 0; k < ix->nkeys; k++) {
			if (!key_is_column(ix, k, al->name))
				continue;
			const char *rest = ix->keys[k] + strlen(al->name);
			const char *key = rt__arena_printf(s->arena, "%s%s", al->new_name, rest);
			if (!key)
				return nomem(err);
			ix->keys[k] = key;
		}
	}
	for (size_t i = 0; i < s->ntables; i++)
		for (size_t k = 0; k < s->tables[i].nconstraints; k++) {
			rt__constraint *fk = &s->tables[i].constraints[k];
			if (fk->kind == RT__CON_FOREIGN && fk->ref_table &&
			    !strcmp(fk->ref_table, t->name) &&
			    rename_in_list(s, fk->ref_columns, fk->nref_columns, al->name,
			                   al->new_name))
				return nomem(err);
		}
	return 0;
}

static int rename_table(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	if (rt__schema_table(s, al->new_name))
		return rt_error_set(err, RT_ERR_STATE, "table '%s' already exists", al->new_name);
	const char *old = t->name;
	for (size_t i = 0; i < s->ntables; i++)
		for (size_t k = 0; k < s->tables[i].nconstraints; k++) {
			rt__constraint *fk = &s->tables[i].constraints[k];
			if (fk->ref_table && !strcmp(fk->ref_table, old) &&
			    rt__schema_set(s, &fk->ref_table, al->new_name))
				return nomem(err);
		}
	return rt__schema_set(s, &t->name, al->new_name) ? nomem(err) : 0;
}

/* ALTER COLUMN forms: the column must exist; then one field changes. */
static int alter_column(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	rt__column *c = rt__table_column(t, al->name);
	if (!c)
		return no_column(err, t, al->name);
	int rc = 0;
	switch (al->kind) {
	case RT__ALTER_TYPE:
		rc = rt__schema_set(s, &c->type, al->type);
		break;
	case RT__ALTER_SET_NOT_NULL:
	case RT__ALTER_DROP_NOT_NULL:
		c->not_null = al->kind == RT__ALTER_SET_NOT_NULL;
		break;
	case RT__ALTER_SET_DEFAULT:
	case RT__ALTER_DROP_DEFAULT:
		rc = rt__schema_set(s, &c->default_expr,
		                    al->kind == RT__ALTER_SET_DEFAULT ? al->expr : NULL);
		break;
	default:
		break;
	}
	return rc ? nomem(err) : 0;
}

static int add_constraint(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	return copy_constraint(s, t, al->constraint, err);
}

/* A constraint by name; an unnamed one (SQLite) answers to the name a
 * database would have given it (rt__constraint_default_name). */
static bool constraint_named(const rt__table *t, const rt__constraint *c, const char *name)
{
	if (c->name)
		return !strcmp(c->name, name);
	rt_buf def = RT_BUF_INIT;
	bool same = !rt__constraint_default_name(&def, t->name, c) && !strcmp(def.data, name);
	rt_buf_release(&def);
	return same;
}

static int drop_constraint(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err)
{
	(void)s;
	for (size_t i = 0; i < t->nconstraints; i++)
		if (constraint_named(t, &t->constraints[i], al->name)) {
			remove_at(t->constraints, &t->nconstraints, i, sizeof(rt__constraint));
			return 0;
		}
	return al->if_exists
	           ? 0
	           : rt_error_set(err, RT_ERR_STATE, "constraint '%s' of table '%s' does not exist",
	                          al->name, t->name);
}

typedef int (*alter_fn)(rt__schema *s, rt__table *t, const rt__alter *al, rt_error *err);

static const alter_fn alterers[] = {
    [RT__ALTER_ADD_COLUMN] = add_column,
    [RT__ALTER_DROP_COLUMN] = drop_column,
    [RT__ALTER_RENAME_COLUMN] = rename_column,
    [RT__ALTER_RENAME_TABLE] = rename_table,
    [RT__ALTER_TYPE] = alter_column,
    [RT__ALTER_SET_NOT_NULL] = alter_column,
    [RT__ALTER_DROP_NOT_NULL] = alter_column,
    [RT__ALTER_SET_DEFAULT] = alter_column,
    [RT__ALTER_DROP_DEFAULT] = alter_column,
    [RT__ALTER_ADD_CONSTRAINT] = add_constraint,
    [RT__ALTER_DROP_CONSTRAINT] = drop_constraint,
};

static int alter_table(rt__schema *s, const rt__ddl_stmt *st, rt_error *err)
{
	const char *name = st->name;
	if (!rt__schema_table(s, name))
		return st->if_exists ? 0 : no_table(err, name);
	for (size_t i = 0; i < st->nactions; i++) {
		const rt__alter *al = &st->actions[i];
		rt__table *t = rt__schema_table(s, name);
		if ((size_t)al->kind >= sizeof(alterers) / sizeof(alterers[0]) ||
		    !alterers[al->kind])
			return rt_error_set(err, RT_ERR_STATE, "unknown ALTER TABLE action %d",
			                    (int)al->kind);
		int rc = alterers[al->kind](s, t, al, err);
		if (rc)
			return rc;
		if (al->kind == RT__ALTER_RENAME_TABLE)
			name = al->new_name;
	}
	return 0;
}
