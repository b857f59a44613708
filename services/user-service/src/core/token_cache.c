/* token_cache.c — per-thread tables of verified tokens (see token_cache.h). */
#include "core/token_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>

#include "banned.h"

enum { SLOTS = 64 }; /* a power of two */

typedef struct table {
	struct table *next; /* every thread's table, for freeing */
	core_cached_token slot[SLOTS];
} table;

struct core_token_caches {
	pthread_key_t key; /* the calling thread's table */
	pthread_mutex_t lock;
	table *all;
};

core_token_caches *core_token_caches_new(void)
{
	core_token_caches *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (pthread_key_create(&c->key, NULL)) {
		free(c);
		return NULL;
	}
	if (pthread_mutex_init(&c->lock, NULL)) {
		pthread_key_delete(c->key);
		free(c);
		return NULL;
	}
	return c;
}

void core_token_caches_free(core_token_caches *c)
{
	if (!c)
		return;
	for (table *t = c->all, *next; t; t = next) {
		next = t->next;
		sodium_memzero(t, sizeof *t);
		free(t);
	}
	pthread_key_delete(c->key);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static table *thread_table(core_token_caches *c)
{
	table *t = pthread_getspecific(c->key);
	if (t)
		return t;
	if (!(t = calloc(1, sizeof *t)))
		return NULL;
	if (pthread_setspecific(c->key, t)) {
		free(t);
		return NULL;
	}
	pthread_mutex_lock(&c->lock);
	t->next = c->all;
	c->all = t;
	pthread_mutex_unlock(&c->lock);
	return t;
}

core_cached_token *core_token_cache_slot(core_token_caches *c, const char *token, size_t len)
{
	enum { TAIL = 16 }; /* from the signature, which ends every token */
	if (!c || len > CORE_CACHED_TOKEN_MAX || len < TAIL)
		return NULL;
	table *t = thread_table(c);
	if (!t)
		return NULL;
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = len - TAIL; i < len; i++)
		h = (h ^ (unsigned char)token[i]) * 16777619u;
	return &t->slot[h & (SLOTS - 1)];
}

bool core_token_cache_holds(const core_cached_token *slot, const char *token, size_t len)
{
	return slot->len == len && sodium_memcmp(slot->token, token, len) == 0;
}
