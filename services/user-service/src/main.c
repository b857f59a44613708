/* main.c — the user service's start-up and shutdown: settings, the
 * schema-revision check, the parts (app.c, the composition root), the
 * server, and a graceful stop on SIGTERM/SIGINT (stop accepting, let
 * requests in flight finish, close).
 *
 * Exit status: 0 after a clean stop, 1 when it cannot start (one line on
 * stderr saying why and what fixes it), 2 on bad usage.
 */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/routes.h"
#include "app.h"
#include "core/config.h"
#include "core/log.h"
#include "core/revision.h"
#include "http/server.h"
#include "banned.h"

static const char usage[] =
    "usage: user-service\n"
    "Serves the SmartCourse user API. Settings come from the environment and\n"
    "./.env: DATABASE_URL, JWT_SECRET_KEY, HOST, PORT, WORKERS, LOG_LEVEL,\n"
    "LOG_FORMAT, MAX_BODY_BYTES, ... (see the README). The database must be at\n"
    "the revision this build expects: run `retort upgrade head` first.\n";

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
	    .timeout_s = (unsigned)cfg->request_timeout_s,
	    .routes = api_routes,
	    .n_routes = api_routes_count,
	    .authenticate = api_authenticate,
	    .app = &a.api,
	};
	http_server *server;
	if (http_server_start(&scfg, &server, err, sizeof err)) {
		app_release(&a);
		return fail(err);
	}
	core_log(CORE_LOG_INFO, "listening on http://%s:%u (%ld workers, %s, revision %s)",
	         cfg->host, http_server_port(server), cfg->workers, core_db_pool_dialect(a.db),
	         core_revision_expected());
	int sig = 0;
	sigwait(signals, &sig);
	core_log(CORE_LOG_INFO, "%s received: finishing requests in flight, then stopping",
	         sig == SIGTERM ? "SIGTERM" : "SIGINT");
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
	if (core_revision_check(cfg.database_url, cfg.version_table, err, sizeof err)) {
		core_config_release(&cfg);
		return fail(err);
	}
	int rc = serve(&cfg, &signals);
	core_config_release(&cfg);
	return rc;
}
