/* model.c — building, looking up, copying and sorting schema models
 * (see schema/model.h). */
#include <stdlib.h>
#include <string.h>

#include "retort/error.h"
#include "schema/model.h"
#include "banned.h"

void rt__schema_init(rt__schema *s, rt__arena *a, rt_dialect dialect)
{
	memset(s, 0, sizeof(*s));
	s->arena = a;
	s->dialect = dialect;
}

/* Makes room for one more element in an arena array. */
static void *room(rt__arena *a, void **arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return *arr;
	void *grown = rt__arena_grow(a, *arr, n, cap, size);
	if (grown)
		*arr = grown;
	return grown;
}

int rt__schema_set(rt__schema *s, const char **field, const char *value)
{
	if (!value) {
		*field = NULL;
		return 0;
	}
	const char *copy = rt__arena_strdup(s->arena, value);
	if (!copy)
		return -RT_ERR_NOMEM;
	*field = copy;
	return 0;
}

rt__table *rt__schema_add_table(rt__schema *s, const char *name)
{
	if (!room(s->arena, (void **)&s->tables, s->ntables, &s->cap_tables, sizeof(rt__table)))
		return NULL;
	rt__table *t = &s->tables[s->ntables];
	memset(t, 0, sizeof(*t));
	if (rt__schema_set(s, &t->name, name))
		return NULL;
	s->ntables++;
	return t;
}

rt__enum *rt__schema_add_enum(rt__schema *s, const char *name)
{
	if (!room(s->arena, (void **)&s->enums, s->nenums, &s->cap_enums, sizeof(rt__enum)))
		return NULL;
	rt__enum *e = &s->enums[s->nenums];
	memset(e, 0, sizeof(*e));
	if (rt__schema_set(s, &e->name, name))
		return NULL;
	s->nenums++;
	return e;
}

static int add_string(rt__schema *s, const char ***arr, size_t *n, size_t *cap, const char *v)
{
	if (!room(s->arena, (void **)arr, *n, cap, sizeof(char *)))
		return -RT_ERR_NOMEM;
	if (rt__schema_set(s, &(*arr)[*n], v))
		return -RT_ERR_NOMEM;
	(*n)++;
	return 0;
}

int rt__enum_add_value(rt__schema *s, rt__enum *e, const char *value)
{
	return add_string(s, &e->values, &e->nvalues, &e->cap_values, value);
}

rt__column *rt__table_add_column(rt__schema *s, rt__table *t, const char *name, const char *type)
{
	if (!room(s->arena, (void **)&t->columns, t->ncolumns, &t->cap_columns, sizeof(rt__column)))
		return NULL;
	rt__column *c = &t->columns[t->ncolumns];
	memset(c, 0, sizeof(*c));
	if (rt__schema_set(s, &c->name, name) || rt__schema_set(s, &c->type, type))
		return NULL;
	t->ncolumns++;
	return c;
}

rt__constraint *rt__table_add_constraint(rt__schema *s, rt__table *t, rt__con_kind kind,
                                         const char *name)
{
	if (!room(s->arena, (void **)&t->constraints, t->nconstraints, &t->cap_constraints,
	          sizeof(rt__constraint)))
		return NULL;
	rt__constraint *c = &t->constraints[t->nconstraints];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	if (rt__schema_set(s, &c->name, name))
		return NULL;
	t->nconstraints++;
	return c;
}

rt__index *rt__table_add_index(rt__schema *s, rt__table *t, const char *name, bool unique)
{
	if (!room(s->arena, (void **)&t->indexes, t->nindexes, &t->cap_indexes, sizeof(rt__index)))
		return NULL;
	rt__index *ix = &t->indexes[t->nindexes];
	memset(ix, 0, sizeof(*ix));
	ix->unique = unique;
	if (rt__schema_set(s, &ix->name, name))
		return NULL;
	t->nindexes++;
	return ix;
}

/* Key lists grow one element at a time: they are short (a few columns). */
static int append(rt__schema *s, const char ***arr, size_t *n, const char *v)
{
	const char **grown = rt__arena_array(s->arena, *n + 1, sizeof(char *));
	if (!grown)
		return -RT_ERR_NOMEM;
	if (*n)
		memcpy(grown, *arr, *n * sizeof(char *));
	if (rt__schema_set(s, &grown[*n], v))
		return -RT_ERR_NOMEM;
	*arr = grown;
	(*n)++;
	return 0;
}

int rt__index_add_key(rt__schema *s, rt__index *ix, const char *key, bool is_expr)
{
	bool *flags = rt__arena_array(s->arena, ix->nkeys + 1, sizeof(bool));
	if (!flags)
		return -RT_ERR_NOMEM;
	if (ix->nkeys)
		memcpy(flags, ix->key_is_expr, ix->nkeys * sizeof(bool));
	flags[ix->nkeys] = is_expr;
	int rc = append(s, &ix->keys, &ix->nkeys, key);
	if (!rc)
		ix->key_is_expr = flags;
	return rc;
}

int rt__constraint_add_column(rt__schema *s, rt__constraint *c, const char *column)
{
	return append(s, &c->columns, &c->ncolumns, column);
}

int rt__constraint_add_ref_column(rt__schema *s, rt__constraint *c, const char *column)
{
	return append(s, &c->ref_columns, &c->nref_columns, column);
}

rt__table *rt__schema_table(const rt__schema *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

rt__enum *rt__schema_enum(const rt__schema *s, const char *name)
{
	for (size_t i = 0; i < s->nenums; i++)
		if (!strcmp(s->enums[i].name, name))
			return &s->enums[i];
	return NULL;
}

rt__column *rt__table_column(const rt__table *t, const char *name)
{
	for (size_t i = 0; i < t->ncolumns; i++)
		if (!strcmp(t->columns[i].name, name))
			return &t->columns[i];
	return NULL;
}

rt__index *rt__table_index(const rt__table *t, const char *name)
{
	for (size_t i = 0; i < t->nindexes; i++)
		if (!strcmp(t->indexes[i].name, name))
			return &t->indexes[i];
	return NULL;
}

rt__constraint *rt__table_primary_key(const rt__table *t)
{
	for (size_t i = 0; i < t->nconstraints; i++)
		if (t->constraints[i].kind == RT__CON_PRIMARY)
			return &t->constraints[i];
	return NULL;
}

int rt__constraint_default_name(rt_buf *out, const char *table, const rt__constraint *c)
{
	static const char *const suffix[] = {
	    [RT__CON_PRIMARY] = "pkey",
	    [RT__CON_UNIQUE] = "key",
	    [RT__CON_FOREIGN] = "fkey",
	    [RT__CON_CHECK] = "check",
	};
	int rc = rt_buf_puts(out, table);
	for (size_t i = 0; !rc && c->kind != RT__CON_PRIMARY && i < c->ncolumns; i++)
		rc = rt_buf_printf(out, "_%s", c->columns[i]);
	return rc ? rc : rt_buf_printf(out, "_%s", suffix[c->kind]);
}

/* ---- copy ---------------------------------------------------------------- */

static int copy_str(rt__schema *d, const char **field)
{
	return rt__schema_set(d, field, *field);
}

static int copy_list(rt__schema *d, const char ***arr, size_t n)
{
	if (!n)
		return 0;
	const char **src = *arr;
	const char **dst = rt__arena_array(d->arena, n, sizeof(char *));
	if (!dst)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (rt__schema_set(d, &dst[i], src[i]))
			return -RT_ERR_NOMEM;
	*arr = dst;
	return 0;
}

static void *copy_array(rt__arena *a, const void *src, size_t n, size_t size)
{
	void *dst = rt__arena_array(a, n ? n : 1, size);
	if (dst && n)
		memcpy(dst, src, n * size);
	return dst;
}

static int copy_table(rt__schema *d, rt__table *t)
{
	int rc = copy_str(d, &t->name) || copy_str(d, &t->comment) || copy_str(d, &t->renamed_from);
	if (rc)
		return -RT_ERR_NOMEM;
	t->columns = copy_array(d->arena, t->columns, t->ncolumns, sizeof(rt__column));
	t->constraints =
	    copy_array(d->arena, t->constraints, t->nconstraints, sizeof(rt__constraint));
	t->indexes = copy_array(d->arena, t->indexes, t->nindexes, sizeof(rt__index));
	if (!t->columns || !t->constraints || !t->indexes)
		return -RT_ERR_NOMEM;
	t->cap_columns = t->ncolumns ? t->ncolumns : 1;
	t->cap_constraints = t->nconstraints ? t->nconstraints : 1;
	t->cap_indexes = t->nindexes ? t->nindexes : 1;
	for (size_t i = 0; i < t->ncolumns; i++) {
		rt__column *c = &t->columns[i];
		if (copy_str(d, &c->name) || copy_str(d, &c->type) ||
		    copy_str(d, &c->default_expr) || copy_str(d, &c->identity) ||
		    copy_str(d, &c->comment) || copy_str(d, &c->renamed_from))
			return -RT_ERR_NOMEM;
	}
	for (size_t i = 0; i < t->nconstraints; i++) {
		rt__constraint *c = &t->constraints[i];
		if (copy_str(d, &c->name) || copy_list(d, &c->columns, c->ncolumns) ||
		    copy_str(d, &c->ref_table) || copy_list(d, &c->ref_columns, c->nref_columns) ||
		    copy_str(d, &c->on_delete) || copy_str(d, &c->on_update) ||
		    copy_str(d, &c->check_expr))
			return -RT_ERR_NOMEM;
	}
	for (size_t i = 0; i < t->nindexes; i++) {
		rt__index *ix = &t->indexes[i];
		bool *flags = copy_array(d->arena, ix->key_is_expr, ix->nkeys, sizeof(bool));
		if (!flags || copy_str(d, &ix->name) || copy_list(d, &ix->keys, ix->nkeys) ||
		    copy_str(d, &ix->where) || copy_str(d, &ix->method))
			return -RT_ERR_NOMEM;
		ix->key_is_expr = flags;
	}
	return 0;
}

int rt__schema_copy(rt__schema *dst, rt__arena *a, const rt__schema *src)
{
	rt__schema_init(dst, a, src->dialect);
	dst->tables = copy_array(a, src->tables, src->ntables, sizeof(rt__table));
	dst->enums = copy_array(a, src->enums, src->nenums, sizeof(rt__enum));
	if (!dst->tables || !dst->enums)
		return -RT_ERR_NOMEM;
	dst->ntables = dst->cap_tables = src->ntables;
	dst->nenums = dst->cap_enums = src->nenums;
	if (rt__schema_set(dst, &dst->schema_name, src->schema_name))
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < dst->ntables; i++)
		if (copy_table(dst, &dst->tables[i]))
			return -RT_ERR_NOMEM;
	for (size_t i = 0; i < dst->nenums; i++) {
		rt__enum *e = &dst->enums[i];
		if (copy_str(dst, &e->name) || copy_list(dst, &e->values, e->nvalues))
			return -RT_ERR_NOMEM;
		e->cap_values = e->nvalues;
	}
	return 0;
}

/* ---- sort ---------------------------------------------------------------- */

static int by_table(const void *x, const void *y)
{
	return strcmp(((const rt__table *)x)->name, ((const rt__table *)y)->name);
}

static int by_enum(const void *x, const void *y)
{
	return strcmp(((const rt__enum *)x)->name, ((const rt__enum *)y)->name);
}

static int by_index(const void *x, const void *y)
{
	return strcmp(((const rt__index *)x)->name, ((const rt__index *)y)->name);
}

/* Unnamed constraints (SQLite) sort after named ones, by kind then columns. */
static int by_constraint(const void *x, const void *y)
{
	const rt__constraint *a = x, *b = y;
	if (a->name && b->name)
		return strcmp(a->name, b->name);
	if (a->name || b->name)
		return a->name ? -1 : 1;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	for (size_t i = 0; i < a->ncolumns && i < b->ncolumns; i++) {
		int c = strcmp(a->columns[i], b->columns[i]);
		if (c)
			return c;
	}
	if (a->ncolumns != b->ncolumns)
		return a->ncolumns < b->ncolumns ? -1 : 1;
	return strcmp(a->check_expr ? a->check_expr : "", b->check_expr ? b->check_expr : "");
}

void rt__schema_sort(rt__schema *s)
{
	if (s->ntables)
		qsort(s->tables, s->ntables, sizeof(rt__table), by_table);
	if (s->nenums)
		qsort(s->enums, s->nenums, sizeof(rt__enum), by_enum);
	for (size_t i = 0; i < s->ntables; i++) {
		rt__table *t = &s->tables[i];
		if (t->nindexes)
			qsort(t->indexes, t->nindexes, sizeof(rt__index), by_index);
		if (t->nconstraints)
			qsort(t->constraints, t->nconstraints, sizeof(rt__constraint),
			      by_constraint);
	}
}
