/* server.c — libmicrohttpd glue (see server.h).
 *
 * One request's life: the first callback allocates its state and checks
 * Content-Length against the limit (413 before reading a byte); following
 * callbacks collect the body (413 once it passes the limit, for chunked
 * uploads); the last one routes, runs the handler and queues the response;
 * MHD's completion notice writes the log line and frees the state. The
 * in-flight counter lets a stop wait for answers still being computed while
 * idle keep-alive connections do not hold it up.
 */
#include "http/server.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/ids.h"
#include "core/log.h"
#include "http/response.h"
#include "http/router.h"
#include "retort/buf.h"
#include "banned.h"

enum { PATH_MAX_LEN = 2048 };

struct http_server {
	const http_server_config *cfg;
	struct MHD_Daemon *daemon;
	atomic_int inflight;
};

typedef struct request_state {
	http_request req;
	rt_buf body;
	bool too_large;
	bool answered;
	int status;
	struct timespec start;
	char path[PATH_MAX_LEN];
} request_state;

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

/* A client's request id is kept when it is a short token of [A-Za-z0-9-_.]
 * (it ends up in logs and headers). */
static void request_id(struct MHD_Connection *c, char out[33])
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
	core_request_id(out);
}

static enum MHD_Result send_response(request_state *st, struct MHD_Connection *c,
                                     http_response *res)
{
	char *text = NULL;
	if (!res->status || (res->status >= 200 && !res->body && res->status != 204)) {
		/* a handler that answered nothing, or ran out of memory */
		json_decref(res->body);
		res->body = NULL;
		res->status = 500;
		text = strdup("{\"detail\":\"Internal Server Error\"}");
	} else if (res->body) {
		text = json_dumps(res->body, JSON_COMPACT | JSON_ENCODE_ANY);
	}
	json_decref(res->body);
	res->body = NULL;
	size_t len = text ? strlen(text) : 0;
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	if (text)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, "X-Request-ID", st->req.request_id);
	if (res->allow[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
	if (res->www_authenticate)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, res->www_authenticate);
	st->status = res->status;
	st->answered = true;
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static void dispatch(http_server *s, request_state *st, http_response *res)
{
	const http_server_config *cfg = s->cfg;
	http_request *req = &st->req;
	if (st->too_large) {
		http_detail(res, 413, "Request Entity Too Large");
		return;
	}
	req->body = st->body.data;
	req->body_len = st->body.len;
	unsigned allowed;
	const http_route *route =
	    http_router_match(cfg->routes, cfg->n_routes, req->method, req->path, req, &allowed);
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

static request_state *state_new(http_server *s, struct MHD_Connection *c, const char *url,
                                const char *method)
{
	request_state *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	rt_buf_init(&st->body, s->cfg->max_body_bytes);
	st->req.method = http_method_parse(method);
	st->req.method_name = method;
	st->req.app = s->cfg->app;
	st->req.conn = c;
	st->req.body = "";
	request_id(c, st->req.request_id);
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	(void)version;
	http_server *s = cls;
	request_state *st = *req_cls;
	if (!st) {
		if (!(st = state_new(s, c, url, method)))
			return MHD_NO; /* out of memory: drop the connection */
		*req_cls = st;
		atomic_fetch_add(&s->inflight, 1);
		if (!declared_too_large(c, s->cfg->max_body_bytes))
			return MHD_YES; /* the body, if any, comes next */
		st->too_large = true;
	} else if (*upload_data_size) {
		if (!st->too_large && rt_buf_add(&st->body, upload_data, *upload_data_size)) {
			st->too_large = true; /* over the limit: keep reading, drop it */
			rt_buf_release(&st->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (st->answered)
		return MHD_YES;
	http_response res = {0};
	dispatch(s, st, &res);
	return send_response(st, c, &res);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)c;
	(void)toe;
	http_server *s = cls;
	request_state *st = *req_cls;
	if (!st)
		return;
	core_log_request(st->req.method_name, st->path[0] ? st->path : "-", st->status,
	                 elapsed_ms(&st->start), st->req.request_id);
	rt_buf_release(&st->body);
	free(st);
	*req_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
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

int http_server_start(const http_server_config *cfg, http_server **out, char *err, size_t errlen)
{
	struct sockaddr_storage addr;
	socklen_t addrlen;
	if (resolve(cfg->host, cfg->port, &addr, &addrlen, err, errlen))
		return -1;
	http_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->cfg = cfg;
	atomic_init(&s->inflight, 0);
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
	    flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->workers,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, errlen,
		         "cannot listen on %s:%u (in use, or not an address of this "
		         "host)",
		         cfg->host, cfg->port);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

unsigned http_server_port(const http_server *s)
{
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}

void http_server_stop(http_server *s, unsigned grace_s)
{
	MHD_socket listener = MHD_quiesce_daemon(s->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	struct timespec start, tick = {0, 10 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (atomic_load(&s->inflight) > 0 && elapsed_ms(&start) < grace_s * 1000.0)
		nanosleep(&tick, NULL);
	int left = atomic_load(&s->inflight);
	if (left > 0)
		core_log(CORE_LOG_WARNING, "closing %d request(s) still running after %us", left,
		         grace_s);
	MHD_stop_daemon(s->daemon);
	free(s);
}
