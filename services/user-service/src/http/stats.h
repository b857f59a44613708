/* stats.h — request figures for /metrics, counted per worker and summed
 * when a scrape asks: requests and their latency by route template, method
 * and status class, and requests in flight.
 *
 * Labels are bounded by construction: the route label is a pattern of the
 * route table ("/enrollments/{id}", never the raw path) or "unmatched" for
 * every path no route matches; the method label one of GET, POST, PUT,
 * PATCH, DELETE, OTHER (HEAD counts as GET, as the router treats it); the
 * status label a class, 1xx..5xx. So a client inventing paths or methods
 * cannot grow the output.
 *
 * Each worker writes only its own block (core_counter: a plain add, see
 * core/metrics.h), so counting shares no cache line between workers and
 * takes no lock.
 */
#ifndef HTTP_STATS_H
#define HTTP_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "retort/buf.h"

typedef struct http_stats http_stats;

/* Figures for `workers` workers serving routes[0..n) (borrowed: they must
 * outlive the stats). counting false keeps only the in-flight count
 * (which a graceful stop needs): no latency, no totals, nothing rendered.
 * *out is owned by the caller (http_stats_free, after the server using it
 * stopped). Returns 0, or -1 when out of memory. */
int http_stats_new(const http_route *routes, size_t n, unsigned workers, bool counting,
                   http_stats **out);
void http_stats_free(http_stats *st);
unsigned http_stats_workers(const http_stats *st);

/* The label slot of routes[i], or of no route (i == SIZE_MAX). */
unsigned http_stats_slot(const http_stats *st, size_t route_index);

/* On worker w's thread only: a request began; a request ended, in slot,
 * with method and status, after seconds. */
void http_stats_begin(http_stats *st, unsigned w);
void http_stats_end(http_stats *st, unsigned w, unsigned slot, http_method method, int status,
                    double seconds);

/* Requests begun and not yet ended, over every worker (any thread). */
long http_stats_in_flight(const http_stats *st);

/* The core_metrics source (ctx: the http_stats): <prefix>http_requests_total,
 * <prefix>http_request_duration_seconds (histogram),
 * <prefix>http_requests_in_flight. Series appear once they counted a
 * request. */
int http_stats_write(void *ctx, rt_buf *out);

#endif
