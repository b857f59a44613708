/* security.h — passwords and tokens.
 *
 * Passwords: Argon2id through libsodium (crypto_pwhash_str, INTERACTIVE
 * limits). Hashes carried over from the Python service ("$2b$...", bcrypt)
 * verify through libcrypt and are reported as needing a rehash, so login
 * replaces them with Argon2id. Unknown emails verify against a dummy hash
 * made at start-up, so they cost what a wrong password costs.
 *
 * Tokens: JWT, HS256 only, signed and checked with libsodium's
 * HMAC-SHA-256 (constant-time verify). A token is accepted only when its
 * header says alg HS256 (alg "none" and every other algorithm are refused,
 * whatever the key), the signature matches, exp lies in the future and the
 * type claim is the expected one. Claims: sub (user id), exp, iat, type
 * ("access" or "refresh"), role, profile_id.
 *
 * Clients send the same token with every request until it expires, so each
 * thread keeps the tokens it has verified (a small table per thread and
 * key): a token byte-for-byte equal to one verified before (compared in
 * constant time) has its claims taken from there, and only its time (exp,
 * nbf) and type are checked again.
 *
 * Nothing here logs; never log passwords, hashes, tokens or the key.
 */
#ifndef CORE_SECURITY_H
#define CORE_SECURITY_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CORE_HASH_MAX = 256,   /* longest stored hash we handle (column: 255) */
	CORE_TOKEN_MAX = 1024, /* longest token we issue or accept */
	CORE_ROLE_MAX = 16,    /* "instructor" + NUL, with room */
};

typedef enum core_token_type {
	CORE_TOKEN_ACCESS,
	CORE_TOKEN_REFRESH,
} core_token_type;

typedef struct core_token_caches core_token_caches;

typedef struct core_security {
	const char *key; /* JWT_SECRET_KEY, borrowed from the config */
	size_t key_len;
	int64_t access_ttl_s, refresh_ttl_s;
	char dummy_hash[CORE_HASH_MAX]; /* Argon2id of a random password */
	/* HMAC-SHA-256 keyed with key: every MAC starts from a copy */
	crypto_auth_hmacsha256_state keyed;
	core_token_caches *caches; /* the threads' verified tokens (owned) */
} core_security;

/* Fills sec for key (borrowed; must outlive sec) and makes the dummy hash
 * (one Argon2id computation). Returns 0, or -1 when key is empty or out of
 * memory. Release with core_security_release (also after a failed init).
 * sec must not be copied: the copy would share its caches. */
int core_security_init(core_security *sec, const char *key, int64_t access_ttl_s,
                       int64_t refresh_ttl_s);
/* Frees every thread's verified tokens and wipes the keyed state; no thread
 * may be verifying tokens. */
void core_security_release(core_security *sec);

/* The Argon2id hash of password[0..len) into out. Returns 0, -1 when out of
 * memory. */
int core_password_hash(const char *password, size_t len, char out[CORE_HASH_MAX]);

/* True when password[0..len) matches hash (Argon2id or bcrypt "$2b$",
 * "$2a$", "$2y$"); false for any other or malformed hash. When
 * needs_rehash is not NULL it is set, on a match, when the hash should be
 * replaced (bcrypt, or Argon2id with other limits than today's). */
bool core_password_verify(const char *password, size_t len, const char *hash, bool *needs_rehash);

/* Spends what core_password_verify spends on a wrong password, for
 * callers without a hash to check (unknown email). Always false. */
bool core_password_verify_dummy(const core_security *sec, const char *password, size_t len);

/* The claims of a token. */
typedef struct core_claims {
	char sub[37];
	char role[CORE_ROLE_MAX];
	char profile_id[37]; /* "" when the token carries none */
	core_token_type type;
	int64_t iat, exp;
} core_claims;

/* A signed token of type for sub (a UUID), role and profile_id ("" or
 * NULL: null), issued now, into out. Returns 0, -1 when out of memory or
 * an argument is too long. */
int core_token_issue(const core_security *sec, core_token_type type, const char *sub,
                     const char *role, const char *profile_id, char out[CORE_TOKEN_MAX]);

/* Checks token as the header comment says and that its type is want, at
 * time now (seconds since the epoch). Returns 0 with claims filled, -1 for
 * any bad token (the reason is deliberately not told). */
int core_token_verify(const core_security *sec, const char *token, core_token_type want,
                      int64_t now, core_claims *claims);

#endif
