/* app.h — the composition root: the one place that turns the settings
 * into the running parts, bottom up: the connection pool (core), the
 * repositories' SQL, the token keys, the services' context and the API's
 * context that handlers reach through req->app. Nothing below this file
 * builds another layer's parts; main.c only starts and stops.
 */
#ifndef APP_H
#define APP_H

#include <stddef.h>

#include "api/context.h"
#include "api/docs.h"
#include "api/routes.h"
#include "core/config.h"
#include "core/cpu_pool.h"
#include "core/db.h"
#include "core/metrics.h"
#include "core/security.h"
#include "core/throttle.h"
#include "http/http.h"
#include "http/stats.h"
#include "repositories/outbox.h"
#include "repositories/users.h"
#include "repositories/version.h"
#include "services/relay.h"
#include "services/service.h"

typedef struct app {
	core_db_pool *db;
	core_db_pool *read_db; /* DATABASE_READ_URL, or NULL */
	core_security security;
	repo_users users;
	repo_version version;
	core_cpu_pool *hashing;
	core_throttle *failed_email, *failed_addr;
	svc_stats svc_stats;
	api_docs *docs;       /* NULL: DOCS_ENABLED off */
	char media_dir[4096]; /* MEDIA_DIR, or a media/ beside the SQLite file */
	svc_context svc;      /* borrows the fields above */
	/* the API server's routes: api_routes, and /metrics after them unless
	 * METRICS_ADDR serves it apart (or METRICS_ENABLED=false) */
	http_route *routes;
	size_t n_routes;
	http_stats *http_stats; /* the API server's request figures */
	core_metrics metrics;   /* what /metrics renders, in this order */
	api_context api;        /* borrows svc and metrics; what the server hands handlers */
	repo_outbox outbox;     /* the user events' writers */
	svc_relay *relay; /* the outbox relay's thread, when Kafka is set (services/relay.h) */
	unsigned relay_grace_s;
} app;

/* Builds a for cfg (borrowed; must outlive a) without connecting, with
 * the API server's routes and request figures for cfg->workers workers. The
 * parts borrow each other, so a must not move once built. Returns 0, or -1
 * with one line in err (a is then released). Release with app_release,
 * after the server has stopped (it gives the outbox relay
 * SHUTDOWN_GRACE_SECONDS to send what is left). */
int app_init(app *a, const core_config *cfg, char *err, size_t errlen);
void app_release(app *a);

#endif
