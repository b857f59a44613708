/* metrics.h — Prometheus metrics: single-writer counters that cost the hot
 * path a plain add, a registry of sources the composition root fills, and
 * the text exposition format (0.0.4) they are written in.
 *
 * Counting. A core_counter is written by one thread only (a worker's own
 * counters, a connection's) and read by any (the scrape): the writer loads
 * and stores with relaxed order, which compiles to an ordinary add with no
 * lock prefix and no shared cache line, and a reader never sees a torn
 * value. Totals over workers are summed when a scrape asks.
 *
 * Sources. Each layer writes its own figures (http/stats.c the requests,
 * services/metrics.c the database, hashing and throttling figures,
 * core/metrics_process.c the process's); app.c and main.c register them in
 * one core_metrics, which the /metrics handler renders in order.
 *
 * Every metric name starts with CORE_METRICS_PREFIX, except Prometheus'
 * standard process_* names.
 */
#ifndef CORE_METRICS_H
#define CORE_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "retort/buf.h"

#define CORE_METRICS_PREFIX "user_service_"

/* The exposition format's content type. */
#define CORE_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

typedef _Atomic uint64_t core_counter;

/* Adds n; only ever from the one thread that owns c. */
static inline void core_counter_add(core_counter *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
	                      memory_order_relaxed);
}

static inline uint64_t core_counter_get(const core_counter *c)
{
	return atomic_load_explicit((core_counter *)c, memory_order_relaxed);
}

/* Writes a source's metrics to out; returns 0, or -1 when out is full. */
typedef int (*core_metrics_fn)(void *ctx, rt_buf *out);

enum { CORE_METRICS_MAX_SOURCES = 8 };

/* The sources of one /metrics answer, in order. Filled before the server
 * starts and read-only afterwards. */
typedef struct core_metrics {
	struct {
		core_metrics_fn fn;
		void *ctx; /* borrowed; must outlive the registry's use */
	} sources[CORE_METRICS_MAX_SOURCES];
	size_t n;
} core_metrics;

/* Appends a source; -1 when the registry is full (a programming error). */
int core_metrics_add(core_metrics *m, core_metrics_fn fn, void *ctx);

/* Renders every source into out (appended). Returns 0, or -1 when out's
 * limit was reached or memory ran out. */
int core_metrics_render(const core_metrics *m, rt_buf *out);

/* ---- writing the exposition format ---- */

/* "# HELP name help\n# TYPE name type\n"; name is written as given. */
int core_metrics_head(rt_buf *out, const char *name, const char *type, const char *help);

/* A sample: name, then labels (already formatted, "{a=\"b\"}", or "" for
 * none), then the value. */
int core_metrics_u64(rt_buf *out, const char *name, const char *labels, uint64_t v);
int core_metrics_f64(rt_buf *out, const char *name, const char *labels, double v);

/* Appends name="value" to out with the value escaped as the format wants
 * (backslash, double quote, newline). */
int core_metrics_label(rt_buf *out, const char *name, const char *value);

/* The source for build and schema information (ctx: unused):
 * <prefix>build_info{version,revision} and <prefix>schema_info{revision},
 * both 1. */
int core_metrics_build_info(void *ctx, rt_buf *out);

/* The source for Prometheus' standard process_* figures, read from /proc
 * (ctx: unused): CPU seconds, resident and virtual memory, open and maximum
 * file descriptors, start time. */
int core_metrics_process(void *ctx, rt_buf *out);

#endif
