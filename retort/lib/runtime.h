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

/* Turns the database's error (in err) for statement st of step into the
 * migration's error: script file and statement line, the database's words,
 * and where the database stays (heads[0..n)). Returns -RT_ERR_MIGRATION. */
int rt__statement_failed(const rt_step *step, const rt__stmt *st, const char *const *heads,
                         size_t n, rt_error *err);

/* Runs steps[0..nsteps), all with transactional sections, through the
 * dialect's pipeline members (pipeline.c): each in its own transaction with
 * its version-table change and log row, sent without waiting for the
 * previous one. Stops at the first failure, which leaves the database after
 * the steps before it; *heads and *n follow the steps applied (the new
 * array lives in a, like everything the run allocates). */
int rt__run_pipelined(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n,
                      const rt_step *steps, size_t nsteps, rt_error *err);

#endif
