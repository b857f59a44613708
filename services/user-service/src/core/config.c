/* config.c — settings as one table: name, default, parser, bounds (see
 * config.h). Parsers are strict: "8001x" is an error, not 8001. */
#include "core/config.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/dotenv.h"
#include "banned.h"

/* meson defines it as the checkout's node_modules; a build without meson
 * (scripts/fuzz-smoke) takes the working directory's */
#ifndef USER_SERVICE_DOCS_ASSETS
#define USER_SERVICE_DOCS_ASSETS "node_modules"
#endif

typedef struct setting setting;
/* Parses text into the field at cfg + s->offset; returns 0 or writes a
 * message ("must be ...") to err and returns -1. */
typedef int (*parse_fn)(const setting *s, const char *text, void *field, char *err, size_t errlen);

struct setting {
	const char *name;
	const char *fallback; /* NULL: unset stays unset (NULL / 0) */
	parse_fn parse;
	size_t offset;
	long min, max;
};

static int parse_string(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	(void)s;
	char *copy = strdup(text);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*(char **)field = copy;
	return 0;
}

static int parse_long(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < s->min || v > s->max) {
		snprintf(err, errlen, "must be an integer from %ld to %ld", s->min, s->max);
		return -1;
	}
	*(long *)field = v;
	return 0;
}

static int parse_bool(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	(void)s;
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0 || strcasecmp(text, no[i]) == 0) {
			*(bool *)field = strcasecmp(text, yes[i]) == 0;
			return 0;
		}
	}
	snprintf(err, errlen, "must be true or false");
	return -1;
}

static int parse_level(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	(void)s;
	if (core_log_level_parse(text, field))
		return 0;
	snprintf(err, errlen, "must be debug, info, warning or error");
	return -1;
}

static int parse_format(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	(void)s;
	if (core_log_format_parse(text, field))
		return 0;
	snprintf(err, errlen, "must be text or json");
	return -1;
}

/* "host:port", "[v6]:port"; the port 0..65535 (0: the kernel picks). */
static int parse_addr(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	(void)s;
	core_config_addr *a = field;
	const char *colon = strrchr(text, ':');
	const char *host = text, *host_end = colon;
	if (text[0] == '[') { /* [v6]:port */
		const char *close = strchr(text, ']');
		if (!close || close + 1 != colon) {
			snprintf(err, errlen, "must be host:port, or [ipv6]:port");
			return -1;
		}
		host = text + 1;
		host_end = close;
	}
	char *end;
	errno = 0;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	if (!colon || host_end == host || errno || end == colon + 1 || *end || port < 0 ||
	    port > 65535) {
		snprintf(err, errlen, "must be host:port (port 0 to 65535), e.g. 127.0.0.1:9100");
		return -1;
	}
	if (!(a->host = strndup(host, (size_t)(host_end - host)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->port = port;
	return 0;
}

static int parse_app_env(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	(void)s;
	if (strcmp(text, "development") == 0 || strcmp(text, "production") == 0) {
		*(bool *)field = strcmp(text, "development") == 0;
		return 0;
	}
	snprintf(err, errlen, "must be development or production");
	return -1;
}

static int parse_algorithm(const setting *s, const char *text, void *field, char *err,
                           size_t errlen)
{
	if (strcmp(text, "HS256") != 0) {
		snprintf(err, errlen, "must be HS256 (the only algorithm the service signs with)");
		return -1;
	}
	return parse_string(s, text, field, err, errlen);
}

/* DOCS_ENABLED: true/false, or auto (the default): on in development. */
static int parse_docs(const setting *s, const char *text, void *field, char *err, size_t errlen)
{
	bool on;
	if (strcmp(text, "auto") == 0) {
		*(int *)field = -1; /* decided in check(), once APP_ENV is known */
		return 0;
	}
	if (parse_bool(s, text, &on, err, errlen)) {
		snprintf(err, errlen, "must be true, false or auto");
		return -1;
	}
	*(int *)field = on;
	return 0;
}

/* ROOT_PATH: "" or "/a/b", of URL-safe characters: it is written into the
 * docs pages' HTML and scripts as it is. */
static int parse_root_path(const setting *s, const char *text, void *field, char *err,
                           size_t errlen)
{
	size_t len = strlen(text);
	bool ok = len == 0 || (text[0] == '/' && text[len - 1] != '/' && len < 256);
	for (size_t i = 0; ok && i < len; i++)
		ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~",
		            text[i]) != NULL;
	if (!ok) {
		snprintf(err, errlen,
		         "must be empty or a path like /user-service (a leading '/', no trailing "
		         "'/', letters, digits and -._~)");
		return -1;
	}
	return parse_string(s, text, field, err, errlen);
}

#define F(member) offsetof(core_config, member)
static const setting settings[] = {
    {"APP_ENV", "production", parse_app_env, F(dev_mode), 0, 0},
    {"DATABASE_URL", "sqlite:///smartcourse.db", parse_string, F(database_url), 0, 0},
    {"DATABASE_READ_URL", NULL, parse_string, F(database_read_url), 0, 0},
    {"DATABASE_READ_WAIT_MS", "20", parse_long, F(database_read_wait_ms), 0, 10000},
    {"DATABASE_NAMED_STATEMENTS", "true", parse_bool, F(db_named_statements), 0, 0},
    {"ALLOW_NEWER_SCHEMA", "false", parse_bool, F(allow_newer_schema), 0, 0},
    {"RETORT_VERSION_TABLE", "alembic_version", parse_string, F(version_table), 0, 0},
    {"JWT_SECRET_KEY", NULL, parse_string, F(jwt_secret_key), 0, 0},
    {"JWT_ALGORITHM", "HS256", parse_algorithm, F(jwt_algorithm), 0, 0},
    {"JWT_ACCESS_TOKEN_EXPIRE_MINUTES", "15", parse_long, F(jwt_access_minutes), 1, 525600},
    {"JWT_REFRESH_TOKEN_EXPIRE_DAYS", "7", parse_long, F(jwt_refresh_days), 1, 3650},
    {"HOST", "127.0.0.1", parse_string, F(host), 0, 0},
    {"PORT", "8001", parse_long, F(port), 0, 65535},
    {"WORKERS", NULL, parse_long, F(workers), 1, 1024},
    {"LOG_LEVEL", "info", parse_level, F(log_level), 0, 0},
    {"LOG_FORMAT", "text", parse_format, F(log_format), 0, 0},
    {"MAX_BODY_BYTES", "1048576", parse_long, F(max_body_bytes), 1, 1L << 30},
    {"REQUEST_TIMEOUT_SECONDS", "30", parse_long, F(request_timeout_s), 1, 86400},
    {"HEADER_TIMEOUT_SECONDS", "10", parse_long, F(header_timeout_s), 1, 3600},
    {"MAX_CONNECTIONS", NULL, parse_long, F(max_connections), 1, 1000000},
    {"DRAIN_SECONDS", "0", parse_long, F(drain_s), 0, 3600},
    {"SHUTDOWN_GRACE_SECONDS", "10", parse_long, F(shutdown_grace_s), 0, 3600},
    {"TRUST_GATEWAY_HEADERS", "false", parse_bool, F(trust_gateway_headers), 0, 0},
    {"KEEP_BCRYPT_HASHES", "false", parse_bool, F(keep_bcrypt_hashes), 0, 0},
    {"MEDIA_DIR", NULL, parse_string, F(media_dir), 0, 0},
    {"PUBLIC_BASE_URL", "", parse_string, F(public_base_url), 0, 0},
    {"HASH_THREADS", NULL, parse_long, F(hash_threads), 1, 256},
    {"HASH_QUEUE_MAX", "64", parse_long, F(hash_queue_max), 0, 100000},
    {"HASH_THREAD_NICE", "10", parse_long, F(hash_thread_nice), 0, 19},
    {"LOGIN_FAILURES_PER_EMAIL", "5", parse_long, F(login_fail_per_email), 1, 1000000},
    {"LOGIN_FAILURES_PER_ADDRESS", "20", parse_long, F(login_fail_per_addr), 1, 1000000},
    {"LOGIN_FAILURE_WINDOW_SECONDS", "900", parse_long, F(login_fail_window_s), 1, 86400 * 30},
    {"METRICS_ENABLED", "true", parse_bool, F(metrics_enabled), 0, 0},
    {"METRICS_ADDR", NULL, parse_addr, F(metrics_addr), 0, 0},
    {"DOCS_ENABLED", "auto", parse_docs, F(docs_enabled), 0, 0},
    {"DOCS_ASSETS_DIR", USER_SERVICE_DOCS_ASSETS, parse_string, F(docs_assets_dir), 0, 0},
    {"ROOT_PATH", "", parse_root_path, F(root_path), 0, 0},
    {"KAFKA_TOPIC", "user.events", parse_string, F(kafka_topic), 0, 0},
    {"OUTBOX_BATCH_SIZE", "100", parse_long, F(outbox_batch), 1, 10000},
    {"OUTBOX_POLL_INTERVAL_MS", "100", parse_long, F(outbox_poll_ms), 1, 60000},
    {"OUTBOX_RETENTION", "100000", parse_long, F(outbox_retention), 1, 1000000000},
    {"OUTBOX_CHECK_SECONDS", "5", parse_long, F(outbox_check_s), 1, 3600},
};
#undef F

/* Dev mode without a key: 32 random bytes, hex, valid for this process. */
static int random_secret(core_config *cfg, char *err, size_t errlen)
{
	unsigned char raw[32];
	char hex[65];
	if (sodium_init() < 0) {
		snprintf(err, errlen, "cannot initialise libsodium");
		return -1;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	cfg->jwt_secret_key = strdup(hex);
	cfg->jwt_secret_generated = true;
	sodium_memzero(raw, sizeof raw);
	if (!cfg->jwt_secret_key) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int check(core_config *cfg, char *err, size_t errlen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (!cfg->workers)
		cfg->workers = cpus > 0 ? (cpus < 64 ? cpus : 64) : 1;
	if (!cfg->max_connections) /* about libmicrohttpd's own default, per worker */
		cfg->max_connections = cfg->workers * 1024;
	if (!cfg->hash_threads)
		cfg->hash_threads = cpus > 0 ? (cpus < 64 ? cpus : 64) : 1;
	if (cfg->metrics_addr.host && !cfg->metrics_enabled) {
		snprintf(err, errlen, "METRICS_ADDR is set but METRICS_ENABLED=false: unset one");
		return -1;
	}
	/* the listeners share ports (SO_REUSEPORT): on the API's port the
	 * kernel would hand the API's clients to the metrics server and back */
	if (cfg->metrics_addr.host && cfg->metrics_addr.port &&
	    cfg->metrics_addr.port == cfg->port) {
		snprintf(err, errlen, "METRICS_ADDR must not use the API's PORT (%ld)", cfg->port);
		return -1;
	}
	if (cfg->docs_enabled < 0)
		cfg->docs_enabled = cfg->dev_mode;
	if (cfg->jwt_secret_key && !*cfg->jwt_secret_key) {
		free(cfg->jwt_secret_key);
		cfg->jwt_secret_key = NULL;
	}
	if (!cfg->jwt_secret_key) {
		if (cfg->dev_mode)
			return random_secret(cfg, err, errlen);
		snprintf(err, errlen,
		         "JWT_SECRET_KEY is not set; set it (e.g. `openssl rand -hex 32`) or run "
		         "with APP_ENV=development for a throwaway key");
		return -1;
	}
	if (strlen(cfg->jwt_secret_key) < 32 && !cfg->dev_mode) {
		snprintf(err, errlen, "JWT_SECRET_KEY is shorter than 32 characters");
		return -1;
	}
	return 0;
}

/* ---- librdkafka's settings: KAFKA_X_Y -> x.y (kafka_conf) ---- */

/* KAFKA_ names that are the service's own, not librdkafka's */
static const char *const kafka_own[] = {"KAFKA_TOPIC"};

static bool kafka_passed(const char *name, size_t len)
{
	if (len <= 6 || strncmp(name, "KAFKA_", 6) != 0)
		return false;
	for (size_t i = 0; i < sizeof kafka_own / sizeof kafka_own[0]; i++)
		if (strlen(kafka_own[i]) == len && strncmp(kafka_own[i], name, len) == 0)
			return false;
	return true;
}

/* Appends KAFKA_X_Y=value as "x.y", "value" unless x.y is there already
 * (the environment is read first: it wins over the file). */
static int kafka_add(char ***conf, size_t *n, const char *name, size_t len, const char *value)
{
	char prop[128];
	if (len - 6 >= sizeof prop)
		return 0; /* no librdkafka property is that long */
	for (size_t i = 0; i < len - 6; i++) {
		char c = name[6 + i];
		prop[i] = c == '_' ? '.' : (c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	prop[len - 6] = '\0';
	for (size_t i = 0; i < *n; i += 2)
		if (strcmp((*conf)[i], prop) == 0)
			return 0;
	char **grown = realloc(*conf, (*n + 3) * sizeof *grown);
	if (!grown)
		return -1;
	*conf = grown;
	grown[*n] = strdup(prop);
	grown[*n + 1] = strdup(value);
	grown[*n + 2] = NULL;
	*n += 2;
	return grown[*n - 2] && grown[*n - 1] ? 0 : -1;
}

static void kafka_free(char **conf)
{
	for (size_t i = 0; conf && conf[i]; i++)
		free(conf[i]);
	free(conf);
}

extern char **environ;

/* cfg->kafka_conf from the environment, then the file; none unless
 * KAFKA_BOOTSTRAP_SERVERS is set and not empty. */
static int kafka_settings(core_config *cfg, const core_dotenv *env, char *err, size_t errlen)
{
	const char *servers = core_dotenv_get(env, "KAFKA_BOOTSTRAP_SERVERS");
	if (!servers || !*servers)
		return 0;
	char **conf = NULL;
	size_t n = 0;
	int rc = 0;
	for (char **e = environ; !rc && e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (eq && kafka_passed(*e, (size_t)(eq - *e)))
			rc = kafka_add(&conf, &n, *e, (size_t)(eq - *e), eq + 1);
	}
	for (size_t i = 0; !rc && i < env->n; i++)
		if (kafka_passed(env->entries[i].key, strlen(env->entries[i].key)))
			rc = kafka_add(&conf, &n, env->entries[i].key, strlen(env->entries[i].key),
			               env->entries[i].value);
	rc = rc ? rc : kafka_add(&conf, &n, "KAFKA_CLIENT_ID", 15, "user-service");
	if (rc) {
		kafka_free(conf);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cfg->kafka_conf = conf;
	return 0;
}

int core_config_load(core_config *cfg, const char *dotenv_path, char *err, size_t errlen)
{
	core_dotenv env = {0};
	memset(cfg, 0, sizeof *cfg);
	if (dotenv_path && core_dotenv_load(&env, dotenv_path, err, errlen))
		return -1;
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof settings / sizeof settings[0]; i++) {
		const setting *s = &settings[i];
		const char *text = core_dotenv_get(&env, s->name);
		if (!text)
			text = s->fallback;
		if (!text)
			continue;
		char why[160];
		if (s->parse(s, text, (char *)cfg + s->offset, why, sizeof why)) {
			/* never echo JWT_SECRET_KEY's value; the others help to see */
			snprintf(err, errlen, "%s %s, got '%.80s'", s->name, why,
			         strcmp(s->name, "JWT_SECRET_KEY") ? text : "***");
			rc = -1;
		}
	}
	if (!rc)
		rc = kafka_settings(cfg, &env, err, errlen);
	core_dotenv_release(&env);
	if (!rc)
		rc = check(cfg, err, errlen);
	if (rc)
		core_config_release(cfg);
	return rc;
}

void core_config_release(core_config *cfg)
{
	kafka_free(cfg->kafka_conf);
	cfg->kafka_conf = NULL;
	if (cfg->jwt_secret_key)
		sodium_memzero(cfg->jwt_secret_key, strlen(cfg->jwt_secret_key));
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		const setting *s = &settings[i];
		if (s->parse == parse_string || s->parse == parse_algorithm ||
		    s->parse == parse_root_path) {
			char **field = (char **)((char *)cfg + s->offset);
			free(*field);
			*field = NULL;
		} else if (s->parse == parse_addr) {
			core_config_addr *a = (core_config_addr *)((char *)cfg + s->offset);
			free(a->host);
			a->host = NULL;
		}
	}
}
