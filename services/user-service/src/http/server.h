/* server.h — the HTTP server: worker threads, each with its own
 * libmicrohttpd daemon and event loop running requests in fibers (so one
 * worker keeps many requests in flight), keep-alive, a body-size limit
 * (413), an inactivity timeout per connection, one access-log line per
 * request, and a graceful stop.
 *
 * Every request gets an id (the client's X-Request-ID when it is a sane
 * token, else a random one), echoed in the X-Request-ID response header and
 * the log line.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stddef.h>

#include "http/http.h"

/* Runs before the handler of a route with auth set: fills req->auth and
 * returns 0, or answers (e.g. 401) in res and returns -1. */
typedef int (*http_authenticator)(http_request *req, http_response *res);

typedef struct http_server_config {
	const char *host; /* numeric address or name; IPv4 or IPv6 */
	unsigned port;    /* 0: the kernel picks (see http_server_port) */
	unsigned workers; /* worker threads, one event loop each */
	size_t max_body_bytes;
	unsigned timeout_s; /* a connection idle this long is closed */
	const http_route *routes;
	size_t n_routes;
	http_authenticator authenticate;
	void *app; /* handed to handlers as req->app */
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
