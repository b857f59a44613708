/* config.h — the service's settings, from the environment and `.env` in the
 * working directory (the environment wins), read once at start-up.
 *
 * Adding a setting: a field here, one row in config.c's table (name,
 * default, parser, bounds), a line in the README's configuration table.
 *
 * Dev mode: APP_ENV=development (default: production). Only in dev mode may
 * JWT_SECRET_KEY be unset; the service then signs with a random key made at
 * start-up (tokens die with the process) and says so in the log. There is
 * never a built-in key.
 */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/log.h"

/* A listening address: numeric host or name, and port. */
typedef struct core_config_addr {
	char *host; /* NULL: unset */
	long port;
} core_config_addr;

typedef struct core_config {
	char *database_url;   /* DATABASE_URL, default sqlite:///smartcourse.db */
	char *version_table;  /* RETORT_VERSION_TABLE, default alembic_version */
	char *jwt_secret_key; /* JWT_SECRET_KEY; random in dev mode when unset */
	bool jwt_secret_generated;
	char *jwt_algorithm;        /* JWT_ALGORITHM: only HS256 */
	long jwt_access_minutes;    /* JWT_ACCESS_TOKEN_EXPIRE_MINUTES, 15 */
	long jwt_refresh_days;      /* JWT_REFRESH_TOKEN_EXPIRE_DAYS, 7 */
	char *host;                 /* HOST, 127.0.0.1 */
	long port;                  /* PORT, 8001; 0 picks a free port */
	long workers;               /* WORKERS, default: online CPUs */
	core_log_level log_level;   /* LOG_LEVEL, info */
	core_log_format log_format; /* LOG_FORMAT, text */
	long max_body_bytes;        /* MAX_BODY_BYTES, 1 MiB */
	long request_timeout_s;     /* REQUEST_TIMEOUT_SECONDS, 30 */
	long header_timeout_s;      /* HEADER_TIMEOUT_SECONDS, 10 */
	long max_connections;       /* MAX_CONNECTIONS, default 1024 per worker */
	long shutdown_grace_s;      /* SHUTDOWN_GRACE_SECONDS, 10 */
	bool dev_mode;              /* APP_ENV=development */
	bool trust_gateway_headers; /* TRUST_GATEWAY_HEADERS, false */
	bool keep_bcrypt_hashes;    /* KEEP_BCRYPT_HASHES, false: no Argon2id re-hash (rollback) */
	char *media_dir;       /* MEDIA_DIR; NULL: media/ beside the SQLite file or in the cwd */
	char *public_base_url; /* PUBLIC_BASE_URL, "": avatar URLs are /media/<name> */
	long hash_threads;     /* HASH_THREADS, default: online CPUs */
	long hash_queue_max;   /* HASH_QUEUE_MAX, 64: hashes waiting for a thread */
	long hash_thread_nice; /* HASH_THREAD_NICE, 10 */
	long login_fail_per_email;  /* LOGIN_FAILURES_PER_EMAIL, 5 */
	long login_fail_per_addr;   /* LOGIN_FAILURES_PER_ADDRESS, 20 */
	long login_fail_window_s;   /* LOGIN_FAILURE_WINDOW_SECONDS, 900 */
	bool metrics_enabled;       /* METRICS_ENABLED, true */
	bool db_named_statements;   /* DATABASE_NAMED_STATEMENTS, true */
	bool allow_newer_schema;    /* ALLOW_NEWER_SCHEMA, false */
	long drain_s;               /* DRAIN_SECONDS, 0 */
	char *database_read_url;    /* DATABASE_READ_URL, NULL */
	long database_read_wait_ms; /* DATABASE_READ_WAIT_MS, 20 */
	/* METRICS_ADDR "host:port" ("[::1]:9100" for IPv6): /metrics is served
	 * there only; unset (host NULL): on the API's own address */
	core_config_addr metrics_addr;
	int docs_enabled;      /* DOCS_ENABLED: 1 or 0; default: 1 in dev mode only */
	char *docs_assets_dir; /* DOCS_ASSETS_DIR, default the checkout's node_modules */
	char *root_path;       /* ROOT_PATH, "": the prefix a proxy serves the API under */
	/* user events (docs/api.md, "Events") */
	char *kafka_topic;     /* KAFKA_TOPIC, user.events */
	char **kafka_conf;     /* every other KAFKA_X_Y as librdkafka's x.y, name/value
	                        * pairs, NULL-terminated (client.id defaults to
	                        * user-service); NULL when KAFKA_BOOTSTRAP_SERVERS is unset */
	long outbox_batch;     /* OUTBOX_BATCH_SIZE, 100 */
	long outbox_poll_ms;   /* OUTBOX_POLL_INTERVAL_MS, 100 */
	long outbox_retention; /* OUTBOX_RETENTION, 100000 events */
	long outbox_check_s;   /* OUTBOX_CHECK_SECONDS, 5: the relay counts the backlog */
} core_config;

/* Fills cfg (caller-allocated) from the environment and dotenv_path (NULL:
 * none; a missing file is fine). Returns 0, or -1 with one line in err
 * naming the setting and what is wrong with it. On failure cfg holds
 * nothing to release. */
int core_config_load(core_config *cfg, const char *dotenv_path, char *err, size_t errlen);
void core_config_release(core_config *cfg);

#endif
