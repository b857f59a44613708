/* ctx.h — the inside of rt_ctx (internal), shared by the runtime, offline
 * and revision-writing modules. */
#ifndef RETORT_CTX_H
#define RETORT_CTX_H

#include <stdbool.h>

#include "retort/migrate.h"
#include "retort/url.h"
#include "util/arena.h"

struct rt__db;

struct rt_ctx {
	const rt_config *cfg;
	rt_graph *graph;
	rt_log_fn log;
	void *log_ud;
	rt_url url; /* parsed on first use; url.dialect == NONE until then */
	struct rt__db *db;
	rt__arena scratch;   /* per-call results (rt_ctx_current); reset per call */
	bool no_model_cache; /* autogenerate applies every model file (--no-cache) */
};

/* Formats and sends one log line (no-op without a callback). */
void rt__ctx_log(rt_ctx *ctx, rt_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reloads the graph from disk (after a new script was written). */
int rt__ctx_reload(rt_ctx *ctx, rt_error *err);

/* Parses the URL once. */
int rt__ctx_url(rt_ctx *ctx, const rt_url **out, rt_error *err);

#endif
