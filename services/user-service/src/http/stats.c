/* stats.c — per-worker request figures (see stats.h).
 *
 * A worker's block holds one cell per (route slot, method, status class):
 * the count, the latency's sum in nanoseconds, and one counter per latency
 * bucket (not cumulative: the observation's own bucket only, so a request
 * costs three adds). A scrape sums the blocks and makes the buckets
 * cumulative.
 *
 * A scrape reads while workers write. The writer stores the count last,
 * with release order, and the reader loads it first, with acquire order: a
 * bucket or sum the reader sees may belong to a request whose count it
 * does not see yet, never the reverse, so the reader caps the cumulative
 * buckets at the count it read and the +Inf bucket is the count, as the
 * format requires. (On x86-64 both orders are plain moves.)
 */
#include "http/stats.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "banned.h"

/* Upper bounds of the latency buckets in nanoseconds, and as the le label
 * writes them: from half a millisecond (a cached /auth/me) to 10 s (past
 * any request timeout worth having). */
static const uint64_t bucket_ns[] = {
    500000,    1000000,   2500000,   5000000,    10000000,   25000000,   50000000,
    100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000, 10000000000,
};
static const char *const bucket_le[] = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5",     "10",
};
enum { BUCKETS = sizeof bucket_ns / sizeof bucket_ns[0] };

static const char *const method_label[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"};
enum { METHODS = sizeof method_label / sizeof method_label[0], CLASSES = 5 };

#define UNMATCHED "unmatched"

typedef struct cell {
	core_counter count, sum_ns, buckets[BUCKETS];
} cell;

/* One worker's figures, on cache lines of its own. */
typedef struct block {
	_Alignas(64) core_counter begun;
	core_counter ended;
	cell cells[]; /* slots * METHODS * CLASSES */
} block;

struct http_stats {
	const char **patterns; /* slot -> route pattern; the last slot is UNMATCHED */
	unsigned *slot_of;     /* route index -> slot */
	size_t n_routes;
	unsigned slots;
	unsigned workers;
	bool counting;
	block **blocks;
};

static size_t cells_per_block(const http_stats *st)
{
	return (size_t)st->slots * METHODS * CLASSES;
}

int http_stats_new(const http_route *routes, size_t n, unsigned workers, bool counting,
                   http_stats **out)
{
	http_stats *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	st->workers = workers ? workers : 1;
	st->counting = counting;
	st->n_routes = n;
	st->patterns = calloc(n + 1, sizeof *st->patterns);
	st->slot_of = calloc(n ? n : 1, sizeof *st->slot_of);
	st->blocks = calloc(st->workers, sizeof *st->blocks);
	if (!st->patterns || !st->slot_of || !st->blocks)
		goto nomem;
	/* one slot per distinct pattern: GET and PUT /profile share theirs */
	for (size_t i = 0; i < n; i++) {
		unsigned s = 0;
		while (s < st->slots && strcmp(st->patterns[s], routes[i].pattern) != 0)
			s++;
		if (s == st->slots)
			st->patterns[st->slots++] = routes[i].pattern;
		st->slot_of[i] = s;
	}
	st->patterns[st->slots++] = UNMATCHED;
	size_t cells = counting ? cells_per_block(st) : 0;
	size_t size = sizeof(block) + cells * sizeof(cell);
	size = (size + 63) / 64 * 64; /* aligned_alloc wants a multiple */
	for (unsigned w = 0; w < st->workers; w++) {
		if (!(st->blocks[w] = aligned_alloc(64, size)))
			goto nomem;
		memset(st->blocks[w], 0, size);
	}
	*out = st;
	return 0;
nomem:
	http_stats_free(st);
	return -1;
}

void http_stats_free(http_stats *st)
{
	if (!st)
		return;
	for (unsigned w = 0; st->blocks && w < st->workers; w++)
		free(st->blocks[w]);
	free(st->blocks);
	free(st->patterns);
	free(st->slot_of);
	free(st);
}

unsigned http_stats_workers(const http_stats *st)
{
	return st->workers;
}

unsigned http_stats_slot(const http_stats *st, size_t route_index)
{
	return route_index < st->n_routes ? st->slot_of[route_index] : st->slots - 1;
}

void http_stats_begin(http_stats *st, unsigned w)
{
	core_counter_add(&st->blocks[w]->begun, 1);
}

static unsigned method_index(http_method m)
{
	for (unsigned i = 0; i < METHODS - 1; i++)
		if (m == (http_method)(1u << i))
			return i;
	return METHODS - 1;
}

void http_stats_end(http_stats *st, unsigned w, unsigned slot, http_method method, int status,
                    double seconds)
{
	block *b = st->blocks[w];
	core_counter_add(&b->ended, 1);
	if (!st->counting)
		return;
	int cls = status / 100 - 1;
	if (cls < 0 || cls >= CLASSES)
		cls = CLASSES - 1; /* no answer at all is the server's failure */
	if (slot >= st->slots)
		slot = st->slots - 1;
	cell *c =
	    &b->cells[((size_t)slot * METHODS + method_index(method)) * CLASSES + (size_t)cls];
	uint64_t ns = seconds > 0 ? (uint64_t)(seconds * 1e9) : 0;
	unsigned k = 0;
	while (k < BUCKETS && ns > bucket_ns[k])
		k++;
	if (k < BUCKETS)
		core_counter_add(&c->buckets[k], 1);
	core_counter_add(&c->sum_ns, ns);
	/* last, and released: see the top of the file */
	atomic_store_explicit(&c->count, atomic_load_explicit(&c->count, memory_order_relaxed) + 1,
	                      memory_order_release);
}

long http_stats_in_flight(const http_stats *st)
{
	long n = 0;
	for (unsigned w = 0; w < st->workers; w++)
		n += (long)(core_counter_get(&st->blocks[w]->begun) -
		            core_counter_get(&st->blocks[w]->ended));
	return n;
}

/* A cell summed over the workers, buckets cumulative. */
typedef struct total {
	uint64_t count, sum_ns, cumulative[BUCKETS];
} total;

static void sum_cell(const http_stats *st, size_t i, total *t)
{
	*t = (total){0};
	for (unsigned w = 0; w < st->workers; w++) {
		const cell *c = &st->blocks[w]->cells[i];
		uint64_t count =
		    atomic_load_explicit((core_counter *)&c->count, memory_order_acquire);
		uint64_t run = 0;
		for (unsigned k = 0; k < BUCKETS; k++) {
			run += core_counter_get(&c->buckets[k]);
			t->cumulative[k] += run < count ? run : count;
		}
		t->count += count;
		t->sum_ns += core_counter_get(&c->sum_ns);
	}
}

/* {route="...",method="...",status="2xx" — without the closing brace, so
 * a bucket can add le. */
static int labels_of(const http_stats *st, size_t i, rt_buf *out)
{
	size_t cls = i % CLASSES, method = i / CLASSES % METHODS, slot = i / CLASSES / METHODS;
	char status[4] = {(char)('1' + cls), 'x', 'x', '\0'};
	rt_buf_reset(out);
	return rt_buf_putc(out, '{') || core_metrics_label(out, "route", st->patterns[slot]) ||
	               rt_buf_putc(out, ',') ||
	               core_metrics_label(out, "method", method_label[method]) ||
	               rt_buf_putc(out, ',') || core_metrics_label(out, "status", status)
	           ? -1
	           : 0;
}

#define REQUESTS  CORE_METRICS_PREFIX "http_requests_total"
#define DURATION  CORE_METRICS_PREFIX "http_request_duration_seconds"
#define IN_FLIGHT CORE_METRICS_PREFIX "http_requests_in_flight"

/* The series of one histogram; labels lacks its closing brace. */
static int write_histogram(rt_buf *out, const char *labels, const total *t)
{
	rt_buf l = RT_BUF_INIT;
	int rc = 0;
	for (unsigned k = 0; !rc && k <= BUCKETS; k++) {
		rt_buf_reset(&l);
		rc = rt_buf_printf(&l, "%s,le=\"%s\"}", labels,
		                   k < BUCKETS ? bucket_le[k] : "+Inf") ||
		     core_metrics_u64(out, DURATION "_bucket", l.data,
		                      k < BUCKETS ? t->cumulative[k] : t->count);
	}
	rt_buf_reset(&l);
	rc = rc || rt_buf_printf(&l, "%s}", labels) ||
	     core_metrics_f64(out, DURATION "_sum", l.data, (double)t->sum_ns / 1e9) ||
	     core_metrics_u64(out, DURATION "_count", l.data, t->count);
	rt_buf_release(&l);
	return rc ? -1 : 0;
}

int http_stats_write(void *ctx, rt_buf *out)
{
	const http_stats *st = ctx;
	long inflight = http_stats_in_flight(st);
	if (core_metrics_head(out, IN_FLIGHT, "gauge",
	                      "Requests being handled now (read, not yet answered).") ||
	    core_metrics_u64(out, IN_FLIGHT, "", (uint64_t)(inflight > 0 ? inflight : 0)))
		return -1;
	if (!st->counting)
		return 0;
	size_t n = cells_per_block(st);
	total *totals = malloc(n * sizeof *totals);
	rt_buf labels = RT_BUF_INIT;
	int rc = totals ? 0 : -1;
	for (size_t i = 0; !rc && i < n; i++)
		sum_cell(st, i, &totals[i]);
	rc = rc || core_metrics_head(out, REQUESTS, "counter",
	                             "HTTP requests answered, by route template, method and "
	                             "status class.");
	for (size_t i = 0; !rc && i < n; i++) {
		if (!totals[i].count)
			continue;
		rc = labels_of(st, i, &labels) || rt_buf_putc(&labels, '}') ||
		     core_metrics_u64(out, REQUESTS, labels.data, totals[i].count);
	}
	rc = rc || core_metrics_head(out, DURATION, "histogram",
	                             "Time from a request's headers to its answer's end, in "
	                             "seconds, by route template, method and status class.");
	for (size_t i = 0; !rc && i < n; i++) {
		if (!totals[i].count)
			continue;
		rc = labels_of(st, i, &labels) || write_histogram(out, labels.data, &totals[i]);
	}
	rt_buf_release(&labels);
	free(totals);
	return rc ? -1 : 0;
}
