/* order.c — the one place operations are ordered, and inverted.
 *
 * Order: each op kind has a phase (the table below); ops run phase by phase,
 * in the order compare emitted them within a phase, except that created
 * tables are sorted so a referenced table comes first and dropped tables so
 * a referencing table goes first (Kahn's algorithm over the foreign keys,
 * keeping the emitted order among the ready ones). A foreign-key cycle is
 * broken by moving the foreign keys that close it out of the table into
 * ADD CONSTRAINT (creates) or DROP CONSTRAINT (drops) ops.
 *
 * Inverse: the downgrade is the inverse of each op in reverse order. That
 * is valid whenever the upgrade is, because the inverse of op k runs in
 * exactly the state op k left behind. Ops that remove things carry the whole
 * removed object (before), so their inverse can recreate it.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "autogen/order.h"
#include "util/heap.h"
#include "banned.h"

/* The phases, in the order they run. Removals run before renames (so they
 * use the database's names), then drops, enum changes on the surviving
 * columns, creates, alters, and the adds that need everything else in
 * place. PHASE_NONE is no phase: a kind left out of phase_of would get it
 * and never be emitted. */
typedef enum phase_id {
	PHASE_NONE,
	PHASE_CREATE_ENUM,
	PHASE_DROP_FOREIGN_KEY,
	PHASE_DROP_CONSTRAINT, /* the other constraints, after the foreign keys */
	PHASE_DROP_INDEX,
	PHASE_RENAME_TABLE,
	PHASE_RENAME_COLUMN,
	PHASE_DROP_TABLE,
	PHASE_DROP_COLUMN,
	PHASE_CHANGE_ENUM,
	PHASE_CREATE_TABLE,
	PHASE_ADD_COLUMN,
	PHASE_DROP_DEFAULT,
	PHASE_DROP_NOT_NULL,
	PHASE_ALTER_TYPE,
	PHASE_SET_DEFAULT,
	PHASE_SET_NOT_NULL,
	PHASE_COMMENT,
	PHASE_CREATE_INDEX,
	PHASE_ADD_CONSTRAINT,
	PHASE_ADD_FOREIGN_KEY, /* after the keys they reference */
	PHASE_DROP_ENUM,
	PHASE__COUNT
} phase_id;

/* A new phase or a new op kind changes these counts: place it in the enum
 * above and in phase_of (and give a new kind an inverse in inverse_of),
 * then update the count here. */
static_assert(PHASE__COUNT == 22, "a phase was added or removed: check phase_of and phase()");
static_assert(RT__OP__COUNT == 21, "a new op kind needs a phase_of row and an inverse_of row");

static const phase_id phase_of[RT__OP__COUNT] = {
    [RT__OP_CREATE_ENUM] = PHASE_CREATE_ENUM,
    [RT__OP_DROP_CONSTRAINT] = PHASE_DROP_CONSTRAINT, /* foreign keys: see phase() */
    [RT__OP_DROP_INDEX] = PHASE_DROP_INDEX,
    [RT__OP_RENAME_TABLE] = PHASE_RENAME_TABLE,
    [RT__OP_RENAME_COLUMN] = PHASE_RENAME_COLUMN,
    [RT__OP_DROP_TABLE] = PHASE_DROP_TABLE,
    [RT__OP_DROP_COLUMN] = PHASE_DROP_COLUMN,
    [RT__OP_ADD_ENUM_VALUE] = PHASE_CHANGE_ENUM,
    [RT__OP_RECREATE_ENUM] = PHASE_CHANGE_ENUM,
    [RT__OP_CREATE_TABLE] = PHASE_CREATE_TABLE,
    [RT__OP_ADD_COLUMN] = PHASE_ADD_COLUMN,
    [RT__OP_DROP_DEFAULT] = PHASE_DROP_DEFAULT,
    [RT__OP_DROP_NOT_NULL] = PHASE_DROP_NOT_NULL,
    [RT__OP_ALTER_TYPE] = PHASE_ALTER_TYPE,
    [RT__OP_SET_DEFAULT] = PHASE_SET_DEFAULT,
    [RT__OP_SET_NOT_NULL] = PHASE_SET_NOT_NULL,
    [RT__OP_SET_TABLE_COMMENT] = PHASE_COMMENT,
    [RT__OP_SET_COLUMN_COMMENT] = PHASE_COMMENT,
    [RT__OP_CREATE_INDEX] = PHASE_CREATE_INDEX,
    [RT__OP_ADD_CONSTRAINT] = PHASE_ADD_CONSTRAINT, /* foreign keys: see phase() */
    [RT__OP_DROP_ENUM] = PHASE_DROP_ENUM,
};

static phase_id phase(const rt__op *op)
{
	/* foreign keys go first among drops and last among adds: they depend
	 * on the primary and unique keys they reference */
	if (op->kind == RT__OP_DROP_CONSTRAINT && op->before.constraint->kind == RT__CON_FOREIGN)
		return PHASE_DROP_FOREIGN_KEY;
	if (op->kind == RT__OP_ADD_CONSTRAINT && op->after.constraint->kind == RT__CON_FOREIGN)
		return PHASE_ADD_FOREIGN_KEY;
	return phase_of[op->kind];
}

/* ---- foreign-key sort of created / dropped tables ------------------------ */

typedef struct edge {
	size_t first, then; /* node `first` must run before node `then` */
	size_t owner;       /* the node whose table holds the foreign key */
	size_t con;         /* its index in that table's constraints */
	bool live;
} edge;

typedef struct named_node {
	const char *name;
	size_t node;
} named_node;

typedef struct tsort {
	rt__ops *ops;   /* where moved-out constraint ops go */
	rt__op **nodes; /* the CREATE_TABLE or DROP_TABLE ops, emitted order */
	size_t n;
	bool creating;
	named_node *by_name; /* the nodes sorted by table name */
	edge *edges;         /* grouped by `then`: node k's are edges[start[k]..start[k+1]) */
	size_t nedges;
	size_t *start;
	size_t *out;       /* edge numbers grouped by `first`: out[out_start[k]..] */
	size_t *out_start; /* (the edges node k holds back) */
	size_t *waiting;   /* per node: live edges whose `first` is not done */
	bool **stripped;   /* per node: constraints moved out, or NULL */
} tsort;

static const rt__table *node_table(const tsort *t, size_t i)
{
	return t->creating ? t->nodes[i]->after.table : t->nodes[i]->before.table;
}

/* By name, then emitted order: find_node finds the first of a name. */
static int by_name(const void *x, const void *y)
{
	const named_node *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->node > b->node) - (a->node < b->node);
}

/* The node whose table is called name, or t->n. */
static size_t find_node(const tsort *t, const char *name)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(t->by_name[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && !strcmp(t->by_name[lo].name, name) ? t->by_name[lo].node : t->n;
}

/* The foreign keys between nodes as edges, grouped by the node they hold
 * back (a counting sort), so that a node's own edges are at hand when a
 * cycle must be broken there, and grouped by the node that must come first,
 * so that finishing a node releases the nodes waiting for it. */
static int build_edges(tsort *t, rt__arena *a)
{
	size_t cap = 0;
	for (size_t i = 0; i < t->n; i++)
		cap += node_table(t, i)->nconstraints;
	edge *all = rt__arena_array(a, cap + 1, sizeof(edge));
	t->edges = rt__arena_array(a, cap + 1, sizeof(edge));
	t->start = rt__arena_array(a, t->n + 2, sizeof(size_t));
	t->out = rt__arena_array(a, cap + 1, sizeof(size_t));
	t->out_start = rt__arena_array(a, t->n + 2, sizeof(size_t));
	t->waiting = rt__arena_array(a, t->n + 1, sizeof(size_t));
	t->stripped = rt__arena_array(a, t->n + 1, sizeof(bool *));
	t->by_name = rt__arena_array(a, t->n + 1, sizeof(named_node));
	if (!all || !t->edges || !t->start || !t->out || !t->out_start || !t->waiting ||
	    !t->stripped || !t->by_name)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < t->n; i++)
		t->by_name[i] = (named_node){node_table(t, i)->name, i};
	qsort(t->by_name, t->n, sizeof(named_node), by_name);
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const rt__table *tab = node_table(t, i);
		for (size_t k = 0; k < tab->nconstraints; k++) {
			const rt__constraint *c = &tab->constraints[k];
			if (c->kind != RT__CON_FOREIGN || !c->ref_table)
				continue;
			size_t j = find_node(t, c->ref_table);
			if (j == t->n || j == i)
				continue;
			all[n++] = (edge){t->creating ? j : i, t->creating ? i : j, i, k, true};
			t->start[all[n - 1].then + 2]++;
			t->out_start[all[n - 1].first + 2]++;
			t->waiting[all[n - 1].then]++;
		}
	}
	for (size_t k = 2; k < t->n + 2; k++) {
		t->start[k] += t->start[k - 1];
		t->out_start[k] += t->out_start[k - 1];
	}
	for (size_t e = 0; e < n; e++)
		t->edges[t->start[all[e].then + 1]++] = all[e];
	for (size_t e = 0; e < n; e++)
		t->out[t->out_start[t->edges[e].first + 1]++] = e;
	t->nedges = n;
	return 0;
}

/* Moves the foreign key of edge e out of its table into its own op. */
static int break_edge(tsort *t, rt__arena *a, edge *e)
{
	const rt__table *tab = node_table(t, e->owner);
	if (!t->stripped[e->owner]) {
		t->stripped[e->owner] = rt__arena_array(a, tab->nconstraints, sizeof(bool));
		if (!t->stripped[e->owner])
			return -RT_ERR_NOMEM;
	}
	e->live = false;
	if (t->stripped[e->owner][e->con])
		return 0;
	t->stripped[e->owner][e->con] = true;
	rt__op *op =
	    rt__ops_add(t->ops, t->creating ? RT__OP_ADD_CONSTRAINT : RT__OP_DROP_CONSTRAINT);
	if (!op)
		return -RT_ERR_NOMEM;
	op->table = tab->name;
	rt__op_obj *side = t->creating ? &op->after : &op->before;
	side->table = tab;
	side->constraint = &tab->constraints[e->con];
	return 0;
}

/* Replaces a node's table by a copy without its moved-out constraints. */
static int strip(tsort *t, rt__arena *a, size_t i)
{
	const rt__table *tab = node_table(t, i);
	rt__table *copy = rt__arena_alloc(a, sizeof(*copy));
	rt__constraint *cons = rt__arena_array(a, tab->nconstraints, sizeof(*cons));
	if (!copy || !cons)
		return -RT_ERR_NOMEM;
	*copy = *tab;
	copy->constraints = cons;
	copy->nconstraints = 0;
	for (size_t k = 0; k < tab->nconstraints; k++)
		if (!t->stripped[i][k])
			cons[copy->nconstraints++] = tab->constraints[k];
	copy->cap_constraints = copy->nconstraints;
	if (t->creating)
		t->nodes[i]->after.table = copy;
	else
		t->nodes[i]->before.table = copy;
	return 0;
}

/* Sorts t->nodes in place (as op copies): Kahn's algorithm, taking the
 * ready node that was emitted first; when none is ready (a cycle), the first
 * waiting node goes anyway, its foreign keys to waiting nodes moved out. */
static int topo(tsort *t, rt__arena *a)
{
	bool *done = rt__arena_array(a, t->n + 1, sizeof(bool));
	rt__op **sorted = rt__arena_array(a, t->n + 1, sizeof(*sorted));
	rt__heap ready = {rt__arena_array(a, t->n + 1, sizeof(size_t)), 0};
	if (!done || !sorted || !ready.v || build_edges(t, a))
		return -RT_ERR_NOMEM;
	for (size_t k = 0; k < t->n; k++)
		if (!t->waiting[k])
			rt__heap_push(&ready, k);
	size_t first_waiting = 0;
	for (size_t out = 0; out < t->n; out++) {
		size_t k;
		if (ready.n) {
			k = rt__heap_pop(&ready);
		} else {
			while (done[first_waiting])
				first_waiting++;
			k = first_waiting;
			for (size_t e = t->start[k]; e < t->start[k + 1]; e++) {
				edge *ed = &t->edges[e];
				if (ed->live && !done[ed->first] && break_edge(t, a, ed))
					return -RT_ERR_NOMEM;
			}
		}
		done[k] = true;
		sorted[out] = t->nodes[k];
		for (size_t o = t->out_start[k]; o < t->out_start[k + 1]; o++) {
			const edge *ed = &t->edges[t->out[o]];
			if (ed->live && !done[ed->then] && !--t->waiting[ed->then])
				rt__heap_push(&ready, ed->then);
		}
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->stripped[i] && strip(t, a, i))
			return -RT_ERR_NOMEM;
	memcpy(t->nodes, sorted, t->n * sizeof(*sorted));
	return 0;
}

/* Collects the ops of one kind (as pointers to copies, so that appending
 * moved-out constraint ops to `ops` cannot move them) and sorts them. */
static int sort_tables(rt__ops *ops, const rt__op *orig, size_t n, rt__op_kind kind, tsort *t)
{
	rt__arena *a = ops->arena;
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->creating = kind == RT__OP_CREATE_TABLE;
	t->nodes = rt__arena_array(a, n + 1, sizeof(rt__op *));
	if (!t->nodes)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (orig[i].kind != kind)
			continue;
		rt__op *copy = rt__arena_alloc(a, sizeof(*copy));
		if (!copy)
			return -RT_ERR_NOMEM;
		*copy = orig[i];
		t->nodes[t->n++] = copy;
	}
	return topo(t, a);
}

int rt__ops_order(rt__ops *ops, rt_error *err)
{
	rt__arena *a = ops->arena;
	size_t n = ops->n;
	rt__op *orig = rt__arena_array(a, n + 1, sizeof(rt__op));
	if (!orig)
		goto nomem;
	if (n)
		memcpy(orig, ops->ops, n * sizeof(rt__op));
	/* moved-out constraint ops are appended to a fresh list, then merged */
	rt__ops extra;
	rt__ops_init(&extra, a);
	tsort creates, drops;
	if (sort_tables(&extra, orig, n, RT__OP_CREATE_TABLE, &creates) ||
	    sort_tables(&extra, orig, n, RT__OP_DROP_TABLE, &drops))
		goto nomem;
	ops->n = 0;
	for (phase_id p = PHASE_NONE + 1; p < PHASE__COUNT; p++) {
		const tsort *sorted = p == PHASE_CREATE_TABLE ? &creates
		                      : p == PHASE_DROP_TABLE ? &drops
		                                              : NULL;
		for (size_t i = 0; sorted && i < sorted->n; i++) {
			rt__op *op = rt__ops_add(ops, sorted->nodes[i]->kind);
			if (!op)
				goto nomem;
			*op = *sorted->nodes[i];
		}
		for (size_t i = 0; !sorted && i < n + extra.n; i++) {
			const rt__op *src = i < n ? &orig[i] : &extra.ops[i - n];
			if (phase(src) != p)
				continue;
			rt__op *op = rt__ops_add(ops, src->kind);
			if (!op)
				goto nomem;
			*op = *src;
		}
	}
	return 0;
nomem:
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory while ordering operations");
}

/* ---- inverse ------------------------------------------------------------- */

static const rt__op_kind inverse_of[RT__OP__COUNT] = {
    [RT__OP_CREATE_TABLE] = RT__OP_DROP_TABLE,
    [RT__OP_DROP_TABLE] = RT__OP_CREATE_TABLE,
    [RT__OP_RENAME_TABLE] = RT__OP_RENAME_TABLE,
    [RT__OP_ADD_COLUMN] = RT__OP_DROP_COLUMN,
    [RT__OP_DROP_COLUMN] = RT__OP_ADD_COLUMN,
    [RT__OP_RENAME_COLUMN] = RT__OP_RENAME_COLUMN,
    [RT__OP_ALTER_TYPE] = RT__OP_ALTER_TYPE,
    [RT__OP_SET_NOT_NULL] = RT__OP_DROP_NOT_NULL,
    [RT__OP_DROP_NOT_NULL] = RT__OP_SET_NOT_NULL,
    [RT__OP_SET_DEFAULT] = RT__OP_SET_DEFAULT, /* or DROP: see inverse() */
    [RT__OP_DROP_DEFAULT] = RT__OP_SET_DEFAULT,
    [RT__OP_ADD_CONSTRAINT] = RT__OP_DROP_CONSTRAINT,
    [RT__OP_DROP_CONSTRAINT] = RT__OP_ADD_CONSTRAINT,
    [RT__OP_CREATE_INDEX] = RT__OP_DROP_INDEX,
    [RT__OP_DROP_INDEX] = RT__OP_CREATE_INDEX,
    [RT__OP_CREATE_ENUM] = RT__OP_DROP_ENUM,
    [RT__OP_DROP_ENUM] = RT__OP_CREATE_ENUM,
    [RT__OP_ADD_ENUM_VALUE] = RT__OP_RECREATE_ENUM,
    [RT__OP_RECREATE_ENUM] = RT__OP_RECREATE_ENUM, /* or ADD VALUE: see inverse() */
    [RT__OP_SET_TABLE_COMMENT] = RT__OP_SET_TABLE_COMMENT,
    [RT__OP_SET_COLUMN_COMMENT] = RT__OP_SET_COLUMN_COMMENT,
};

static void inverse(const rt__op *op, rt__op *inv)
{
	*inv = *op;
	inv->kind = inverse_of[op->kind];
	inv->before = op->after;
	inv->after = op->before;
	if (op->kind == RT__OP_RENAME_TABLE) {
		inv->table = op->new_name;
		inv->new_name = op->table;
	} else if (op->kind == RT__OP_RENAME_COLUMN) {
		inv->column = op->new_name;
		inv->new_name = op->column;
	} else if (op->kind == RT__OP_SET_DEFAULT && !inv->after.column->default_expr) {
		inv->kind = RT__OP_DROP_DEFAULT;
	} else if (op->kind == RT__OP_RECREATE_ENUM &&
	           rt__enum_only_added(inv->before.enum_type, inv->after.enum_type)) {
		inv->kind = RT__OP_ADD_ENUM_VALUE;
	}
	inv->destroys_data = rt__op_destroys_data(inv);
}

int rt__ops_inverse(const rt__ops *in, rt__ops *out, rt_error *err)
{
	for (size_t i = in->n; i-- > 0;) {
		rt__op *inv = rt__ops_add(out, in->ops[i].kind);
		if (!inv)
			return rt_error_set(err, RT_ERR_NOMEM,
			                    "out of memory while inverting operations");
		inverse(&in->ops[i], inv);
	}
	return 0;
}
