/* throttle.h — failed attempts counted per key (an email, a client
 * address), for refusing the next attempt before it costs a password hash.
 *
 * Policy: failures count within a window (the count starts again when the
 * last failure is older than the window). From `limit` failures on, the
 * key waits before its next attempt: base, then twice as long after each
 * further failure, never longer than the window (base = window / 30, at
 * least 1 s: 30 s, 60 s, 120 s, ... up to 15 min for the default 15 min
 * window). reset forgets a key (a successful login).
 *
 * The counters live in this process's memory: a fixed table (set
 * associative, 8 ways) keyed by a keyed hash (SipHash, random key per
 * process, so no one can aim keys at one set), evicting the entry with the
 * oldest failure when its set is full. Several instances each count their
 * own share; docs/api.md says what that means. Thread-safe.
 */
#ifndef CORE_THROTTLE_H
#define CORE_THROTTLE_H

#include <stdint.h>

typedef struct core_throttle core_throttle;

/* A table of about `entries` keys (rounded to a power of two, at least 8).
 * *out is owned by the caller (core_throttle_free). Returns 0 or -1. */
int core_throttle_new(unsigned limit, unsigned window_s, unsigned entries, core_throttle **out);
void core_throttle_free(core_throttle *t);

/* Seconds key must wait before its next attempt at time now (unix
 * seconds); 0 when it may try now. */
unsigned core_throttle_wait(core_throttle *t, const char *key, int64_t now);
/* Counts a failed attempt of key at now. */
void core_throttle_fail(core_throttle *t, const char *key, int64_t now);
/* Forgets key's failures. */
void core_throttle_reset(core_throttle *t, const char *key);
/* How many core_throttle_wait calls answered a wait (for /metrics; the
 * lock the wait takes anyway counts them). */
uint64_t core_throttle_refused(core_throttle *t);

#endif
