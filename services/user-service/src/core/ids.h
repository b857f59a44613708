/* ids.h — identifiers the service makes: UUIDv7 row ids (time-ordered, so
 * new rows land at the end of the primary-key index) and request ids. */
#ifndef CORE_IDS_H
#define CORE_IDS_H

#include <stdbool.h>
#include <stddef.h>

/* A new UUIDv7 in canonical lowercase form (36 characters + NUL). */
void core_uuid7(char out[37]);

/* True when s is a canonical UUID (8-4-4-4-12 hex, any version). Check ids
 * from a path or token with this before they reach SQL: PostgreSQL rejects
 * malformed uuid text with an error, SQLite would just find nothing. */
bool core_uuid_valid(const char *s);

/* 32 random lowercase hex digits + NUL. */
void core_request_id(char out[33]);

/* Kernel randomness fetched a block at a time, for one thread that needs a
 * little per request: one getrandom per 256 request ids instead of one
 * each. Bytes handed out are wiped from the pool. Zero-initialise; wipe
 * with core_random_pool_wipe when done. */
typedef struct core_random_pool {
	unsigned char buf[4096];
	size_t left; /* unused bytes, at the end of buf; 0: empty */
} core_random_pool;

/* core_request_id's form, drawn from pool. */
void core_request_id_from(core_random_pool *pool, char out[33]);
void core_random_pool_wipe(core_random_pool *pool);

/* Current time as RFC 3339 UTC with microseconds ("...T09:00:00.123456Z"),
 * the form stored in SQLite and sent to clients. */
void core_now_rfc3339(char out[32]);

#endif
