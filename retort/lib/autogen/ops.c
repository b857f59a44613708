/* ops.c — the op list autogenerate's stages pass along, and the facts about
 * one op that more than one stage needs (see ops.h): compare asks whether
 * an enum change only adds values, and both compare and the inverse in
 * order.c mark the ops that lose data. Kept here so that compare and order
 * share this file and never each other.
 */
#include <string.h>

#include "autogen/ops.h"
#include "banned.h"

void rt__ops_init(rt__ops *ops, rt__arena *a)
{
	memset(ops, 0, sizeof(*ops));
	ops->arena = a;
}

void rt__diags_init(rt__diags *d, rt__arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
}

rt__op *rt__ops_add(rt__ops *ops, rt__op_kind kind)
{
	if (ops->n == ops->cap) {
		rt__op *grown =
		    rt__arena_grow(ops->arena, ops->ops, ops->n, &ops->cap, sizeof(rt__op));
		if (!grown)
			return NULL;
		ops->ops = grown;
	}
	rt__op *op = &ops->ops[ops->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	return op;
}

bool rt__enum_only_added(const rt__enum *before, const rt__enum *after)
{
	size_t j = 0;
	for (size_t i = 0; i < after->nvalues && j < before->nvalues; i++)
		if (!strcmp(after->values[i], before->values[j]))
			j++;
	return j == before->nvalues;
}

static bool has_value(const rt__enum *e, const char *v)
{
	for (size_t i = 0; i < e->nvalues; i++)
		if (!strcmp(e->values[i], v))
			return true;
	return false;
}

bool rt__op_destroys_data(const rt__op *op)
{
	if (op->kind == RT__OP_DROP_TABLE || op->kind == RT__OP_DROP_COLUMN)
		return true;
	if (op->kind != RT__OP_RECREATE_ENUM)
		return false;
	for (size_t i = 0; i < op->before.enum_type->nvalues; i++)
		if (!has_value(op->after.enum_type, op->before.enum_type->values[i]))
			return true;
	return false;
}
