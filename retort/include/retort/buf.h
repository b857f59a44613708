/* buf.h — the string builder used everywhere text is assembled.
 *
 * An rt_buf is a caller-owned value. Its data is never NULL and always
 * NUL-terminated (an empty buffer points at a shared static ""). Every append
 * is checked against `limit` (0 = no limit besides SIZE_MAX) and fails with
 * RT_ERR_NOMEM leaving the previous contents intact.
 */
#ifndef RETORT_BUF_H
#define RETORT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "retort/error.h"

typedef struct rt_buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data points at the static empty string */
	size_t limit;
} rt_buf;

/* clang-format off */
#define RT_BUF_INIT {(char *)"", 0, 0, 0}
/* clang-format on */

void rt_buf_init(rt_buf *b, size_t limit);
void rt_buf_release(rt_buf *b);              /* frees and re-initialises; keeps limit */
void rt_buf_reset(rt_buf *b);                /* length 0, keeps the allocation */
void rt_buf_truncate(rt_buf *b, size_t len); /* keeps the first len bytes, if fewer */

int rt_buf_add(rt_buf *b, const void *data, size_t len);
int rt_buf_puts(rt_buf *b, const char *s);
int rt_buf_putc(rt_buf *b, char c);
int rt_buf_printf(rt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* SQL quoting: 'it''s' and "my""table". */
int rt_buf_add_literal(rt_buf *b, const char *s);
int rt_buf_add_ident(rt_buf *b, const char *s);

/* Hands the data to the caller (free() it; never NULL: an empty buffer yields
 * a fresh ""), and re-initialises b. Returns NULL only on allocation failure. */
char *rt_buf_detach(rt_buf *b);

#endif
