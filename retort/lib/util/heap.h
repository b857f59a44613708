/* heap.h — a binary min-heap of node numbers (internal), for the
 * topological sorts that take, of the nodes that are ready, the one that
 * comes first (autogen/models.c, autogen/order.c): O(log n) a step where
 * scanning for it made the sorts quadratic.
 *
 * The caller owns v, with room for every node it will push (each node is
 * pushed at most once in those sorts). */
#ifndef RETORT_UTIL_HEAP_H
#define RETORT_UTIL_HEAP_H

#include <stddef.h>

typedef struct rt__heap {
	size_t *v;
	size_t n;
} rt__heap;

static inline void rt__heap_push(rt__heap *h, size_t x)
{
	size_t i = h->n++;
	while (i > 0 && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

/* The smallest node, removed; h must not be empty. */
static inline size_t rt__heap_pop(rt__heap *h)
{
	size_t top = h->v[0], last = h->v[--h->n], i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= last)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

#endif
