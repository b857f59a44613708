/* order.h — the second stage of autogenerate (internal): the one place
 * operations are ordered, and inverted for the downgrade (see ops.h for the
 * stages, order.c for how).
 */
#ifndef RETORT_AUTOGEN_ORDER_H
#define RETORT_AUTOGEN_ORDER_H

#include "autogen/ops.h"
#include "retort/error.h"

/* Orders ops in place so that each is valid when it runs: phases (drops of
 * constraints and indexes, renames, drops, creates, alters, adds of indexes
 * and constraints), tables created referenced-first and dropped
 * referencing-first. A foreign-key cycle among created (dropped) tables is
 * broken by moving one foreign key out into an ADD (DROP) CONSTRAINT op.
 * 0 or -RT_ERR_NOMEM. */
int rt__ops_order(rt__ops *ops, rt_error *err);

/* Fills out (initialised by the caller) with the downgrade of in: the
 * inverse of each op, in reverse order. 0 or -RT_ERR_NOMEM. */
int rt__ops_inverse(const rt__ops *in, rt__ops *out, rt_error *err);

#endif
