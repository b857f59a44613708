/* error.h — the one error type of libretort.
 *
 * Every library call that can fail returns 0 on success or a negative rt_code
 * and fills a caller-owned rt_error. The error holds copies of its texts (no
 * pointers into library memory), so it outlives the objects that raised it.
 * The list below generates the enum, the names and the CLI exit codes.
 */
#ifndef RETORT_ERROR_H
#define RETORT_ERROR_H

#include <stdarg.h>

/* X(name, exit status, short description) */
#define RT_ERROR_LIST(X)                                         \
	X(RT_ERR_USAGE, 2, "bad usage")                          \
	X(RT_ERR_NOMEM, 1, "out of memory")                      \
	X(RT_ERR_IO, 1, "file error")                            \
	X(RT_ERR_CONFIG, 1, "bad configuration")                 \
	X(RT_ERR_URL, 1, "bad database url")                     \
	X(RT_ERR_PARSE, 1, "malformed input")                    \
	X(RT_ERR_REVISION, 1, "unknown or ambiguous revision")   \
	X(RT_ERR_GRAPH, 1, "inconsistent revision graph")        \
	X(RT_ERR_HEADS, 1, "multiple heads")                     \
	X(RT_ERR_DB, 1, "database error")                        \
	X(RT_ERR_MIGRATION, 1, "migration failed")               \
	X(RT_ERR_STATE, 1, "database state does not allow this") \
	X(RT_ERR_CHECK, 1, "differences found")

/* clang-format off */
typedef enum rt_code {
	RT_OK = 0,
#define RT__ERR_ENUM(name, status, text) name,
	RT_ERROR_LIST(RT__ERR_ENUM)
#undef RT__ERR_ENUM
	RT_ERR__COUNT
} rt_code;
/* clang-format on */

typedef struct rt_error {
	rt_code code;      /* RT_OK when no error is recorded */
	char message[512]; /* primary message, lowercase, what failed first */
	char detail[1024]; /* optional: more context (e.g. the database's text) */
	char hint[512];    /* optional: the command or change that fixes it */
	char file[256];    /* optional: where parsed text was wrong */
	int line;          /* 1-based, 0 when unknown */
	int col;           /* 1-based, 0 when unknown */
} rt_error;

void rt_error_clear(rt_error *err);

/* Records code and a formatted message; returns -code so callers can
 * `return rt_error_set(err, RT_ERR_IO, "cannot open '%s'", path);`.
 * err may be NULL (the error is then only returned). */
int rt_error_set(rt_error *err, rt_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int rt_error_vset(rt_error *err, rt_code code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Like rt_error_set, and records file:line:col of the offending text. */
int rt_error_at(rt_error *err, rt_code code, const char *file, int line, int col, const char *fmt,
                ...) __attribute__((format(printf, 6, 7)));
void rt_error_detail(rt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_error_hint(rt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *rt_error_name(rt_code code); /* "RT_ERR_IO"; static string */
int rt_error_exit_status(rt_code code);  /* 0, 1 or 2 */

#endif
