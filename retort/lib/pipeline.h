/* pipeline.h — transactional migrations sent back to back (internal): what
 * runtime.c hands to the dialects that pipeline (see pipeline.c for the
 * mechanism and its invariants).
 */
#ifndef RETORT_PIPELINE_H
#define RETORT_PIPELINE_H

#include "ctx.h"

/* Runs steps[0..nsteps), all with transactional sections, through the
 * dialect's pipeline members: each in its own transaction with its
 * version-table change and log row, sent without waiting for the previous
 * one. Stops at the first failure, which leaves the database after the
 * steps before it; *heads and *n follow the steps applied (the new array
 * lives in a, like everything the run allocates). */
int rt__run_pipelined(rt_ctx *ctx, rt__arena *a, const char ***heads, size_t *n,
                      const rt_step *steps, size_t nsteps, rt_error *err);

#endif
