/* adopt_baseline.h — `retort adopt` without --from-alembic (internal; see
 * rt_ctx_adopt in retort/migrate.h and adopt_baseline.c). */
#ifndef RETORT_ADOPT_BASELINE_H
#define RETORT_ADOPT_BASELINE_H

#include <stdbool.h>

#include "ctx.h"

/* Writes the baseline revision and the models of ctx's live database and
 * points version_table at Alembic's table, or stamps a new baseline; fills
 * out (the caller releases it). */
int rt__adopt_baseline(rt_ctx *ctx, bool force, rt_adopt_result *out, rt_error *err);

#endif
