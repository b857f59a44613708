/* log.h — the service's log: one line per event on stderr, as text or JSON.
 *
 * core_log_setup is called once in main before any thread starts; after
 * that the settings are only read, so logging needs no lock. Each line is
 * written with one write(2), so lines from worker threads never interleave.
 * Never pass secrets (passwords, tokens, the JWT key) to these functions.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdbool.h>

typedef enum core_log_level {
	CORE_LOG_DEBUG,
	CORE_LOG_INFO,
	CORE_LOG_WARNING,
	CORE_LOG_ERROR,
} core_log_level;

typedef enum core_log_format {
	CORE_LOG_TEXT,
	CORE_LOG_JSON,
} core_log_format;

void core_log_setup(core_log_level min_level, core_log_format format);

/* "debug", "info", "warning" (or "warn"), "error", case-insensitive;
 * false when name is none of them. */
bool core_log_level_parse(const char *name, core_log_level *out);
bool core_log_format_parse(const char *name, core_log_format *out);

void core_log(core_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The access-log line of one request: method, path (without the query
 * string), status, duration in milliseconds and the request id. */
void core_log_request(const char *method, const char *path, int status, double duration_ms,
                      const char *request_id);

#endif
