/* ctx.c — opening and closing a migration context (see retort/migrate.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"
#include "dialect/dialect.h"
#include "banned.h"

int rt_ctx_open(const rt_config *cfg, rt_ctx **out, rt_error *err)
{
	rt_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	ctx->cfg = cfg;
	rt__arena_init(&ctx->scratch);
	int rc = rt_graph_load(rt_config_versions_dir(cfg), &ctx->graph, err);
	if (rc) {
		free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

void rt_ctx_free(rt_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->db)
		rt__db_close(ctx->db);
	rt_graph_free(ctx->graph);
	rt_url_release(&ctx->url);
	rt__arena_release(&ctx->scratch);
	free(ctx);
}

void rt_ctx_set_log(rt_ctx *ctx, rt_log_fn fn, void *ud)
{
	ctx->log = fn;
	ctx->log_ud = ud;
}

void rt_ctx_set_model_cache(rt_ctx *ctx, bool use)
{
	ctx->no_model_cache = !use;
}

const rt_graph *rt_ctx_graph(const rt_ctx *ctx)
{
	return ctx->graph;
}

const rt_config *rt_ctx_config(const rt_ctx *ctx)
{
	return ctx->cfg;
}

void rt__ctx_log(rt_ctx *ctx, rt_log_level level, const char *fmt, ...)
{
	if (!ctx->log)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->log(ctx->log_ud, level, line);
}

int rt__ctx_reload(rt_ctx *ctx, rt_error *err)
{
	rt_graph *g;
	int rc = rt_graph_load(rt_config_versions_dir(ctx->cfg), &g, err);
	if (rc)
		return rc;
	rt_graph_free(ctx->graph);
	ctx->graph = g;
	return 0;
}

int rt__ctx_url(rt_ctx *ctx, const rt_url **out, rt_error *err)
{
	if (ctx->url.dialect == RT_DIALECT_NONE) {
		const char *text = rt_config_database_url(ctx->cfg);
		if (!text || !*text) {
			int rc = rt_error_set(err, RT_ERR_CONFIG, "no database url configured");
			rt_error_hint(err, "set database_url in %s, DATABASE_URL, or pass --url",
			              *rt_config_path(ctx->cfg) ? rt_config_path(ctx->cfg)
			                                        : "retort.ini");
			return rc;
		}
		int rc = rt_url_parse(text, &ctx->url, err);
		if (rc)
			return rc;
	}
	*out = &ctx->url;
	return 0;
}

int rt_ctx_dialect(rt_ctx *ctx, rt_dialect *out, rt_error *err)
{
	const rt_url *url;
	int rc = rt__ctx_url(ctx, &url, err);
	if (!rc)
		*out = url->dialect;
	return rc;
}
