/* metrics.c — the services' figures (see metrics.h). Everything is read at
 * the scrape from counters kept where the events happen: the pool's
 * connections (core/db.c), the hashing queue (core/cpu_pool.h), the
 * throttle tables, and svc_stats around the hashing calls (auth.c). */
#include "services/metrics.h"

#include "core/metrics.h"
#include "services/service.h"
#include "banned.h"

#define P CORE_METRICS_PREFIX

static int write_db(const svc_context *ctx, rt_buf *out)
{
	core_db_pool_stats st;
	core_db_pool_stats_get(ctx->db, &st);
	rt_buf labels = RT_BUF_INIT;
	int rc = core_metrics_head(out, P "db_errors_total", "counter",
	                           "Failed database calls (statements and connects), by kind: "
	                           "unavailable (no connection, lost, or locked too long), "
	                           "unique, foreign_key (constraint violations), error, nomem.");
	for (int i = 0; !rc && i < CORE_DB_FAILURE_KINDS; i++) {
		rt_buf_reset(&labels);
		rc = rt_buf_putc(&labels, '{') ||
		     core_metrics_label(&labels, "kind", core_db_status_name(-i - 1)) ||
		     rt_buf_putc(&labels, '}') ||
		     core_metrics_u64(out, P "db_errors_total", labels.data, st.failures[i]);
	}
	rt_buf_release(&labels);
	rc = rc ||
	     core_metrics_head(out, P "db_connects_total", "counter",
	                       "Database connections opened (each worker keeps one).") ||
	     core_metrics_u64(out, P "db_connects_total", "", st.connects) ||
	     core_metrics_head(out, P "db_reconnects_total", "counter",
	                       "Database connections opened by a worker that had one before "
	                       "(its earlier connection broke).") ||
	     core_metrics_u64(out, P "db_reconnects_total", "", st.reconnects) ||
	     core_metrics_head(out, P "db_pool_waits_total", "counter",
	                       "Requests that waited for their worker's connection: for another "
	                       "request's connect in progress (reason=connect) or, on "
	                       "PostgreSQL, another request's transaction (reason=transaction).") ||
	     core_metrics_u64(out, P "db_pool_waits_total", "{reason=\"connect\"}",
	                      st.waits_connect) ||
	     core_metrics_u64(out, P "db_pool_waits_total", "{reason=\"transaction\"}",
	                      st.waits_transaction);
	return rc;
}

static int write_hashing(const svc_context *ctx, rt_buf *out)
{
	long in_flight = 0;
	unsigned long long done = 0, refused = 0;
	if (ctx->stats) {
		in_flight =
		    atomic_load_explicit(&ctx->stats->hashes_in_flight, memory_order_relaxed);
		done = atomic_load_explicit(&ctx->stats->hashes_done, memory_order_relaxed);
		refused = atomic_load_explicit(&ctx->stats->hashes_refused, memory_order_relaxed);
	}
	return core_metrics_head(out, P "password_hashes_in_flight", "gauge",
	                         "Password hashes and checks handed to the hashing threads and "
	                         "not yet back (waiting or running).") ||
	       core_metrics_u64(out, P "password_hashes_in_flight", "",
	                        (uint64_t)(in_flight > 0 ? in_flight : 0)) ||
	       core_metrics_head(out, P "password_hashes_queued", "gauge",
	                         "Password hashes and checks waiting for a hashing thread.") ||
	       core_metrics_u64(out, P "password_hashes_queued", "",
	                        core_cpu_pool_queued(ctx->hashing)) ||
	       core_metrics_head(out, P "password_hashes_total", "counter",
	                         "Password hashes and checks, by outcome: done, or refused "
	                         "because the queue was full (answered 503).") ||
	       core_metrics_u64(out, P "password_hashes_total", "{outcome=\"done\"}", done) ||
	       core_metrics_u64(out, P "password_hashes_total", "{outcome=\"refused\"}", refused);
}

static int write_throttle(const svc_context *ctx, rt_buf *out)
{
	return core_metrics_head(out, P "login_throttled_total", "counter",
	                         "Login attempts refused (429) before any password check because "
	                         "a key had too many recent failures, by key: email or address. "
	                         "One attempt may count under both.") ||
	       core_metrics_u64(out, P "login_throttled_total", "{key=\"email\"}",
	                        core_throttle_refused(ctx->failed_email)) ||
	       core_metrics_u64(out, P "login_throttled_total", "{key=\"address\"}",
	                        core_throttle_refused(ctx->failed_addr));
}

int svc_metrics_write(void *ctx, rt_buf *out)
{
	const svc_context *svc = ctx;
	return write_db(svc, out) || write_hashing(svc, out) || write_throttle(svc, out) ? -1 : 0;
}
