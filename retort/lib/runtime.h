/* runtime.h — the online runtime's one helper for other modules (internal):
 * the connection autogenerate and the models loader open on demand. The
 * step helpers it shares with pipeline.c and offline.c are in step.h. */
#ifndef RETORT_RUNTIME_H
#define RETORT_RUNTIME_H

#include "ctx.h"

/* Opens ctx's connection on first use. */
int rt__ctx_connect(rt_ctx *ctx, rt_error *err);

#endif
