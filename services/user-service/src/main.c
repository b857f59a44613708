/* main.c — the user service's start-up and shutdown: settings, the
 * schema-revision check, the parts (app.c, the composition root), the
 * server, and a graceful stop on SIGTERM/SIGINT (stop accepting, let
 * requests in flight finish, close), after making room for the
 * connections the settings allow in the descriptor limit.
 *
 * Exit status: 0 after a clean stop, 1 when it cannot start (one line on
 * stderr saying why and what fixes it), 2 on bad usage.
 */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api/routes.h"
#include "app.h"
#include "core/config.h"
#include "core/drain.h"
#include "core/log.h"
#include "core/revision.h"
#include "http/server.h"
#include "services/avatars.h"
#include "banned.h"

static const char usage[] =
    "usage: user-service\n"
    "Serves the SmartCourse user API. Settings come from the environment and\n"
    "./.env: DATABASE_URL, JWT_SECRET_KEY, HOST, PORT, WORKERS, LOG_LEVEL,\n"
    "LOG_FORMAT, MAX_BODY_BYTES, ... (see the README). The database must be at\n"
    "the revision this build expects: run `retort upgrade head` first.\n";

/* Descriptors the process needs besides its clients' sockets: per worker
 * its listening socket, two epoll sets, two eventfds and a database
 * connection (a socket and a timerfd while connecting, or SQLite's
 * database, journal and shared-memory files); a margin for the rest
 * (standard streams, the revision check, the sanitizers in tests). */
enum { FDS_PER_WORKER = 8, FDS_MARGIN = 32 };

/* Connections the METRICS_ADDR server accepts at once: scrapers, a few. */
enum { METRICS_CONNECTIONS = 16 };

/* The number of client connections to allow: MAX_CONNECTIONS, or fewer
 * when the descriptor limit cannot hold them. Raises the soft limit to the
 * hard one first; when that is still too low, says so, with the numbers
 * and the fix: a worker out of descriptors could not accept, nor reach
 * its database. */
static unsigned connection_budget(const core_config *cfg)
{
	rlim_t want = (rlim_t)cfg->max_connections;
	rlim_t need = want + (rlim_t)cfg->workers * FDS_PER_WORKER + FDS_MARGIN;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return (unsigned)want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;
		/* an unlimited hard limit is not a value the kernel takes for this one */
		rl.rlim_cur =
		    rl.rlim_max == RLIM_INFINITY ? (need > was ? need : was) : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			rl.rlim_cur = was;
		else
			core_log(CORE_LOG_DEBUG, "descriptor limit raised from %llu to %llu",
			         (unsigned long long)was, (unsigned long long)rl.rlim_cur);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return (unsigned)want;
	rlim_t room = rl.rlim_cur > need - want ? rl.rlim_cur - (need - want) : 0;
	if (room < (rlim_t)cfg->workers) /* one each, or a worker would accept none */
		room = (rlim_t)cfg->workers;
	core_log(CORE_LOG_WARNING,
	         "the descriptor limit (RLIMIT_NOFILE) is %llu but MAX_CONNECTIONS=%ld with %ld "
	         "workers needs %llu: accepting at most %llu connections at once; raise it "
	         "(`ulimit -n %llu`, or LimitNOFILE=%llu in the systemd unit) or lower "
	         "MAX_CONNECTIONS",
	         (unsigned long long)rl.rlim_cur, cfg->max_connections, cfg->workers,
	         (unsigned long long)need, (unsigned long long)room, (unsigned long long)need,
	         (unsigned long long)need);
	return (unsigned)room;
}

static int fail(const char *what)
{
	fprintf(stderr, "user-service: error: %s\n", what);
	return 1;
}

/* Signals are taken by sigwait in main, never by a handler: the workers
 * inherit the blocked mask, so no thread is interrupted mid-request. */
static int block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	return pthread_sigmask(SIG_BLOCK, set, NULL);
}

static int serve(const core_config *cfg, const sigset_t *signals)
{
	char err[512];
	app a; /* the handlers borrow it until the server has stopped */
	if (app_init(&a, cfg, err, sizeof err))
		return fail(err);
	http_server_config scfg = {
	    .host = cfg->host,
	    .port = (unsigned)cfg->port,
	    .workers = (unsigned)cfg->workers,
	    .max_body_bytes = (size_t)cfg->max_body_bytes,
	    .upload_max_bytes = SVC_AVATAR_MAX_BYTES,
	    .timeout_s = (unsigned)cfg->request_timeout_s,
	    .header_timeout_s = (unsigned)cfg->header_timeout_s,
	    .max_connections = connection_budget(cfg),
	    .routes = a.routes,
	    .n_routes = a.n_routes,
	    .authenticate = api_authenticate,
	    .app = &a.api,
	    .stats = a.http_stats,
	};
	/* METRICS_ADDR: /metrics alone, on one worker of its own */
	http_server_config mcfg = scfg;
	mcfg.host = cfg->metrics_addr.host;
	mcfg.port = (unsigned)cfg->metrics_addr.port;
	mcfg.workers = 1;
	mcfg.max_connections = METRICS_CONNECTIONS;
	mcfg.routes = api_metrics_routes;
	mcfg.n_routes = api_metrics_routes_count;
	mcfg.authenticate = NULL;
	mcfg.stats = NULL;
	http_server *server, *metrics = NULL;
	if (http_server_start(&scfg, &server, err, sizeof err)) {
		app_release(&a);
		return fail(err);
	}
	if (mcfg.host && http_server_start(&mcfg, &metrics, err, sizeof err)) {
		http_server_stop(server, 0);
		app_release(&a);
		return fail(err);
	}
	core_log(CORE_LOG_INFO, "listening on http://%s:%u (%ld workers, %s, revision %s)",
	         cfg->host, http_server_port(server), cfg->workers, core_db_pool_dialect(a.db),
	         core_revision_expected());
	if (metrics)
		core_log(CORE_LOG_INFO, "metrics on http://%s:%u/metrics", mcfg.host,
		         http_server_port(metrics));
	int sig = 0;
	sigwait(signals, &sig);
	core_log(CORE_LOG_INFO, "%s received: finishing requests in flight, then stopping",
	         sig == SIGTERM ? "SIGTERM" : "SIGINT");
	/* /ready fails first; the listener stays open DRAIN_SECONDS so the load
	 * balancer's health check sees it and stops sending here */
	core_drain_start();
	if (cfg->drain_s > 0)
		sleep((unsigned)cfg->drain_s);
	if (metrics)
		http_server_stop(metrics, 0);
	http_server_stop(server, (unsigned)cfg->shutdown_grace_s);
	app_release(&a);
	core_log(CORE_LOG_INFO, "stopped");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		bool help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
		fputs(usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	sigset_t signals;
	if (block_signals(&signals) || sodium_init() < 0)
		return fail("cannot initialise (signals, libsodium)");
	core_config cfg;
	char err[512];
	if (core_config_load(&cfg, ".env", err, sizeof err))
		return fail(err);
	core_log_setup(cfg.log_level, cfg.log_format);
	if (cfg.jwt_secret_generated)
		core_log(CORE_LOG_WARNING,
		         "APP_ENV=development and no JWT_SECRET_KEY: using a random "
		         "key; tokens stop working when the service restarts");
	core_revision_allow_newer(cfg.allow_newer_schema);
	if (core_revision_check(cfg.database_url, cfg.version_table, err, sizeof err)) {
		core_config_release(&cfg);
		return fail(err);
	}
	int rc = serve(&cfg, &signals);
	core_config_release(&cfg);
	return rc;
}
