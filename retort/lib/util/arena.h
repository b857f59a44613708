/* arena.h — region allocator for object graphs (scripts, graphs, statement
 * lists). Everything allocated from an arena is freed at once by
 * rt__arena_release. Allocation returns NULL on failure (size arithmetic is
 * overflow-checked); callers turn that into RT_ERR_NOMEM.
 */
#ifndef RETORT_ARENA_H
#define RETORT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rt__arena_block rt__arena_block;
typedef struct rt__arena {
	rt__arena_block *head;
} rt__arena;

void rt__arena_init(rt__arena *a);
void rt__arena_release(rt__arena *a);

void *rt__arena_alloc(rt__arena *a, size_t size);           /* zeroed, 16-aligned */
void *rt__arena_array(rt__arena *a, size_t n, size_t size); /* zeroed, n*size checked */
char *rt__arena_strdup(rt__arena *a, const char *s);
char *rt__arena_strndup(rt__arena *a, const char *s, size_t n);
char *rt__arena_printf(rt__arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an arena array: copies the n old elements into a new block of cap*2
 * (at least 8); the old block stays in the arena. Updates *cap. */
void *rt__arena_grow(rt__arena *a, void *old, size_t n, size_t *cap, size_t size);

#endif
