/* runtime.h — helpers shared by the online runtime and offline mode (internal). */
#ifndef RETORT_RUNTIME_H
#define RETORT_RUNTIME_H

#include "ctx.h"
#include "retort/buf.h"
#include "sql/split.h"

/* "a, b" for a list of revision ids ("" when empty): the way Alembic prints
 * the sides of "Running upgrade a, b -> c". */
int rt__join_ids(rt_buf *out, const char *const *ids, size_t n);

/* Opens ctx's connection on first use. */
int rt__ctx_connect(rt_ctx *ctx, rt_error *err);

/* Replaces *heads (arena array) by the heads after change c. */
int rt__heads_apply(rt__arena *a, const char ***heads, size_t *n, const rt_version_change *c);

/* Appends st and its ';' (on a line of its own when st ends in a line
 * comment) and a blank line. */
int rt__put_statement(rt_buf *out, const rt__stmt *st);

/* Logs "Running upgrade A -> B, message" / "Running downgrade B -> A, message". */
void rt__log_step(rt_ctx *ctx, const rt_step *step);

#endif
