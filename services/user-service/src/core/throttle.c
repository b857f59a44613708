/* throttle.c — failure counters per key (see throttle.h). */
#include "core/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

enum { WAYS = 8 };

typedef struct entry {
	uint64_t key;      /* keyed hash; 0: free */
	int64_t last;      /* unix time of the last failure */
	uint32_t failures; /* within the window ending at last + window */
} entry;

struct core_throttle {
	pthread_mutex_t lock;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	unsigned limit, window, base;
	size_t sets; /* a power of two */
	entry *table;
	uint64_t refused; /* waits answered with a delay (core_throttle_refused) */
};

int core_throttle_new(unsigned limit, unsigned window_s, unsigned entries, core_throttle **out)
{
	core_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	size_t sets = 1;
	while (sets * WAYS < entries && sets < ((size_t)1 << 24))
		sets <<= 1;
	t->table = calloc(sets * WAYS, sizeof *t->table);
	if (!t->table || pthread_mutex_init(&t->lock, NULL)) {
		free(t->table);
		free(t);
		return -1;
	}
	t->sets = sets;
	t->limit = limit ? limit : 1;
	t->window = window_s ? window_s : 1;
	t->base = t->window / 30 ? t->window / 30 : 1;
	randombytes_buf(t->hash_key, sizeof t->hash_key);
	*out = t;
	return 0;
}

void core_throttle_free(core_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	sodium_memzero(t->hash_key, sizeof t->hash_key);
	free(t->table);
	free(t);
}

static uint64_t hash_of(const core_throttle *t, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->hash_key);
	uint64_t v;
	memcpy(&v, h, sizeof v);
	return v ? v : 1; /* 0 marks a free slot */
}

/* The entry of key in its set, or NULL. Under the lock. */
static entry *find(core_throttle *t, uint64_t k)
{
	entry *set = &t->table[(k & (t->sets - 1)) * WAYS];
	for (int i = 0; i < WAYS; i++)
		if (set[i].key == k)
			return &set[i];
	return NULL;
}

/* The failures of e that still count at now. */
static uint32_t live_failures(const core_throttle *t, const entry *e, int64_t now)
{
	return now - e->last < (int64_t)t->window ? e->failures : 0;
}

unsigned core_throttle_wait(core_throttle *t, const char *key, int64_t now)
{
	uint64_t k = hash_of(t, key);
	unsigned wait = 0;
	pthread_mutex_lock(&t->lock);
	entry *e = find(t, k);
	uint32_t n = e ? live_failures(t, e, now) : 0;
	if (n >= t->limit) {
		uint32_t doublings = n - t->limit < 20 ? n - t->limit : 20;
		int64_t delay = (int64_t)t->base << doublings;
		if (delay > (int64_t)t->window)
			delay = t->window;
		int64_t until = e->last + delay;
		wait = until > now ? (unsigned)(until - now) : 0;
	}
	t->refused += wait > 0;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void core_throttle_fail(core_throttle *t, const char *key, int64_t now)
{
	uint64_t k = hash_of(t, key);
	pthread_mutex_lock(&t->lock);
	entry *e = find(t, k);
	if (!e) {
		/* a free way, else the one whose last failure is oldest */
		entry *set = &t->table[(k & (t->sets - 1)) * WAYS];
		e = &set[0];
		for (int i = 0; i < WAYS && e->key; i++)
			if (!set[i].key || set[i].last < e->last)
				e = &set[i];
		*e = (entry){.key = k};
	}
	e->failures = live_failures(t, e, now) + (e->failures < UINT32_MAX);
	e->last = now;
	pthread_mutex_unlock(&t->lock);
}

uint64_t core_throttle_refused(core_throttle *t)
{
	pthread_mutex_lock(&t->lock);
	uint64_t n = t->refused;
	pthread_mutex_unlock(&t->lock);
	return n;
}

void core_throttle_reset(core_throttle *t, const char *key)
{
	uint64_t k = hash_of(t, key);
	pthread_mutex_lock(&t->lock);
	entry *e = find(t, k);
	if (e)
		*e = (entry){0};
	pthread_mutex_unlock(&t->lock);
}
