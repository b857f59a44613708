/* token_cache.h — the tokens each thread has verified, for
 * core_token_verify (security.h): one small table per thread and key,
 * indexed by a few characters of the signature (an HMAC, so the valid
 * tokens that get in are spread evenly; a colliding token replaces the one
 * there). A lookup compares the whole token in constant time, so a probe
 * learns nothing about the tokens kept.
 */
#ifndef CORE_TOKEN_CACHE_H
#define CORE_TOKEN_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/security.h"

enum { CORE_CACHED_TOKEN_MAX = 512 }; /* longer tokens are verified every time */

typedef struct core_cached_token {
	size_t len; /* 0: empty */
	char token[CORE_CACHED_TOKEN_MAX];
	core_claims claims; /* as the full check filled them */
	int64_t nbf;        /* the token's nbf claim, 0 when it has none */
} core_cached_token;

/* A new set of per-thread tables (none made yet), or NULL when out of
 * memory. Free with core_token_caches_free, which frees every thread's
 * table; no thread may be using them then. */
core_token_caches *core_token_caches_new(void);
void core_token_caches_free(core_token_caches *c);

/* The calling thread's slot for token[0..len) (made on first use;
 * borrowed, valid until core_token_caches_free), or NULL when the token is
 * too long to keep or memory ran out (then verify without the cache). */
core_cached_token *core_token_cache_slot(core_token_caches *c, const char *token, size_t len);

/* True when slot holds exactly token[0..len). */
bool core_token_cache_holds(const core_cached_token *slot, const char *token, size_t len);

#endif
