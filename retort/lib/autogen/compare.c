/* compare.c — the diff of two schema models (see autogen/compare.h).
 *
 * Both sides were normalised by the same database, so types, defaults and
 * expressions compare as exact strings. Two passes: the first matches
 * tables and columns (by name, or by a model's renamed-from annotation) and
 * records the renames; the second compares what the matched objects hold,
 * reading the database side's column and table names through those renames
 * so that a renamed column does not make its indexes and constraints look
 * changed. A rename is never guessed: an unannotated drop and add of the
 * same type in one table stay a drop and an add, with a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "autogen/compare.h"
#include "banned.h"

typedef struct rename {
	const char *table; /* column renames: the table's model name */
	const char *from, *to;
} rename;

typedef struct cmp {
	const rt__schema *db, *models;
	rt__ops *out;
	rt__diags *warn;
	const rt__table **match;      /* per model table: its db table, or NULL */
	const rt__table **db_by_name; /* the db tables sorted by name */
	bool *db_used;                /* per db table: matched by a model table */
	rename *trens, *crens;
	size_t ntrens, ncrens;
} cmp;

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* ---- renames ------------------------------------------------------------- */

static const char *lookup(const rename *r, size_t n, const char *table, const char *from)
{
	for (size_t i = 0; i < n; i++)
		if ((!table || !strcmp(r[i].table, table)) && !strcmp(r[i].from, from))
			return r[i].to;
	return NULL;
}

/* A db table name as the models call it. */
static const char *map_table(const cmp *c, const char *name)
{
	const char *to = lookup(c->trens, c->ntrens, NULL, name);
	return to ? to : name;
}

/* A db column of the table the models call `table`, as the models call it. */
static const char *map_column(const cmp *c, const char *table, const char *name)
{
	const char *to = lookup(c->crens, c->ncrens, table, name);
	return to ? to : name;
}

static int add_rename(cmp *c, rename **arr, size_t *n, const char *table, const char *from,
                      const char *to)
{
	rename *grown = rt__arena_array(c->out->arena, *n + 1, sizeof(rename));
	if (!grown)
		return -RT_ERR_NOMEM;
	if (*n)
		memcpy(grown, *arr, *n * sizeof(rename));
	grown[*n] = (rename){table, from, to};
	*arr = grown;
	(*n)++;
	return 0;
}

/* The db column matched to model column mc of model table mt, or NULL. */
static const rt__column *db_column(const cmp *c, const rt__table *dt, const rt__table *mt,
                                   const rt__column *mc)
{
	for (size_t i = 0; i < c->ncrens; i++)
		if (!strcmp(c->crens[i].table, mt->name) && !strcmp(c->crens[i].to, mc->name))
			return rt__table_column(dt, c->crens[i].from);
	return rt__table_column(dt, mc->name);
}

/* ---- pass 1: match tables and columns ------------------------------------ */

static int emit_rename(cmp *c, rt__op_kind kind, const char *table, const char *from,
                       const char *to)
{
	rt__op *op = rt__ops_add(c->out, kind);
	if (!op)
		return -RT_ERR_NOMEM;
	op->table = table;
	op->column = kind == RT__OP_RENAME_COLUMN ? from : NULL;
	op->new_name = to;
	return 0;
}

static int match_columns(cmp *c, const rt__table *dt, const rt__table *mt)
{
	for (size_t i = 0; i < mt->ncolumns; i++) {
		const rt__column *mc = &mt->columns[i];
		const char *old = mc->renamed_from;
		if (!old || rt__table_column(dt, mc->name) || !rt__table_column(dt, old) ||
		    rt__table_column(mt, old) || lookup(c->crens, c->ncrens, mt->name, old))
			continue;
		if (add_rename(c, &c->crens, &c->ncrens, mt->name, old, mc->name) ||
		    emit_rename(c, RT__OP_RENAME_COLUMN, mt->name, old, mc->name))
			return -RT_ERR_NOMEM;
		rt__op *op = &c->out->ops[c->out->n - 1];
		op->before.column = rt__table_column(dt, old);
		op->after.column = mc;
		op->before.table = dt;
		op->after.table = mt;
	}
	return 0;
}

static int by_table_name(const void *x, const void *y)
{
	return strcmp((*(const rt__table *const *)x)->name, (*(const rt__table *const *)y)->name);
}

/* The db table called name, from db_by_name (a lookup per model table
 * would make matching quadratic in the number of tables). */
static const rt__table *db_table(const cmp *c, const char *name)
{
	size_t lo = 0, hi = c->db->ntables;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(c->db_by_name[mid]->name, name);
		if (!d)
			return c->db_by_name[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int match_tables(cmp *c)
{
	const rt__schema *db = c->db, *m = c->models;
	c->db_by_name = rt__arena_array(c->out->arena, db->ntables + 1, sizeof(rt__table *));
	if (!c->db_by_name)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < db->ntables; i++)
		c->db_by_name[i] = &db->tables[i];
	qsort(c->db_by_name, db->ntables, sizeof(rt__table *), by_table_name);
	for (size_t i = 0; i < m->ntables; i++) {
		const rt__table *mt = &m->tables[i];
		const rt__table *dt = db_table(c, mt->name);
		const char *old = mt->renamed_from;
		if (!dt && old && !rt__schema_table(m, old)) {
			dt = db_table(c, old);
			if (dt && c->db_used[dt - db->tables])
				dt = NULL;
			if (dt && (add_rename(c, &c->trens, &c->ntrens, "", old, mt->name) ||
			           emit_rename(c, RT__OP_RENAME_TABLE, old, NULL, mt->name)))
				return -RT_ERR_NOMEM;
			if (dt) {
				c->out->ops[c->out->n - 1].before.table = dt;
				c->out->ops[c->out->n - 1].after.table = mt;
			}
		}
		c->match[i] = dt;
		if (dt)
			c->db_used[dt - db->tables] = true;
	}
	for (size_t i = 0; i < m->ntables; i++)
		if (c->match[i] && match_columns(c, c->match[i], &m->tables[i]))
			return -RT_ERR_NOMEM;
	return 0;
}

/* ---- pass 2: what matched objects hold ----------------------------------- */

static rt__op *emit(cmp *c, rt__op_kind kind, const char *table, const char *column)
{
	rt__op *op = rt__ops_add(c->out, kind);
	if (op) {
		op->table = table;
		op->column = column;
	}
	return op;
}

static int column_attrs(cmp *c, const rt__table *mt, const rt__column *dc, const rt__column *mc)
{
	struct {
		bool differs;
		rt__op_kind kind;
	} rows[] = {
	    {!str_eq(dc->type, mc->type), RT__OP_ALTER_TYPE},
	    {dc->not_null != mc->not_null,
	     mc->not_null ? RT__OP_SET_NOT_NULL : RT__OP_DROP_NOT_NULL},
	    {!str_eq(dc->default_expr, mc->default_expr),
	     mc->default_expr ? RT__OP_SET_DEFAULT : RT__OP_DROP_DEFAULT},
	    {!str_eq(dc->comment, mc->comment), RT__OP_SET_COLUMN_COMMENT},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!rows[i].differs)
			continue;
		rt__op *op = emit(c, rows[i].kind, mt->name, mc->name);
		if (!op)
			return -RT_ERR_NOMEM;
		op->before.column = dc;
		op->after.column = mc;
	}
	return 0;
}

/* Offers a RENAME for each unannotated dropped column that has an added
 * column of the same type in the same table, one partner each. */
static int pair_renames(cmp *c, const rt__table *mt, size_t first)
{
	rt__ops *o = c->out;
	for (size_t i = first; i < o->n; i++) {
		if (o->ops[i].kind != RT__OP_DROP_COLUMN)
			continue;
		for (size_t j = first; j < o->n; j++) {
			rt__op *add = &o->ops[j];
			if (add->kind != RT__OP_ADD_COLUMN || add->rename_peer ||
			    strcmp(add->after.column->type, o->ops[i].before.column->type))
				continue;
			rt__op *drop = &o->ops[i];
			drop->rename_peer = add->column;
			add->rename_peer = drop->column;
			rt__diag d = {
			    rt__arena_printf(o->arena,
			                     "possible rename: %s.%s -> %s.%s (annotate the "
			                     "column with '-- retort:renamed-from %s' to "
			                     "rename it)",
			                     mt->name, drop->column, mt->name, add->column,
			                     drop->column),
			    add->after.column->pos};
			rt__diags *w = c->warn;
			if (!d.message)
				return -RT_ERR_NOMEM;
			if (w->n == w->cap) {
				rt__diag *g =
				    rt__arena_grow(w->arena, w->items, w->n, &w->cap, sizeof(d));
				if (!g)
					return -RT_ERR_NOMEM;
				w->items = g;
			}
			w->items[w->n++] = d;
			break;
		}
	}
	return 0;
}

/* Whether some model column of mt is matched to db column dc. */
static bool kept(const cmp *c, const rt__table *dt, const rt__table *mt, const rt__column *dc)
{
	for (size_t i = 0; i < mt->ncolumns; i++)
		if (db_column(c, dt, mt, &mt->columns[i]) == dc)
			return true;
	return false;
}

static int columns(cmp *c, const rt__table *dt, const rt__table *mt)
{
	size_t first = c->out->n;
	for (size_t i = 0; i < dt->ncolumns; i++) {
		const rt__column *dc = &dt->columns[i];
		if (kept(c, dt, mt, dc))
			continue;
		rt__op *op = emit(c, RT__OP_DROP_COLUMN, mt->name, dc->name);
		if (!op)
			return -RT_ERR_NOMEM;
		op->before.column = dc;
		op->before.table = dt;
	}
	for (size_t i = 0; i < mt->ncolumns; i++) {
		const rt__column *mc = &mt->columns[i];
		const rt__column *dc = db_column(c, dt, mt, mc);
		if (dc) {
			if (column_attrs(c, mt, dc, mc))
				return -RT_ERR_NOMEM;
			continue;
		}
		rt__op *op = emit(c, RT__OP_ADD_COLUMN, mt->name, mc->name);
		if (!op)
			return -RT_ERR_NOMEM;
		op->after.column = mc;
		op->after.table = mt;
	}
	return pair_renames(c, mt, first);
}

static bool names_eq(const cmp *c, const char *table, const char *const *d, size_t nd,
                     const char *const *m, size_t nm)
{
	if (nd != nm)
		return false;
	for (size_t i = 0; i < nd; i++)
		if (strcmp(table ? map_column(c, table, d[i]) : d[i], m[i]))
			return false;
	return true;
}

/* Same definition, reading db constraint d of the table the models call
 * `table` through the renames. */
static bool con_same(const cmp *c, const char *table, const rt__constraint *d,
                     const rt__constraint *m)
{
	if (d->kind != m->kind ||
	    !names_eq(c, table, d->columns, d->ncolumns, m->columns, m->ncolumns))
		return false;
	const char *ref = d->ref_table ? map_table(c, d->ref_table) : NULL;
	return str_eq(ref, m->ref_table) &&
	       names_eq(c, ref, d->ref_columns, d->nref_columns, m->ref_columns, m->nref_columns) &&
	       str_eq(d->on_delete, m->on_delete) && str_eq(d->on_update, m->on_update) &&
	       d->deferrable == m->deferrable && d->initially_deferred == m->initially_deferred &&
	       str_eq(d->check_expr, m->check_expr);
}

static int con_op(cmp *c, rt__op_kind kind, const rt__table *t, const rt__constraint *con)
{
	rt__op *op = emit(c, kind, t->name, NULL);
	if (!op)
		return -RT_ERR_NOMEM;
	if (kind == RT__OP_DROP_CONSTRAINT) {
		op->before.constraint = con;
		op->before.table = t;
	} else {
		op->after.constraint = con;
		op->after.table = t;
	}
	return 0;
}

/* Named constraints match by name; where either side has no name (SQLite),
 * by definition. A primary key always matches by definition: a table has
 * one, and its name is not compared (PostgreSQL keeps "<old>_pkey" on a
 * renamed table, and inspect leaves it out). A changed definition is a drop
 * and an add. */
static int constraints(cmp *c, const rt__table *dt, const rt__table *mt)
{
	bool *used = rt__arena_array(c->out->arena, dt->nconstraints + 1, sizeof(bool));
	if (!used)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < mt->nconstraints; i++) {
		const rt__constraint *m = &mt->constraints[i];
		size_t k = dt->nconstraints;
		bool by_name = m->name && m->kind != RT__CON_PRIMARY;
		for (size_t j = 0; by_name && j < dt->nconstraints && k == dt->nconstraints; j++)
			if (!used[j] && str_eq(dt->constraints[j].name, m->name))
				k = j;
		for (size_t j = 0; k == dt->nconstraints && j < dt->nconstraints; j++) {
			const rt__constraint *d = &dt->constraints[j];
			if (!used[j] && (!d->name || !by_name) && con_same(c, mt->name, d, m))
				k = j;
		}
		if (k < dt->nconstraints) {
			used[k] = true;
			if (con_same(c, mt->name, &dt->constraints[k], m))
				continue;
			if (con_op(c, RT__OP_DROP_CONSTRAINT, dt, &dt->constraints[k]))
				return -RT_ERR_NOMEM;
		}
		if (con_op(c, RT__OP_ADD_CONSTRAINT, mt, m))
			return -RT_ERR_NOMEM;
	}
	for (size_t j = 0; j < dt->nconstraints; j++)
		if (!used[j] && con_op(c, RT__OP_DROP_CONSTRAINT, dt, &dt->constraints[j]))
			return -RT_ERR_NOMEM;
	return 0;
}

/* An index key is a column name, optionally followed by " DESC" and the
 * like, or an expression (compared as text). */
static bool key_same(const cmp *c, const char *table, const char *d, const char *m, bool expr)
{
	if (expr)
		return !strcmp(d, m);
	size_t n = strcspn(d, " ");
	const char *mapped = d;
	char name[256];
	if (n < sizeof(name)) {
		memcpy(name, d, n);
		name[n] = '\0';
		mapped = map_column(c, table, name);
	}
	if (mapped == d || mapped == name)
		return !strcmp(d, m);
	size_t len = strlen(mapped);
	return !strncmp(mapped, m, len) && !strcmp(m + len, d + n);
}

static bool index_same(const cmp *c, const char *table, const rt__index *d, const rt__index *m)
{
	const char *dm = d->method ? d->method : "btree", *mm = m->method ? m->method : "btree";
	if (d->unique != m->unique || d->nkeys != m->nkeys || !str_eq(d->where, m->where) ||
	    strcmp(dm, mm))
		return false;
	for (size_t i = 0; i < d->nkeys; i++)
		if (d->key_is_expr[i] != m->key_is_expr[i] ||
		    !key_same(c, table, d->keys[i], m->keys[i], d->key_is_expr[i]))
			return false;
	return true;
}

static int index_op(cmp *c, rt__op_kind kind, const rt__table *t, const rt__index *ix)
{
	rt__op *op = emit(c, kind, t->name, NULL);
	if (!op)
		return -RT_ERR_NOMEM;
	if (kind == RT__OP_DROP_INDEX) {
		op->before.index = ix;
		op->before.table = t;
	} else {
		op->after.index = ix;
		op->after.table = t;
	}
	return 0;
}

static int indexes(cmp *c, const rt__table *dt, const rt__table *mt)
{
	for (size_t i = 0; i < mt->nindexes; i++) {
		const rt__index *m = &mt->indexes[i];
		const rt__index *d = rt__table_index(dt, m->name);
		if (d && index_same(c, mt->name, d, m))
			continue;
		if ((d && index_op(c, RT__OP_DROP_INDEX, dt, d)) ||
		    index_op(c, RT__OP_CREATE_INDEX, mt, m))
			return -RT_ERR_NOMEM;
	}
	for (size_t j = 0; j < dt->nindexes; j++)
		if (!rt__table_index(mt, dt->indexes[j].name) &&
		    index_op(c, RT__OP_DROP_INDEX, dt, &dt->indexes[j]))
			return -RT_ERR_NOMEM;
	return 0;
}

static int table_pair(cmp *c, const rt__table *dt, const rt__table *mt)
{
	if (!str_eq(dt->comment, mt->comment)) {
		rt__op *op = emit(c, RT__OP_SET_TABLE_COMMENT, mt->name, NULL);
		if (!op)
			return -RT_ERR_NOMEM;
		op->before.table = dt;
		op->after.table = mt;
	}
	if (columns(c, dt, mt) || constraints(c, dt, mt) || indexes(c, dt, mt))
		return -RT_ERR_NOMEM;
	return 0;
}

static int tables(cmp *c)
{
	for (size_t i = 0; i < c->models->ntables; i++) {
		const rt__table *mt = &c->models->tables[i];
		if (c->match[i]) {
			if (table_pair(c, c->match[i], mt))
				return -RT_ERR_NOMEM;
			continue;
		}
		rt__op *op = emit(c, RT__OP_CREATE_TABLE, mt->name, NULL);
		if (!op)
			return -RT_ERR_NOMEM;
		op->after.table = mt;
	}
	for (size_t i = 0; i < c->db->ntables; i++) {
		if (c->db_used[i])
			continue;
		rt__op *op = emit(c, RT__OP_DROP_TABLE, c->db->tables[i].name, NULL);
		if (!op)
			return -RT_ERR_NOMEM;
		op->before.table = &c->db->tables[i];
	}
	return 0;
}

/* ---- enums --------------------------------------------------------------- */

/* The surviving columns of type e, named as the models call them, with the
 * database's defaults: what exists with e's type between the drops and the
 * creates, in both directions (see order.c). */
static int enum_uses(cmp *c, rt__op *op, const char *type)
{
	rt__enum_use *uses = NULL;
	size_t n = 0;
	for (size_t i = 0; i < c->models->ntables; i++) {
		const rt__table *dt = c->match[i], *mt = &c->models->tables[i];
		for (size_t j = 0; dt && j < mt->ncolumns; j++) {
			const rt__column *dc = db_column(c, dt, mt, &mt->columns[j]);
			if (!dc || strcmp(dc->type, type))
				continue;
			rt__enum_use *grown = rt__arena_array(c->out->arena, n + 1, sizeof(*uses));
			if (!grown)
				return -RT_ERR_NOMEM;
			if (n)
				memcpy(grown, uses, n * sizeof(*uses));
			grown[n++] =
			    (rt__enum_use){mt->name, mt->columns[j].name, dc->default_expr};
			uses = grown;
		}
	}
	op->uses = uses;
	op->nuses = n;
	return 0;
}

static int enums(cmp *c)
{
	for (size_t i = 0; i < c->models->nenums; i++) {
		const rt__enum *m = &c->models->enums[i];
		const rt__enum *d = rt__schema_enum(c->db, m->name);
		bool same = d && d->nvalues == m->nvalues;
		for (size_t k = 0; same && k < m->nvalues; k++)
			same = !strcmp(d->values[k], m->values[k]);
		if (same)
			continue;
		rt__op_kind kind = !d                          ? RT__OP_CREATE_ENUM
		                   : rt__enum_only_added(d, m) ? RT__OP_ADD_ENUM_VALUE
		                                               : RT__OP_RECREATE_ENUM;
		rt__op *op = emit(c, kind, NULL, NULL);
		if (!op)
			return -RT_ERR_NOMEM;
		op->before.enum_type = d;
		op->after.enum_type = m;
		if (d && enum_uses(c, op, m->name))
			return -RT_ERR_NOMEM;
	}
	for (size_t i = 0; i < c->db->nenums; i++) {
		const rt__enum *d = &c->db->enums[i];
		if (rt__schema_enum(c->models, d->name))
			continue;
		rt__op *op = emit(c, RT__OP_DROP_ENUM, NULL, NULL);
		if (!op)
			return -RT_ERR_NOMEM;
		op->before.enum_type = d;
	}
	return 0;
}

int rt__compare(const rt__schema *db, const rt__schema *models, rt__ops *out, rt__diags *warnings,
                rt_error *err)
{
	cmp c = {.db = db, .models = models, .out = out, .warn = warnings};
	c.match = rt__arena_array(out->arena, models->ntables + 1, sizeof(*c.match));
	c.db_used = rt__arena_array(out->arena, db->ntables + 1, sizeof(bool));
	if (!c.match || !c.db_used || match_tables(&c) || tables(&c) || enums(&c))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory while comparing schemas");
	for (size_t i = 0; i < out->n; i++)
		out->ops[i].destroys_data = rt__op_destroys_data(&out->ops[i]);
	return 0;
}
