/* step.h — helpers for one migration step, shared by the three ways steps
 * are carried out (internal): one statement at a time (runtime.c), sent
 * back to back (pipeline.c) and printed as SQL (offline.c). They sit below
 * all three so that none of those includes another for them.
 */
#ifndef RETORT_STEP_H
#define RETORT_STEP_H

#include "ctx.h"
#include "retort/buf.h"
#include "sql/split.h"

/* "a, b" for a list of revision ids ("" when empty): the way Alembic prints
 * the sides of "Running upgrade a, b -> c". */
int rt__join_ids(rt_buf *out, const char *const *ids, size_t n);

/* Replaces *heads (arena array) by the heads after change c. */
int rt__heads_apply(rt__arena *a, const char ***heads, size_t *n, const rt_version_change *c);

/* Appends st and its ';' (on a line of its own when st ends in a line
 * comment) and a blank line. */
int rt__put_statement(rt_buf *out, const rt__stmt *st);

/* Logs "Running upgrade A -> B, message" / "Running downgrade B -> A, message". */
void rt__log_step(rt_ctx *ctx, const rt_step *step);

/* Turns the database's error (in err) for statement st of step into the
 * migration's error: script file and statement line, the database's words,
 * and where the database stays (heads[0..n)). Returns -RT_ERR_MIGRATION. */
int rt__statement_failed(const rt_step *step, const rt__stmt *st, const char *const *heads,
                         size_t n, rt_error *err);

#endif
