/* app.c — the composition root (see app.h). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "build_version.h"
#include "core/log.h"
#include "services/metrics.h"

#include "banned.h"

/* Keys each failed-login table holds (2 MiB each at 32 bytes a key); past
 * that, the key with the oldest failure in its set is forgotten. */
enum { THROTTLE_ENTRIES = 1 << 16 };

/* The outbox backlog goes to the log at most this often. */
enum { RELAY_LOG_SECONDS = 60 };
/* MEDIA_DIR, else media/ beside the database when it is an SQLite file
 * (sqlite:///rel.db, sqlite:////abs.db), else media/ in the working
 * directory. */
static int media_dir(const core_config *cfg, char *out, size_t len)
{
	static const char sqlite_prefix[] = "sqlite:///";
	const char *url = cfg->database_url ? cfg->database_url : "";
	if (cfg->media_dir && *cfg->media_dir)
		return snprintf(out, len, "%s", cfg->media_dir) >= (int)len ? -1 : 0;
	if (strncmp(url, sqlite_prefix, sizeof sqlite_prefix - 1) == 0) {
		const char *path = url + sizeof sqlite_prefix - 1;
		const char *slash = strrchr(path, '/');
		if (*path && strcmp(path, ":memory:") != 0 && slash)
			return snprintf(out, len, "%.*s/media", (int)(slash - path), path) >=
			               (int)len
			           ? -1
			           : 0;
	}
	return snprintf(out, len, "media") >= (int)len ? -1 : 0;
}

static int fail(app *a, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	app_release(a);
	return -1;
}

/* The API server's route table, its request figures and the /metrics
 * sources (see app.h). */
static int metrics_init(app *a, const core_config *cfg)
{
	bool here = cfg->metrics_enabled && !cfg->metrics_addr.host;
	a->n_routes = api_routes_count + (here ? api_metrics_routes_count : 0);
	if (!(a->routes = calloc(a->n_routes, sizeof *a->routes)))
		return -1;
	memcpy(a->routes, api_routes, api_routes_count * sizeof *a->routes);
	if (here)
		memcpy(a->routes + api_routes_count, api_metrics_routes,
		       api_metrics_routes_count * sizeof *a->routes);
	if (http_stats_new(a->routes, a->n_routes, (unsigned)cfg->workers, cfg->metrics_enabled,
	                   &a->http_stats))
		return -1;
	if (!cfg->metrics_enabled)
		return 0;
	return core_metrics_add(&a->metrics, core_metrics_build_info, NULL) ||
	               core_metrics_add(&a->metrics, http_stats_write, a->http_stats) ||
	               core_metrics_add(&a->metrics, svc_metrics_write, &a->svc) ||
	               core_metrics_add(&a->metrics, core_metrics_process, NULL)
	           ? -1
	           : 0;
}

/* The user events: the writers' retention, and the relay when Kafka is set. */
static int start_events(app *a, const core_config *cfg, char *err, size_t errlen)
{
	a->outbox = (repo_outbox){.retention = cfg->outbox_retention, .relayed = cfg->kafka_conf};
	a->users.outbox = &a->outbox;
	a->svc.outbox = &a->outbox;
	a->relay_grace_s = (unsigned)cfg->shutdown_grace_s;
	if (!cfg->kafka_conf) {
		core_log(
		    CORE_LOG_WARNING,
		    "KAFKA_BOOTSTRAP_SERVERS is not set: user events stay in the outbox (up to "
		    "OUTBOX_RETENTION=%ld, then the oldest are dropped)",
		    cfg->outbox_retention);
		return 0;
	}
	svc_relay_config rc = {.database_url = cfg->database_url,
	                       .topic = cfg->kafka_topic,
	                       .kafka = (const char *const *)cfg->kafka_conf,
	                       .batch = cfg->outbox_batch,
	                       .poll_ms = cfg->outbox_poll_ms,
	                       .check_ms = cfg->outbox_check_s * 1000,
	                       .log_s = RELAY_LOG_SECONDS};
	if (svc_relay_start(&rc, &a->relay, err, errlen)) {
		app_release(a);
		return -1;
	}
	if (cfg->metrics_enabled &&
	    core_metrics_add(&a->metrics, svc_relay_metrics_write, a->relay))
		return fail(a, err, errlen, "too many /metrics sources");
	return 0;
}

/* DATABASE_READ_URL: a PostgreSQL streaming replica of DATABASE_URL's
 * database (core/db_route.h). */
static int open_read_pool(app *a, const core_config *cfg, char *err, size_t errlen)
{
	core_db_error dberr;
	if (core_db_pool_new(cfg->database_read_url, &a->read_db, &dberr)) {
		snprintf(err, errlen, "DATABASE_READ_URL: %s", dberr.message);
		core_db_pool_free(a->db);
		return -1;
	}
	if (strcmp(core_db_pool_dialect(a->db), "postgresql") != 0 ||
	    strcmp(core_db_pool_dialect(a->read_db), "postgresql") != 0) {
		snprintf(err, errlen, "DATABASE_READ_URL: a replica needs PostgreSQL on both URLs");
		core_db_pool_free(a->read_db);
		core_db_pool_free(a->db);
		return -1;
	}
	if (!cfg->db_named_statements)
		core_db_pool_use_unnamed(a->read_db);
	return 0;
}

int app_init(app *a, const core_config *cfg, char *err, size_t errlen)
{
	core_db_error dberr;
	*a = (app){0};
	if (core_db_pool_new(cfg->database_url, &a->db, &dberr)) {
		snprintf(err, errlen, "DATABASE_URL: %s", dberr.message);
		return -1;
	}
	if (!cfg->db_named_statements)
		core_db_pool_use_unnamed(a->db);
	if (cfg->database_read_url && open_read_pool(a, cfg, err, errlen))
		return -1;
	if (repo_version_init(&a->version, cfg->version_table) || repo_users_init(&a->users))
		return fail(a, err, errlen, "out of memory");
	if (core_security_init(&a->security, cfg->jwt_secret_key,
	                       (int64_t)cfg->jwt_access_minutes * 60,
	                       (int64_t)cfg->jwt_refresh_days * 86400))
		return fail(a, err, errlen, "JWT_SECRET_KEY: must be set and not empty");
	if (core_cpu_pool_new((unsigned)cfg->hash_threads, (unsigned)cfg->hash_queue_max,
	                      (int)cfg->hash_thread_nice, &a->hashing))
		return fail(a, err, errlen, "cannot start the hashing threads");
	if (core_throttle_new((unsigned)cfg->login_fail_per_email,
	                      (unsigned)cfg->login_fail_window_s, THROTTLE_ENTRIES,
	                      &a->failed_email) ||
	    core_throttle_new((unsigned)cfg->login_fail_per_addr,
	                      (unsigned)cfg->login_fail_window_s, THROTTLE_ENTRIES,
	                      &a->failed_addr))
		return fail(a, err, errlen, "out of memory");
	if (media_dir(cfg, a->media_dir, sizeof a->media_dir))
		return fail(a, err, errlen, "MEDIA_DIR is too long");
	a->svc = (svc_context){.db = a->db,
	                       .read_db = a->read_db,
	                       .read_wait_ms = cfg->database_read_wait_ms,
	                       .sec = &a->security,
	                       .users = &a->users,
	                       .version = &a->version,
	                       .hashing = a->hashing,
	                       .failed_email = a->failed_email,
	                       .failed_addr = a->failed_addr,
	                       .stats = &a->svc_stats,
	                       .keep_bcrypt_hashes = cfg->keep_bcrypt_hashes,
	                       .media_dir = a->media_dir,
	                       .public_base_url = cfg->public_base_url};
	if (metrics_init(a, cfg))
		return fail(a, err, errlen, "out of memory");
	if (cfg->docs_enabled &&
	    api_docs_new(api_routes, api_routes_count, cfg->docs_assets_dir, cfg->root_path,
	                 BUILD_VERSION, &a->docs, err, errlen)) {
		app_release(a);
		return -1;
	}
	a->api = (api_context){.svc = &a->svc,
	                       .trust_gateway_headers = cfg->trust_gateway_headers,
	                       .metrics = &a->metrics,
	                       .docs = a->docs};
	return start_events(a, cfg, err, errlen);
}

void app_release(app *a)
{
	svc_relay_stop(a->relay, a->relay_grace_s); /* before the pool it uses */
	api_docs_free(a->docs);
	core_cpu_pool_free(a->hashing);
	core_throttle_free(a->failed_email);
	core_throttle_free(a->failed_addr);
	http_stats_free(a->http_stats);
	free(a->routes);
	core_db_pool_free(a->db);
	core_db_pool_free(a->read_db);
	repo_version_release(&a->version);
	repo_users_release(&a->users);
	core_security_release(&a->security);
	*a = (app){0};
}
