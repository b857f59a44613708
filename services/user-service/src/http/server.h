/* server.h — the HTTP server: worker threads, each with its own
 * libmicrohttpd daemon and event loop running requests in fibers (so one
 * worker keeps many requests in flight), keep-alive, a body-size limit
 * (413), an inactivity timeout per connection, absolute deadlines for a
 * request's headers and body (so a client trickling bytes cannot hold a
 * connection), a connection limit, one access-log line per request, and a
 * graceful stop.
 *
 * Every request gets an id (the client's X-Request-ID when it is a sane
 * token, else a random one), echoed in the X-Request-ID response header and
 * the log line.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stddef.h>

#include "http/http.h"
#include "http/stats.h"

/* Runs before the handler of a route with auth set: fills req->auth and
 * returns 0, or answers (e.g. 401) in res and returns -1. */
typedef int (*http_authenticator)(http_request *req, http_response *res);

typedef struct http_server_config {
	const char *host; /* numeric address or name; IPv4 or IPv6 */
	unsigned port;    /* 0: the kernel picks (see http_server_port) */
	unsigned workers; /* worker threads, one event loop each */
	size_t max_body_bytes;
	/* multipart/form-data: the file part may have this many bytes more */
	size_t upload_max_bytes;
	/* a connection idle this long is closed, and a request's body must be
	 * complete this long after its headers */
	unsigned timeout_s;
	/* a request's headers must be complete this long after the connection
	 * opened or its previous answer was sent */
	unsigned header_timeout_s;
	/* open client connections over all workers, each taking its share;
	 * 0: the library's default per worker */
	unsigned max_connections;
	const http_route *routes;
	size_t n_routes;
	http_authenticator authenticate;
	void *app; /* handed to handlers as req->app */
	/* request figures for /metrics, made by the caller for these routes
	 * and at least `workers` workers (http_stats_new); NULL: the server
	 * keeps only its own in-flight count */
	http_stats *stats;
} http_server_config;

typedef struct http_server http_server;

/* Starts listening and serving; cfg (and what it points at) must outlive
 * the server. Returns 0, or -1 with one line in err. */
int http_server_start(const http_server_config *cfg, http_server **out, char *err, size_t errlen);
unsigned http_server_port(const http_server *s);

/* Stops accepting, lets requests in flight finish (up to grace_s seconds),
 * then closes every connection, joins the workers and frees s. */
void http_server_stop(http_server *s, unsigned grace_s);

#endif
