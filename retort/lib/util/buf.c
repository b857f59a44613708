/* buf.c — rt_buf, the bounded string builder (see retort/buf.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retort/buf.h"
#include "banned.h"

static char empty[1];

void rt_buf_init(rt_buf *b, size_t limit)
{
	b->data = empty;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

void rt_buf_release(rt_buf *b)
{
	if (b->cap)
		free(b->data);
	rt_buf_init(b, b->limit);
}

void rt_buf_reset(rt_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void rt_buf_truncate(rt_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

static int grow(rt_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return -RT_ERR_NOMEM;
	size_t need = b->len + extra + 1;
	if (b->limit && need > b->limit + 1)
		return -RT_ERR_NOMEM;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *data = realloc(b->cap ? b->data : NULL, cap);
	if (!data)
		return -RT_ERR_NOMEM;
	if (!b->cap)
		data[0] = '\0';
	b->data = data;
	b->cap = cap;
	return 0;
}

int rt_buf_add(rt_buf *b, const void *data, size_t len)
{
	int rc = grow(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int rt_buf_puts(rt_buf *b, const char *s)
{
	return rt_buf_add(b, s, strlen(s));
}

int rt_buf_putc(rt_buf *b, char c)
{
	return rt_buf_add(b, &c, 1);
}

int rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -RT_ERR_NOMEM;
	int rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = rt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static int add_quoted(rt_buf *b, const char *s, char q)
{
	int rc = rt_buf_putc(b, q);
	for (; !rc && *s; s++) {
		rc = rt_buf_putc(b, *s);
		if (!rc && *s == q)
			rc = rt_buf_putc(b, q);
	}
	return rc ? rc : rt_buf_putc(b, q);
}

int rt_buf_add_literal(rt_buf *b, const char *s)
{
	return add_quoted(b, s, '\'');
}

int rt_buf_add_ident(rt_buf *b, const char *s)
{
	return add_quoted(b, s, '"');
}

char *rt_buf_detach(rt_buf *b)
{
	char *out = b->cap ? b->data : strdup("");
	rt_buf_init(b, b->limit);
	return out;
}
