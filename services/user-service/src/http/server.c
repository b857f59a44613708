/* server.c — libmicrohttpd glue (see server.h).
 *
 * One request's life: the first callback allocates its state and checks
 * Content-Length against the limit (413 before reading a byte); following
 * callbacks collect the body (413 once it passes the limit, for chunked
 * uploads); the last one routes, runs the handler and queues the response;
 * MHD's completion notice writes the log line, counts the request in the
 * worker's figures (http/stats.h) and frees the state. Those figures' in-flight
 * count lets a stop wait for answers still being computed while idle
 * keep-alive connections do not hold it up.
 *
 * Each worker is a thread with a daemon of its own (the workers' listening
 * sockets share the port through SO_REUSEPORT, so the kernel spreads
 * connections over them) driven by the worker's event loop (core/sched.h).
 * A handler runs in a fiber: when it waits for the database the connection
 * is suspended and the worker goes on with other requests; the fiber's end
 * resumes it, and the next round of the daemon sends the answer.
 *
 * Slow clients. libmicrohttpd's connection timeout is an inactivity timeout:
 * any byte resets it, so a client sending its headers a byte every few
 * seconds (slowloris) would hold its connection, and a descriptor, for ever.
 * So each connection also has an absolute deadline, kept here: its
 * request's headers must be complete header_timeout_s after the connection
 * opened or its previous answer was sent (so that is also how long a
 * keep-alive connection may idle), and once they are, its body must be
 * complete timeout_s after them (a rate floor would need per-read counts
 * the library does not give; a bound on the whole body is as effective
 * against a trickle and easy to state). While the handler runs and the
 * answer is sent there is no deadline: that time is ours, and a client not
 * reading its answer meets the inactivity timeout. A connection past its
 * deadline is shut down (shutdown(2) on its socket, which stays open): its
 * socket turns readable, the daemon reads the end of the stream and closes
 * and frees the connection in its next round, through its usual path.
 *
 * Each worker keeps its connections in two queues, one per deadline kind.
 * Every entry of a queue got the same span added to a monotonic clock, so
 * appending keeps a queue sorted: the head is the next to expire, arming
 * and disarming are O(1), and the loop's wait ends at the earliest head.
 * (libmicrohttpd offers no absolute deadline to use instead.)
 *
 * Each worker accepts its share of max_connections, so idle sockets cannot
 * take every descriptor. At its limit the daemon takes its listening socket
 * out of its epoll set and puts it back in the round after a connection
 * closes; the loop asks for that round at once (rerun), or it would sleep
 * while clients wait in the backlog.
 */
#include "http/server.h"

#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/ids.h"
#include "core/log.h"
#include "core/sched.h"
#include "http/form.h"
#include "http/response.h"
#include "http/router.h"
#include "http/stats.h"
#include "retort/buf.h"
#include "banned.h"

enum {
	PATH_MAX_LEN = 2048,
	/* libmicrohttpd's per-connection pool (request line, headers, read
	 * buffer), cleared for every request: 16 KiB, h11's limit on a header
	 * block, at half the clearing cost of the 32 KiB default; over it,
	 * libmicrohttpd answers 431 itself */
	CONNECTION_MEMORY = 16 << 10,
	/* libmicrohttpd's own connection limit (FD_SETSIZE - 4), used when
	 * the configuration sets none */
	MHD_DEFAULT_CONNECTIONS = 1020,
};

/* How far a stop has gone; workers read it at each round of their loop. */
enum { RUNNING, QUIESCING, STOPPING };

typedef struct deadline_queue deadline_queue;

/* One client connection (libmicrohttpd's socket context): the deadline it
 * must meet, and the queue that holds it, if any. */
typedef struct conn_state {
	struct MHD_Connection *conn;
	deadline_queue *queue; /* NULL: no deadline now */
	struct conn_state *prev, *next;
	int64_t deadline_ms; /* CLOCK_MONOTONIC */
	bool cut;            /* shut down for a missed deadline */
} conn_state;

/* Connections with one kind of deadline, earliest first (see the top). */
struct deadline_queue {
	conn_state *head, *tail;
	int64_t span_ms;
	const char *what; /* for the log: what did not arrive in time */
};

typedef struct worker {
	http_server *s;
	unsigned index; /* its block in the server's http_stats */
	struct MHD_Daemon *daemon;
	core_sched *sched;
	int wake_fd;          /* eventfd: the stop's nudge */
	core_random_pool ids; /* request ids */
	deadline_queue headers, body;
	unsigned connections, limit; /* open, and the daemon's limit */
	bool rerun;                  /* the daemon needs another round at once */
	pthread_t thread;
	bool started, quiesced;
} worker;

struct http_server {
	const http_server_config *cfg;
	worker *workers;
	unsigned n_workers;
	http_stats *stats; /* cfg's, or the server's own (own_stats) */
	bool own_stats;
	atomic_int phase;
};

typedef struct request_state {
	http_request req;
	http_response res;
	worker *w;
	struct MHD_Connection *conn;
	rt_buf body;
	http_form_state form; /* when multipart: the body goes here instead */
	bool multipart;
	bool too_large;
	bool running; /* the handler's fiber is parked; the connection suspended */
	bool ready;   /* res holds the answer, to be sent */
	bool answered;
	int status;
	unsigned slot; /* the route's label slot in http_stats */
	struct timespec start;
	char path[PATH_MAX_LEN];
} request_state;

static int64_t now_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void deadline_clear(conn_state *cs)
{
	deadline_queue *q = cs ? cs->queue : NULL;
	if (!q)
		return;
	if (cs->prev)
		cs->prev->next = cs->next;
	else
		q->head = cs->next;
	if (cs->next)
		cs->next->prev = cs->prev;
	else
		q->tail = cs->prev;
	cs->prev = cs->next = NULL;
	cs->queue = NULL;
}

/* (Re)starts cs's clock: q's span from now, at q's tail. */
static void deadline_arm(deadline_queue *q, conn_state *cs)
{
	if (!cs || cs->cut)
		return;
	deadline_clear(cs);
	cs->deadline_ms = now_ms() + q->span_ms;
	cs->queue = q;
	cs->prev = q->tail;
	if (q->tail)
		q->tail->next = cs;
	else
		q->head = cs;
	q->tail = cs;
}

static conn_state *conn_state_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Shuts down the connections of q whose deadline has passed; the daemon
 * closes them in its next round (see the top). */
static void deadline_expire(deadline_queue *q, int64_t now)
{
	while (q->head && q->head->deadline_ms <= now) {
		conn_state *cs = q->head;
		deadline_clear(cs);
		cs->cut = true;
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(cs->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci && shutdown(ci->connect_fd, SHUT_RDWR) && errno != ENOTCONN)
			core_log(CORE_LOG_WARNING, "http: cannot close a slow client: %s",
			         strerror(errno));
		core_log(CORE_LOG_DEBUG, "http: closing a connection: no complete %s in %llds",
		         q->what, (long long)(q->span_ms / 1000));
	}
}

/* Milliseconds until q's next deadline (0 when past), or -1 for none. */
static int64_t deadline_wait(const deadline_queue *q, int64_t now)
{
	if (!q->head)
		return -1;
	return q->head->deadline_ms > now ? q->head->deadline_ms - now : 0;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	worker *w = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		w->connections++;
		conn_state *cs = calloc(1, sizeof *cs);
		if (!cs) /* out of memory: the inactivity timeout still holds */
			return;
		cs->conn = c;
		*socket_context = cs;
		deadline_arm(&w->headers, cs);
		return;
	}
	/* At its limit the daemon takes its listening socket out of its epoll
	 * set; it puts it back in a round after one closes, but nothing would
	 * wake the loop for that round: ask for it. */
	if (w->connections-- >= w->limit)
		w->rerun = true;
	if (*socket_context) {
		deadline_clear(*socket_context);
		free(*socket_context);
		*socket_context = NULL;
	}
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

const char *http_header(const http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void http_peer_address(const http_request *req, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	socklen_t salen = !sa                         ? 0
	                  : sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                              : sizeof(struct sockaddr_in);
	if (!sa || getnameinfo(sa, salen, out, (socklen_t)len, NULL, 0, NI_NUMERICHOST))
		snprintf(out, len, "unknown");
}

/* A client's request id is kept when it is a short token of [A-Za-z0-9-_.]
 * (it ends up in logs and headers). */
static void request_id(worker *w, struct MHD_Connection *c, char out[33])
{
	const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-ID");
	size_t len = given ? strlen(given) : 0;
	bool ok = len > 0 && len <= 32;
	for (size_t i = 0; ok && i < len; i++)
		ok = (given[i] >= 'a' && given[i] <= 'z') || (given[i] >= 'A' && given[i] <= 'Z') ||
		     (given[i] >= '0' && given[i] <= '9') || given[i] == '-' || given[i] == '_' ||
		     given[i] == '.';
	if (ok) {
		memcpy(out, given, len + 1);
		return;
	}
	core_request_id_from(&w->ids, out);
}

static enum MHD_Result send_response(request_state *st, struct MHD_Connection *c,
                                     http_response *res)
{
	char *text = res->text;
	res->text = NULL;
	/* a borrowed body, or 304 (Not Modified) which has none */
	bool borrowed = res->data || res->status == 304;
	if (borrowed) {
		free(text);
		text = NULL;
	} else if (!res->status ||
	           (res->status >= 200 && !res->body && !text && res->status != 204)) {
		/* a handler that answered nothing, or ran out of memory */
		res->status = 500;
		free(text);
		text = strdup("{\"detail\":\"Internal Server Error\"}");
	} else if (res->body && !text) {
		text = json_dumps(res->body, JSON_COMPACT | JSON_ENCODE_ANY);
	}
	json_decref(res->body);
	res->body = NULL;
	size_t len = text ? strlen(text) : 0;
	struct MHD_Response *r =
	    borrowed ? MHD_create_response_from_buffer(res->data_len, (void *)res->data,
	                                               MHD_RESPMEM_PERSISTENT)
	             : MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	if (text || res->data)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		                        res->content_type ? res->content_type : "application/json");
	if (res->cache_control)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, res->cache_control);
	if (res->etag)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, res->etag);
	MHD_add_response_header(r, "X-Request-ID", st->req.request_id);
	if (res->allow[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
	if (res->www_authenticate)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, res->www_authenticate);
	if (res->retry_after) {
		char seconds[16];
		snprintf(seconds, sizeof seconds, "%u", res->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
	}
	st->status = res->status;
	st->answered = true;
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* The metrics label slot of a request: its route's, or for a 405 the
 * route of a method the path does match (so a wrong method on a known path
 * counts under that path's template), else the unmatched slot. */
static unsigned route_slot(http_server *s, const http_route *route, http_request *req,
                           unsigned allowed)
{
	const http_server_config *cfg = s->cfg;
	if (!route && allowed) {
		unsigned ignored;
		http_method some = (http_method)(allowed & -allowed); /* the lowest bit */
		route =
		    http_router_match(cfg->routes, cfg->n_routes, some, req->path, req, &ignored);
	}
	return http_stats_slot(s->stats, route ? (size_t)(route - cfg->routes) : SIZE_MAX);
}

static void dispatch(http_server *s, request_state *st, http_response *res)
{
	const http_server_config *cfg = s->cfg;
	http_request *req = &st->req;
	unsigned allowed;
	const http_route *route =
	    http_router_match(cfg->routes, cfg->n_routes, req->method, req->path, req, &allowed);
	st->slot = route_slot(s, route, req, allowed);
	if (st->too_large) {
		http_detail(res, 413, "Request Entity Too Large");
		return;
	}
	req->body = st->body.data;
	req->body_len = st->body.len;
	req->form = st->multipart ? http_form_finish(&st->form) : NULL;
	if (!route) {
		if (allowed)
			http_method_not_allowed(res, allowed);
		else
			http_not_found(res);
		return;
	}
	if (route->auth) {
		if (!cfg->authenticate) {
			res->www_authenticate = "Bearer";
			http_detail(res, 401, "Not authenticated");
			return;
		}
		if (cfg->authenticate(req, res))
			return;
	}
	route->handler(req, res);
}

static request_state *state_new(worker *w, struct MHD_Connection *c, const char *url,
                                const char *method)
{
	http_server *s = w->s;
	request_state *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->w = w;
	st->conn = c;
	st->slot = http_stats_slot(s->stats, SIZE_MAX); /* until routed */
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	rt_buf_init(&st->body, s->cfg->max_body_bytes);
	st->req.method = http_method_parse(method);
	st->req.method_name = method;
	st->req.app = s->cfg->app;
	st->req.conn = c;
	st->req.body = "";
	request_id(w, c, st->req.request_id);
	if (!http_path_normalise(url, st->path, sizeof st->path))
		st->path[0] = '\0'; /* longer than any route: 404 */
	st->req.path = st->path;
	return st;
}

static bool declared_too_large(struct MHD_Connection *c, size_t limit)
{
	const char *cl =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!cl)
		return false;
	char *end;
	unsigned long long n = strtoull(cl, &end, 10);
	return end != cl && n > limit;
}

static void run_handler(void *arg)
{
	request_state *st = arg;
	dispatch(st->w->s, st, &st->res);
}

/* The handler's fiber returned after parking: answer in the next round. */
static void handler_done(void *arg)
{
	request_state *st = arg;
	st->running = false;
	st->ready = true;
	MHD_resume_connection(st->conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	(void)version;
	worker *w = cls;
	http_server *s = w->s;
	request_state *st = *req_cls;
	if (!st) {
		if (!(st = state_new(w, c, url, method)))
			return MHD_NO; /* out of memory: drop the connection */
		*req_cls = st;
		http_stats_begin(s->stats, w->index);
		size_t limit = s->cfg->max_body_bytes;
		if (s->cfg->upload_max_bytes && http_form_is_multipart(c)) {
			st->multipart = true;
			limit += s->cfg->upload_max_bytes;
			http_form_begin(&st->form, c, s->cfg->upload_max_bytes);
		}
		if (!declared_too_large(c, limit)) {
			/* the headers are in: the body, if any, comes next */
			deadline_arm(&w->body, conn_state_of(c));
			return MHD_YES;
		}
		st->too_large = true;
	} else if (*upload_data_size && st->multipart) {
		/* the post processor bounds what it keeps; the file part's excess is
		 * dropped there, so the body itself has no limit beyond the
		 * declared one and the deadline */
		http_form_feed(&st->form, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	} else if (*upload_data_size) {
		if (!st->too_large && rt_buf_add(&st->body, upload_data, *upload_data_size)) {
			st->too_large = true; /* over the limit: keep reading, drop it */
			rt_buf_release(&st->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* the request is in: the time from here on is ours */
	deadline_clear(conn_state_of(c));
	if (st->answered || st->running)
		return MHD_YES;
	if (!st->ready) {
		int rc = core_sched_spawn(w->sched, run_handler, st, handler_done, st);
		if (rc == 0) {
			st->running = true;
			MHD_suspend_connection(c);
			return MHD_YES;
		}
		if (rc < 0)
			http_internal_error(&st->res); /* no stack for a fiber */
	}
	return send_response(st, c, &st->res);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	worker *w = cls;
	http_server *s = w->s;
	request_state *st = *req_cls;
	conn_state *cs = conn_state_of(c);
	/* a keep-alive connection: the next request's headers are due */
	deadline_arm(&w->headers, cs);
	if (!st)
		return;
	/* a body that did not arrive in time is logged as 408, though the
	 * connection was closed without an answer */
	int status = !st->answered && cs && cs->cut ? 408 : st->status;
	double ms = elapsed_ms(&st->start);
	core_log_request(st->req.method_name, st->path[0] ? st->path : "-", status, ms,
	                 st->req.request_id);
	http_stats_end(s->stats, w->index, st->slot, st->req.method, status, ms / 1e3);
	rt_buf_release(&st->body);
	if (st->multipart)
		http_form_release(&st->form);
	free(st);
	*req_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	core_log(CORE_LOG_DEBUG, "http: %s", msg);
}

static int resolve(const char *host, unsigned port, struct sockaddr_storage *out, socklen_t *len,
                   char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char service[8];
	snprintf(service, sizeof service, "%u", port);
	int rc = getaddrinfo(host, service, &hints, &ai);
	if (rc || !ai) {
		snprintf(err, errlen, "cannot resolve HOST '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void on_daemon_ready(void *ctx, uint32_t events)
{
	(void)ctx;
	(void)events; /* the round that follows runs the daemon */
}

static void on_wake(void *ctx, uint32_t events)
{
	(void)events;
	worker *w = ctx;
	uint64_t n;
	if (read(w->wake_fd, &n, sizeof n) < 0 && errno != EAGAIN)
		core_log(CORE_LOG_WARNING, "http: stop notice: %s", strerror(errno));
}

/* How long the loop may wait: until the daemon's next inactivity timeout
 * or the next deadline, whichever comes first (-1: nothing to wait for). */
static int round_timeout(worker *w)
{
	if (w->rerun)
		return 0;
	int64_t now = now_ms();
	int64_t t = -1;
	MHD_UNSIGNED_LONG_LONG mhd;
	if (MHD_get_timeout(w->daemon, &mhd) == MHD_YES)
		t = mhd > INT_MAX ? INT_MAX : (int64_t)mhd;
	const deadline_queue *queues[] = {&w->headers, &w->body};
	for (size_t i = 0; i < 2; i++) {
		int64_t d = deadline_wait(queues[i], now);
		if (d >= 0 && (t < 0 || d < t))
			t = d;
	}
	return t > INT_MAX ? INT_MAX : (int)t;
}

/* The worker runs SCHED_BATCH: a woken worker does not preempt the thread
 * on its CPU (on a busy machine, often the PostgreSQL backend that is
 * answering it) but waits until that thread blocks or its slice ends, by
 * which time more answers and requests have arrived for one round to handle.
 * Without it, a loaded machine could settle into one wake-up and one
 * preempted backend per request (docs/performance.md); an idle CPU still
 * takes a woken worker at once. */
static void *worker_main(void *arg)
{
	worker *w = arg;
	http_server *s = w->s;
	int rc = pthread_setschedparam(pthread_self(), SCHED_BATCH, &(struct sched_param){0});
	if (rc)
		core_log(CORE_LOG_WARNING, "http: worker keeps the normal scheduling policy: %s",
		         strerror(rc));
	while (atomic_load(&s->phase) != STOPPING) {
		if (atomic_load(&s->phase) == QUIESCING && !w->quiesced) {
			MHD_socket listener = MHD_quiesce_daemon(w->daemon);
			if (listener != MHD_INVALID_SOCKET)
				close(listener);
			w->quiesced = true;
		}
		if (core_sched_poll(w->sched, round_timeout(w)) < 0) {
			core_log(CORE_LOG_ERROR, "http: event loop: %s", strerror(errno));
			break;
		}
		w->rerun = false;
		MHD_run(w->daemon);
		int64_t now = now_ms();
		deadline_expire(&w->headers, now);
		deadline_expire(&w->body, now);
	}
	/* what still waits (for a database that does not answer) gives up,
	 * and the answers it makes leave before the connections close */
	core_sched_finish(w->sched);
	MHD_run(w->daemon);
	return NULL;
}

static int worker_init(worker *w, http_server *s, struct sockaddr *addr, char *err, size_t errlen)
{
	const http_server_config *cfg = s->cfg;
	w->s = s;
	w->headers = (deadline_queue){.span_ms = (int64_t)cfg->header_timeout_s * 1000,
	                              .what = "request headers"};
	w->body =
	    (deadline_queue){.span_ms = (int64_t)cfg->timeout_s * 1000, .what = "request body"};
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_fd < 0 || core_sched_new(&w->sched)) {
		snprintf(err, errlen, "cannot create an event loop: %s", strerror(errno));
		return -1;
	}
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* each worker takes its share of the connection limit, rounded up */
	w->limit = cfg->max_connections ? (cfg->max_connections + s->n_workers - 1) / s->n_workers
	                                : MHD_DEFAULT_CONNECTIONS;
	/* the logger first: the library logs to stderr options that precede it */
	w->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, w, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, w, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, w, MHD_OPTION_CONNECTION_LIMIT, w->limit,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)CONNECTION_MEMORY, MHD_OPTION_END);
	if (!w->daemon) {
		snprintf(err, errlen,
		         "cannot listen on %s:%u (in use, or not an address of this "
		         "host)",
		         cfg->host, cfg->port);
		return -1;
	}
	const union MHD_DaemonInfo *ep = MHD_get_daemon_info(w->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (!ep || core_sched_watch(w->sched, ep->epoll_fd, EPOLLIN, on_daemon_ready, w) ||
	    core_sched_watch(w->sched, w->wake_fd, EPOLLIN, on_wake, w)) {
		snprintf(err, errlen, "cannot watch the server's sockets: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Frees what worker_init made; the worker's thread has ended. */
static void worker_release(worker *w)
{
	if (w->daemon)
		MHD_stop_daemon(w->daemon);
	core_sched_free(w->sched);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	core_random_pool_wipe(&w->ids);
}

static void set_port(struct sockaddr_storage *addr, unsigned port)
{
	if (addr->ss_family == AF_INET6)
		((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
}

static void stop_workers(http_server *s)
{
	atomic_store(&s->phase, STOPPING);
	for (unsigned i = 0; i < s->n_workers; i++) {
		worker *w = &s->workers[i];
		uint64_t one = 1;
		if (w->started) {
			if (write(w->wake_fd, &one, sizeof one) < 0)
				core_log(CORE_LOG_WARNING, "http: stop notice: %s",
				         strerror(errno));
			pthread_join(w->thread, NULL);
		}
		worker_release(w);
	}
	free(s->workers);
	if (s->own_stats)
		http_stats_free(s->stats);
	free(s);
}

int http_server_start(const http_server_config *cfg, http_server **out, char *err, size_t errlen)
{
	struct sockaddr_storage addr;
	socklen_t addrlen;
	if (resolve(cfg->host, cfg->port, &addr, &addrlen, err, errlen))
		return -1;
	http_server *s = calloc(1, sizeof *s);
	unsigned n = cfg->workers ? cfg->workers : 1;
	if (!s || !(s->workers = calloc(n, sizeof *s->workers))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->cfg = cfg;
	atomic_init(&s->phase, RUNNING);
	for (unsigned i = 0; i < n; i++) {
		s->workers[i].wake_fd = -1;
		s->workers[i].index = i;
	}
	s->n_workers = n;
	s->stats = cfg->stats;
	if (!s->stats) {
		if (http_stats_new(cfg->routes, cfg->n_routes, n, false, &s->stats)) {
			snprintf(err, errlen, "out of memory");
			stop_workers(s);
			return -1;
		}
		s->own_stats = true;
	} else if (http_stats_workers(s->stats) < n) {
		snprintf(err, errlen, "the request figures were made for fewer workers");
		stop_workers(s);
		return -1;
	}
	/* the first worker binds (maybe port 0); the others join its port */
	for (unsigned i = 0; i < n; i++) {
		worker *w = &s->workers[i];
		if (worker_init(w, s, (struct sockaddr *)&addr, err, errlen)) {
			stop_workers(s);
			return -1;
		}
		if (i == 0)
			set_port(&addr, http_server_port(s));
	}
	for (unsigned i = 0; i < n; i++) {
		worker *w = &s->workers[i];
		int rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc) {
			snprintf(err, errlen, "cannot start a worker thread: %s", strerror(rc));
			stop_workers(s);
			return -1;
		}
		w->started = true;
	}
	*out = s;
	return 0;
}

unsigned http_server_port(const http_server *s)
{
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(s->workers[0].daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}

void http_server_stop(http_server *s, unsigned grace_s)
{
	atomic_store(&s->phase, QUIESCING);
	for (unsigned i = 0; i < s->n_workers; i++) {
		uint64_t one = 1;
		if (write(s->workers[i].wake_fd, &one, sizeof one) < 0)
			core_log(CORE_LOG_WARNING, "http: stop notice: %s", strerror(errno));
	}
	struct timespec start, tick = {0, 10 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (http_stats_in_flight(s->stats) > 0 && elapsed_ms(&start) < grace_s * 1000.0)
		nanosleep(&tick, NULL);
	long left = http_stats_in_flight(s->stats);
	if (left > 0)
		core_log(CORE_LOG_WARNING, "closing %ld request(s) still running after %us", left,
		         grace_s);
	stop_workers(s);
}
