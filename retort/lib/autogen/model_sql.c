/* model_sql.c — a schema model as model files (see model_sql.h).
 *
 * The schema is compared with an empty one of the same dialect: that gives
 * the ops that create it (CREATE TYPE, CREATE TABLE with its indexes and
 * comments), which order.c sorts referenced-first and whose foreign-key
 * cycles it breaks into ADD CONSTRAINT ops, and render.c prints. Nothing
 * here knows how a table is written; it only decides which file each op
 * goes to. SQLite is not ordered: its keys may point forward (see the
 * header), and tables in name order read best there.
 */
#include <stdlib.h>
#include <string.h>

#include "autogen/compare.h"
#include "autogen/model_sql.h"
#include "autogen/order.h"
#include "autogen/render.h"
#include "banned.h"

/* Where the enum types go when files are split. */
static const char types_file[] = "types.sql";

/* A file being filled: its name and the ops that go into it, in order. */
typedef struct pending {
	const char *name;
	rt__ops ops;
} pending;

typedef struct pendings {
	rt__arena *arena;
	pending *v;
	size_t n, cap;
} pendings;

/* The file name for table: <table>.sql with anything but letters, digits,
 * '_' and '-' replaced, so that no name reaches outside the directory or
 * hides itself with a leading dot. */
static const char *table_file(rt__arena *a, const char *table)
{
	size_t len = strlen(table);
	char *name = rt__arena_printf(a, "%s.sql", table);
	for (size_t i = 0; name && i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '-';
		if (!ok)
			name[i] = '_';
	}
	return name;
}

/* The pending file called name, added when new; NULL on allocation
 * failure. A linear search: a few hundred tables at most, once each. */
static pending *file_named(pendings *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	if (p->n == p->cap &&
	    !(p->v = rt__arena_grow(p->arena, p->v, p->n, &p->cap, sizeof(*p->v))))
		return NULL;
	pending *f = &p->v[p->n++];
	f->name = name;
	rt__ops_init(&f->ops, p->arena);
	return f;
}

static bool same_table(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Each op rendered alone, with a blank line where another table (or the
 * enum types) begins and before each CREATE TABLE, so that tables stand
 * apart and their indexes, comments and keys stay with them. */
static int render_ops(rt__arena *a, const rt__ops *ops, rt_dialect dialect, const char *name,
                      rt__model_file *out)
{
	rt_buf b = RT_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < ops->n; i++) {
		rt__op op = ops->ops[i];
		rt__ops one = {.arena = a, .ops = &op, .n = 1, .cap = 1};
		bool apart = i && (op.kind == RT__OP_CREATE_TABLE ||
		                   !same_table(op.table, ops->ops[i - 1].table));
		if (apart)
			rc = rt_buf_putc(&b, '\n');
		rc = rc ? rc : rt__render_sql(&b, &one, dialect);
	}
	char *sql = rc ? NULL : rt__arena_strndup(a, b.data, b.len);
	*out = (rt__model_file){name, sql, b.len};
	rt_buf_release(&b);
	return sql ? 0 : -RT_ERR_NOMEM;
}

/* Distributes ops over files: enum types to types.sql, the rest to their
 * table's file. */
static int distribute(rt__arena *a, const rt__ops *ops, pendings *p)
{
	for (size_t i = 0; i < ops->n; i++) {
		const rt__op *op = &ops->ops[i];
		const char *name = op->table ? table_file(a, op->table) : types_file;
		pending *f = name ? file_named(p, name) : NULL;
		rt__op *slot = f ? rt__ops_add(&f->ops, op->kind) : NULL;
		if (!slot)
			return -RT_ERR_NOMEM;
		*slot = *op;
	}
	return 0;
}

static int by_file_name(const void *x, const void *y)
{
	return strcmp(((const rt__model_file *)x)->name, ((const rt__model_file *)y)->name);
}

int rt__model_sql(rt__arena *a, const rt__schema *s, bool split, rt__model_file **files, size_t *n,
                  rt_error *err)
{
	*files = NULL;
	*n = 0;
	/* sorted here, whoever built s: the same schema gives the same bytes */
	rt__schema sorted, empty;
	if (rt__schema_copy(&sorted, a, s))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt__schema_sort(&sorted);
	s = &sorted;
	rt__schema_init(&empty, a, s->dialect);
	empty.schema_name = s->schema_name;
	rt__ops ops;
	rt__diags diags;
	rt__ops_init(&ops, a);
	rt__diags_init(&diags, a);
	int rc = rt__compare(&empty, s, &ops, &diags, err);
	if (!rc && s->dialect == RT_DIALECT_POSTGRESQL)
		rc = rt__ops_order(&ops, err);
	if (rc)
		return rc;

	pendings p = {.arena = a};
	if (!split) {
		p.v = rt__arena_alloc(a, sizeof(pending));
		if (!p.v)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		p.v[0] = (pending){"schema.sql", ops};
		p.n = 1;
	} else if (distribute(a, &ops, &p)) {
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	rt__model_file *out = rt__arena_array(a, p.n + 1, sizeof(*out));
	if (!out)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < p.n; i++)
		if (render_ops(a, &p.v[i].ops, s->dialect, p.v[i].name, &out[i]))
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	qsort(out, p.n, sizeof(*out), by_file_name);
	*files = out;
	*n = p.n;
	return 0;
}
