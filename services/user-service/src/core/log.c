/* log.c — text and JSON log lines (see log.h).
 *
 * Text:  2026-11-24T09:00:00.123Z INFO GET /health 200 0.21ms rid=5f0c...
 * JSON:  {"ts":"...","level":"info","method":"GET","path":"/health",...}
 * JSON lines are built with jansson so any byte in a path is escaped.
 */
#include "core/log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

/* Written once by core_log_setup before threads exist, read-only after. */
static struct {
	core_log_level min;
	core_log_format format;
} settings = {CORE_LOG_INFO, CORE_LOG_TEXT};

static const struct {
	const char *name;
	const char *upper;
	core_log_level level;
} levels[] = {
    {"debug", "DEBUG", CORE_LOG_DEBUG},       {"info", "INFO", CORE_LOG_INFO},
    {"warning", "WARNING", CORE_LOG_WARNING}, {"warn", "WARNING", CORE_LOG_WARNING},
    {"error", "ERROR", CORE_LOG_ERROR},
};

void core_log_setup(core_log_level min_level, core_log_format format)
{
	settings.min = min_level;
	settings.format = format;
}

bool core_log_level_parse(const char *name, core_log_level *out)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		if (strcasecmp(name, levels[i].name) == 0) {
			*out = levels[i].level;
			return true;
		}
	}
	return false;
}

bool core_log_format_parse(const char *name, core_log_format *out)
{
	if (strcasecmp(name, "text") == 0)
		*out = CORE_LOG_TEXT;
	else if (strcasecmp(name, "json") == 0)
		*out = CORE_LOG_JSON;
	else
		return false;
	return true;
}

static const char *level_name(core_log_level level, bool upper)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (levels[i].level == level)
			return upper ? levels[i].upper : levels[i].name;
	return upper ? "INFO" : "info";
}

static void timestamp(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!gmtime_r(&ts.tv_sec, &tm)) {
		snprintf(out, 32, "-");
		return;
	}
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* One write per line; a short write to stderr is not worth retrying over. */
static void emit(const char *line, size_t len)
{
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

static void emit_json(json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	if (text) {
		size_t len = strlen(text);
		char *line = malloc(len + 2);
		if (line) {
			memcpy(line, text, len);
			line[len] = '\n';
			emit(line, len + 1);
			free(line);
		}
		free(text);
	}
	json_decref(obj);
}

void core_log(core_log_level level, const char *fmt, ...)
{
	if (level < settings.min)
		return;
	char ts[32], msg[2048], line[2200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *c = msg; *c; c++) /* one event, one line: database errors span lines */
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	timestamp(ts);
	if (settings.format == CORE_LOG_JSON) {
		emit_json(json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_name(level, false),
		                    "msg", msg));
		return;
	}
	int n = snprintf(line, sizeof line, "%s %s %s\n", ts, level_name(level, true), msg);
	if (n > 0)
		emit(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void core_log_request(const char *method, const char *path, int status, double duration_ms,
                      const char *request_id)
{
	if (CORE_LOG_INFO < settings.min)
		return;
	char ts[32], line[2400], safe[1025];
	timestamp(ts);
	/* control bytes (an unescaped %0A) must not forge a second line */
	size_t i = 0;
	for (; path[i] && i < sizeof safe - 1; i++)
		safe[i] = ((unsigned char)path[i] < 0x20 || path[i] == 0x7f) ? '?' : path[i];
	safe[i] = '\0';
	if (settings.format == CORE_LOG_JSON) {
		emit_json(json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:s}", "ts", ts, "level",
		                    "info", "method", method, "path", path, "status", status,
		                    "duration_ms", duration_ms, "request_id", request_id));
		return;
	}
	int n = snprintf(line, sizeof line, "%s INFO %s %s %d %.2fms rid=%s\n", ts, method, safe,
	                 status, duration_ms, request_id);
	if (n > 0)
		emit(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
