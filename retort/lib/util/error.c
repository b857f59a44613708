/* error.c — filling rt_error values and the code tables generated from
 * RT_ERROR_LIST. */
#include <stdio.h>
#include <string.h>

#include "retort/error.h"
#include "banned.h"

static const struct {
	const char *name;
	int status;
} error_table[] = {{"RT_OK", 0},
#define RT__ERR_ROW(name, status, text) {#name, status},
                   RT_ERROR_LIST(RT__ERR_ROW)
#undef RT__ERR_ROW
};

void rt_error_clear(rt_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int rt_error_vset(rt_error *err, rt_code code, const char *fmt, va_list ap)
{
	if (err) {
		rt_error_clear(err);
		err->code = code;
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
	}
	return -(int)code;
}

int rt_error_set(rt_error *err, rt_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = rt_error_vset(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

int rt_error_at(rt_error *err, rt_code code, const char *file, int line, int col, const char *fmt,
                ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = rt_error_vset(err, code, fmt, ap);
	va_end(ap);
	if (err) {
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
		err->line = line;
		err->col = col;
	}
	return rc;
}

void rt_error_detail(rt_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

void rt_error_hint(rt_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

const char *rt_error_name(rt_code code)
{
	if ((int)code < 0 || code >= RT_ERR__COUNT)
		return "RT_ERR_UNKNOWN";
	return error_table[code].name;
}

int rt_error_exit_status(rt_code code)
{
	if ((int)code < 0 || code >= RT_ERR__COUNT)
		return 1;
	return error_table[code].status;
}
