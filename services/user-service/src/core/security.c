/* security.c — password hashing and verification, JWT HS256 issue and
 * check (see security.h). The primitives are libsodium's (Argon2id,
 * HMAC-SHA-256, base64url, constant-time compare) and libcrypt's bcrypt;
 * this file only arranges them. */
#include "core/security.h"

#include <crypt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ids.h"
#include "core/token_cache.h"
#include "banned.h"

enum { SIG_BYTES = crypto_auth_hmacsha256_BYTES };

#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

/* base64url of {"alg":"HS256","typ":"JWT"}: the only header we issue. */
static const char jwt_header[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

static const char *const type_names[] = {
    [CORE_TOKEN_ACCESS] = "access",
    [CORE_TOKEN_REFRESH] = "refresh",
};

/* ---- passwords ---- */

int core_password_hash(const char *password, size_t len, char out[CORE_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= CORE_HASH_MAX, "hash buffer too small");
	return crypto_pwhash_str(out, password, len, OPS, MEM) == 0 ? 0 : -1;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool verify_argon2id(const char *password, size_t len, const char *hash, bool *rehash)
{
	if (crypto_pwhash_str_verify(hash, password, len) != 0)
		return false;
	*rehash = crypto_pwhash_str_needs_rehash(hash, OPS, MEM) != 0;
	return true;
}

/* bcrypt as the Python service stored it. crypt_rn never returns a
 * "failure token", only NULL; the result is compared in constant time. */
static bool verify_bcrypt(const char *password, size_t len, const char *hash, bool *rehash)
{
	if (memchr(password, '\0', len))
		return false; /* bcrypt cannot have hashed it */
	char *pw = malloc(len + 1);
	struct crypt_data *data = calloc(1, sizeof *data);
	bool ok = false;
	if (pw && data) {
		memcpy(pw, password, len);
		pw[len] = '\0';
		const char *out = crypt_rn(pw, hash, data, (int)sizeof *data);
		size_t n = strlen(hash);
		ok = out && strlen(out) == n && sodium_memcmp(out, hash, n) == 0;
		sodium_memzero(pw, len);
	}
	free(pw);
	if (data) {
		sodium_memzero(data, sizeof *data);
		free(data);
	}
	*rehash = true; /* always: bcrypt hashes are replaced by Argon2id */
	return ok;
}

typedef bool (*verify_fn)(const char *password, size_t len, const char *hash, bool *rehash);

static const struct {
	const char *prefix;
	verify_fn verify;
} schemes[] = {
    {"$argon2id$", verify_argon2id},
    {"$2b$", verify_bcrypt},
    {"$2a$", verify_bcrypt},
    {"$2y$", verify_bcrypt},
};

bool core_password_verify(const char *password, size_t len, const char *hash, bool *needs_rehash)
{
	bool rehash = false, ok = false;
	for (size_t i = 0; hash && i < sizeof schemes / sizeof schemes[0]; i++) {
		if (has_prefix(hash, schemes[i].prefix)) {
			ok = schemes[i].verify(password, len, hash, &rehash);
			break;
		}
	}
	if (needs_rehash)
		*needs_rehash = ok && rehash;
	return ok;
}

bool core_password_verify_dummy(const core_security *sec, const char *password, size_t len)
{
	/* the outcome is irrelevant: the dummy's password is random and lost */
	if (crypto_pwhash_str_verify(sec->dummy_hash, password, len) == 0)
		return false;
	return false;
}

int core_security_init(core_security *sec, const char *key, int64_t access_ttl_s,
                       int64_t refresh_ttl_s)
{
	*sec = (core_security){
	    .key = key, .access_ttl_s = access_ttl_s, .refresh_ttl_s = refresh_ttl_s};
	if (!key || !*key)
		return -1;
	sec->key_len = strlen(key);
	if (crypto_auth_hmacsha256_init(&sec->keyed, (const unsigned char *)key, sec->key_len) ||
	    !(sec->caches = core_token_caches_new()))
		return -1;
	char random_pw[33];
	core_request_id(random_pw); /* 128 random bits nobody knows */
	int rc = core_password_hash(random_pw, strlen(random_pw), sec->dummy_hash);
	sodium_memzero(random_pw, sizeof random_pw);
	return rc;
}

void core_security_release(core_security *sec)
{
	core_token_caches_free(sec->caches);
	sodium_memzero(sec, sizeof *sec);
}

/* ---- tokens ---- */

static void mac(const core_security *sec, const char *data, size_t len,
                unsigned char out[SIG_BYTES])
{
	crypto_auth_hmacsha256_state st = sec->keyed;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)data, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

/* Appends base64url (no padding) of bin[0..n) at out + *pos, within cap. */
static int put_b64(char *out, size_t cap, size_t *pos, const void *bin, size_t n)
{
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (*pos + need > cap)
		return -1;
	sodium_bin2base64(out + *pos, need, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*pos += strlen(out + *pos);
	return 0;
}

static int put_text(char *out, size_t cap, size_t *pos, const char *s)
{
	size_t n = strlen(s);
	if (*pos + n + 1 > cap)
		return -1;
	memcpy(out + *pos, s, n + 1);
	*pos += n;
	return 0;
}

int core_token_issue(const core_security *sec, core_token_type type, const char *sub,
                     const char *role, const char *profile_id, char out[CORE_TOKEN_MAX])
{
	int64_t now = (int64_t)time(NULL);
	int64_t ttl = type == CORE_TOKEN_ACCESS ? sec->access_ttl_s : sec->refresh_ttl_s;
	json_t *claims =
	    json_pack("{s:s, s:I, s:I, s:s, s:s, s:s?}", "sub", sub, "exp", (json_int_t)(now + ttl),
	              "iat", (json_int_t)now, "type", type_names[type], "role", role, "profile_id",
	              profile_id && *profile_id ? profile_id : NULL);
	char *payload = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
	json_decref(claims);
	if (!payload)
		return -1;
	size_t pos = 0;
	int rc = put_text(out, CORE_TOKEN_MAX, &pos, jwt_header);
	rc = rc ? rc : put_text(out, CORE_TOKEN_MAX, &pos, ".");
	rc = rc ? rc : put_b64(out, CORE_TOKEN_MAX, &pos, payload, strlen(payload));
	free(payload);
	unsigned char sig[SIG_BYTES];
	if (!rc)
		mac(sec, out, pos, sig);
	rc = rc ? rc : put_text(out, CORE_TOKEN_MAX, &pos, ".");
	rc = rc ? rc : put_b64(out, CORE_TOKEN_MAX, &pos, sig, sizeof sig);
	if (rc)
		out[0] = '\0';
	return rc;
}

/* Decodes one base64url part strictly (no padding, no stray characters,
 * canonical trailing bits). Returns the length, or -1. */
static long b64_part(const char *s, size_t len, unsigned char *bin, size_t cap)
{
	size_t n;
	const char *end;
	if (!len ||
	    sodium_base642bin(bin, cap, s, len, NULL, &n, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != s + len)
		return -1;
	return (long)n;
}

static json_t *json_part(const char *s, size_t len)
{
	unsigned char bin[CORE_TOKEN_MAX];
	long n = b64_part(s, len, bin, sizeof bin);
	if (n < 0)
		return NULL;
	json_t *v = json_loadb((const char *)bin, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	if (v && !json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* The header must name HS256 and nothing we do not understand. */
static bool header_ok(json_t *h)
{
	const char *alg = json_string_value(json_object_get(h, "alg"));
	json_t *typ = json_object_get(h, "typ");
	return alg && strcmp(alg, "HS256") == 0 && !json_object_get(h, "crit") &&
	       (!typ || (json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0));
}

static bool copy_claim(json_t *claims, const char *name, char *out, size_t cap)
{
	json_t *v = json_object_get(claims, name);
	if (!json_is_string(v) || json_string_length(v) >= cap ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return false;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return true;
}

/* The claims of c when they hold for want at now; *nbf (0 when absent) is
 * kept so that a cached token's nbf is checked again. */
static bool claims_ok(json_t *c, core_token_type want, int64_t now, core_claims *out,
                      int64_t *nbf_out)
{
	json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");
	json_t *nbf = json_object_get(c, "nbf"), *pid = json_object_get(c, "profile_id");
	const char *type = json_string_value(json_object_get(c, "type"));
	if (!json_is_integer(exp) || json_integer_value(exp) <= now)
		return false;
	if (iat && !json_is_integer(iat))
		return false;
	if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > now))
		return false;
	if (!type || strcmp(type, type_names[want]) != 0)
		return false;
	if (!copy_claim(c, "sub", out->sub, sizeof out->sub) || !core_uuid_valid(out->sub))
		return false;
	if (!copy_claim(c, "role", out->role, sizeof out->role))
		return false;
	out->profile_id[0] = '\0';
	if (pid && !json_is_null(pid) &&
	    (!copy_claim(c, "profile_id", out->profile_id, sizeof out->profile_id) ||
	     !core_uuid_valid(out->profile_id)))
		return false;
	for (char *p = out->sub; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	out->type = want;
	out->exp = json_integer_value(exp);
	out->iat = iat ? json_integer_value(iat) : 0;
	*nbf_out = nbf ? json_integer_value(nbf) : 0;
	return true;
}

/* The full check: header, signature, then the claims. */
static int verify_uncached(const core_security *sec, const char *token, size_t len,
                           core_token_type want, int64_t now, core_claims *claims, int64_t *nbf)
{
	const char *dot1 = memchr(token, '.', len);
	const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
		return -1;
	/* Our own tokens carry exactly the header we issue; only a foreign
	 * spelling of it needs decoding and checking. */
	size_t header_len = (size_t)(dot1 - token);
	bool ok = header_len == sizeof jwt_header - 1 && memcmp(token, jwt_header, header_len) == 0;
	if (!ok) {
		json_t *header = json_part(token, header_len);
		ok = header && header_ok(header);
		json_decref(header);
	}
	if (!ok)
		return -1; /* alg none, RS256, ...: refused before any key is used */
	unsigned char sig[SIG_BYTES + 8], want_sig[SIG_BYTES];
	const char *sig_text = dot2 + 1;
	if (b64_part(sig_text, len - (size_t)(sig_text - token), sig, sizeof sig) != SIG_BYTES)
		return -1;
	mac(sec, token, (size_t)(dot2 - token), want_sig);
	if (sodium_memcmp(sig, want_sig, SIG_BYTES) != 0)
		return -1;
	json_t *payload = json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	ok = payload && claims_ok(payload, want, now, claims, nbf);
	json_decref(payload);
	return ok ? 0 : -1;
}

int core_token_verify(const core_security *sec, const char *token, core_token_type want,
                      int64_t now, core_claims *claims)
{
	size_t len = token ? strnlen(token, CORE_TOKEN_MAX) : CORE_TOKEN_MAX;
	if (len >= CORE_TOKEN_MAX)
		return -1;
	core_cached_token *slot = core_token_cache_slot(sec->caches, token, len);
	if (slot && core_token_cache_holds(slot, token, len)) {
		/* what the full check found still holds; time and type may not */
		const core_claims *c = &slot->claims;
		if (c->type != want || c->exp <= now || slot->nbf > now)
			return -1;
		*claims = *c;
		return 0;
	}
	int64_t nbf;
	if (verify_uncached(sec, token, len, want, now, claims, &nbf))
		return -1;
	if (slot) {
		slot->len = len;
		memcpy(slot->token, token, len);
		slot->claims = *claims;
		slot->nbf = nbf;
	}
	return 0;
}
