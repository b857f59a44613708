/* ops.h — the operations autogenerate emits (internal): what turns the
 * database's schema into the models' schema, ordered so that each step is
 * valid when it runs, and invertible so the downgrade is the exact inverse.
 *
 * An op points at the schema objects it moves between: `before` is the
 * database side (what a drop removes, what an alter changes from), `after`
 * the model side (what a create makes, what an alter changes to). The op
 * also names the table and column as they are called when the op runs:
 * ops that remove things run before renames (database names), ops that add
 * or change things run after them (model names); see order.c.
 *
 * This header and ops.c hold the op list and the facts about one op that
 * every stage reads. The stages sit on top of it and run one way, as
 * autogen.c calls them: compare.h finds the ops, order.h orders and inverts
 * them, render.h prints them; none of them includes another.
 *
 * To add an operation kind: add it to rt__op_kind, give it a phase and an
 * inverse in order.c, a data-loss rule in rt__op_destroys_data (ops.c), SQL
 * and a summary line in render.c, and a row in tests/unit/test_render.c.
 */
#ifndef RETORT_AUTOGEN_OPS_H
#define RETORT_AUTOGEN_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "schema/model.h"
#include "util/arena.h"

typedef enum rt__op_kind {
	RT__OP_CREATE_TABLE,       /* after.table */
	RT__OP_DROP_TABLE,         /* before.table */
	RT__OP_RENAME_TABLE,       /* table -> new_name; before/after.table */
	RT__OP_ADD_COLUMN,         /* after.column */
	RT__OP_DROP_COLUMN,        /* before.column */
	RT__OP_RENAME_COLUMN,      /* column -> new_name; before/after.column */
	RT__OP_ALTER_TYPE,         /* before/after.column */
	RT__OP_SET_NOT_NULL,       /* before/after.column */
	RT__OP_DROP_NOT_NULL,      /* before/after.column */
	RT__OP_SET_DEFAULT,        /* after.column->default_expr; before.column for the inverse */
	RT__OP_DROP_DEFAULT,       /* before.column->default_expr kept for the inverse */
	RT__OP_ADD_CONSTRAINT,     /* after.constraint */
	RT__OP_DROP_CONSTRAINT,    /* before.constraint */
	RT__OP_CREATE_INDEX,       /* after.index */
	RT__OP_DROP_INDEX,         /* before.index */
	RT__OP_CREATE_ENUM,        /* after.enum_type */
	RT__OP_DROP_ENUM,          /* before.enum_type */
	RT__OP_ADD_ENUM_VALUE,     /* before/after.enum_type: the values of after not in before */
	RT__OP_RECREATE_ENUM,      /* before/after.enum_type, uses: values removed or reordered */
	RT__OP_SET_TABLE_COMMENT,  /* before/after.table->comment (NULL: none) */
	RT__OP_SET_COLUMN_COMMENT, /* before/after.column->comment */
	RT__OP__COUNT
} rt__op_kind;

/* The objects an op moves from or to; only those its kind names are set. */
typedef struct rt__op_obj {
	const rt__table *table;
	const rt__column *column;
	const rt__constraint *constraint;
	const rt__index *index;
	const rt__enum *enum_type;
} rt__op_obj;

/* A column whose type is an enum being recreated, named as when the op runs,
 * with the default it has then (dropped and restored around the change). */
typedef struct rt__enum_use {
	const char *table;
	const char *column;
	const char *default_expr;
} rt__enum_use;

typedef struct rt__op {
	rt__op_kind kind;
	const char *table;    /* the table's name when the op runs; NULL for enum ops */
	const char *column;   /* column ops: the column's name when the op runs */
	const char *new_name; /* RENAME_TABLE / RENAME_COLUMN: the new name */
	rt__op_obj before, after;
	/* DROP/ADD_COLUMN of an unannotated drop+add pair of the same type in
	 * one table: the other column, offered as a commented-out RENAME. */
	const char *rename_peer;
	const rt__enum_use *uses; /* ADD_ENUM_VALUE, RECREATE_ENUM */
	size_t nuses;
	bool destroys_data;
} rt__op;

typedef struct rt__ops {
	rt__arena *arena; /* borrowed: copies made while ordering live here */
	rt__op *ops;
	size_t n, cap;
} rt__ops;

/* Something a person should look at before trusting the script. */
typedef struct rt__diag {
	const char *message; /* arena text, e.g. "possible rename: users.name -> users.full_name" */
	rt__srcpos pos;      /* model position when known */
} rt__diag;

typedef struct rt__diags {
	rt__arena *arena; /* borrowed */
	rt__diag *items;
	size_t n, cap;
} rt__diags;

void rt__ops_init(rt__ops *ops, rt__arena *a);
void rt__diags_init(rt__diags *d, rt__arena *a);

/* Appends a zeroed op of kind; NULL on allocation failure. The pointer is
 * valid until the next append. */
rt__op *rt__ops_add(rt__ops *ops, rt__op_kind kind);

/* Whether an op of this shape loses stored data (dropping a table or a
 * column, recreating an enum without some of its values). */
bool rt__op_destroys_data(const rt__op *op);

/* Whether after holds every value of before, in the same order: the change
 * is then ALTER TYPE ... ADD VALUE, else the type is recreated. */
bool rt__enum_only_added(const rt__enum *before, const rt__enum *after);

#endif
