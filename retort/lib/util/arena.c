/* arena.c — block-chained region allocator (see util/arena.h). Blocks are at
 * least 16 KiB; a larger request gets a block of its own. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "banned.h"

#define BLOCK_MIN (16u * 1024u)
#define ALIGN     16u

struct rt__arena_block {
	rt__arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void rt__arena_init(rt__arena *a)
{
	a->head = NULL;
}

void rt__arena_release(rt__arena *a)
{
	rt__arena_block *b = a->head;
	while (b) {
		rt__arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void *rt__arena_alloc(rt__arena *a, size_t size)
{
	if (size > SIZE_MAX - ALIGN - sizeof(rt__arena_block))
		return NULL;
	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (size == 0)
		size = ALIGN;
	rt__arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bsize = size > BLOCK_MIN ? size : BLOCK_MIN;
		rt__arena_block *nb = malloc(sizeof(*nb) + bsize);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->size = bsize;
		if (b && size > BLOCK_MIN) {
			/* keep the partly used block in front for small requests */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

void *rt__arena_array(rt__arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return rt__arena_alloc(a, n * size);
}

char *rt__arena_strndup(rt__arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *p = rt__arena_alloc(a, n + 1);
	if (p && n)
		memcpy(p, s, n);
	return p;
}

char *rt__arena_strdup(rt__arena *a, const char *s)
{
	return rt__arena_strndup(a, s, strlen(s));
}

char *rt__arena_printf(rt__arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = rt__arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *rt__arena_grow(rt__arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap < 4 ? 8 : *cap * 2;
	if (ncap < *cap)
		return NULL;
	void *p = rt__arena_array(a, ncap, size);
	if (!p)
		return NULL;
	if (old && n)
		memcpy(p, old, n * size);
	*cap = ncap;
	return p;
}
