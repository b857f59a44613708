/* test_security.c — core/security without a server: Argon2id hashes and
 * when they need a rehash, bcrypt verification, the JWT checks one at a
 * time (each case changes one thing of a good token), and forgeries
 * verified twice after a valid token, so that they meet it in the thread's
 * cache. The e2e tests (test_12_auth_tokens.py, test_14_jwt_forgery.py)
 * cover the same rules over HTTP; these pin the cases HTTP cannot reach,
 * such as an Argon2id hash made with weaker limits than today's. */
#include <crypt.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/security.h"

static const char key[] = "unit-test-key-0123456789abcdef0123456789";
static const char sub[] = "01890a5d-ac96-774b-bcce-b302099a8057";
static const char pid[] = "01890a5d-ac96-774b-bcce-b302099a8058";

static int setup(void **state)
{
	static core_security sec;
	if (sodium_init() < 0 || core_security_init(&sec, key, 900, 604800))
		return -1;
	*state = &sec;
	return 0;
}

static int teardown(void **state)
{
	core_security_release(*state);
	return 0;
}

static void argon2id_round_trip(void **state)
{
	(void)state;
	char hash[CORE_HASH_MAX];
	bool rehash = true;
	assert_int_equal(core_password_hash("s3cret pw", 9, hash), 0);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_true(core_password_verify("s3cret pw", 9, hash, &rehash));
	assert_false(rehash);
	assert_false(core_password_verify("s3cret pX", 9, hash, &rehash));
	assert_false(core_password_verify("s3cret pw", 8, hash, NULL));
	/* the length counts: an embedded NUL is part of the password */
	assert_int_equal(core_password_hash("a\0b-long-pw", 11, hash), 0);
	assert_true(core_password_verify("a\0b-long-pw", 11, hash, NULL));
	assert_false(core_password_verify("a\0c-long-pw", 11, hash, NULL));
}

static void weaker_argon2id_needs_rehash(void **state)
{
	(void)state;
	char hash[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str(hash, "old password", 12, crypto_pwhash_OPSLIMIT_MIN,
	                                   crypto_pwhash_MEMLIMIT_MIN),
	                 0);
	bool rehash = false;
	assert_true(core_password_verify("old password", 12, hash, &rehash));
	assert_true(rehash);
	rehash = true;
	assert_false(core_password_verify("new password", 12, hash, &rehash));
	assert_false(rehash); /* only a match reports a rehash */
}

static void bcrypt_verifies_and_needs_rehash(void **state)
{
	(void)state;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *data = calloc(1, sizeof *data);
	assert_non_null(data);
	assert_non_null(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof salt));
	const char *h = crypt_rn("legacy pw", salt, data, (int)sizeof *data);
	assert_non_null(h);
	char hash[CORE_HASH_MAX];
	snprintf(hash, sizeof hash, "%s", h);
	free(data);
	bool rehash = false;
	assert_true(core_password_verify("legacy pw", 9, hash, &rehash));
	assert_true(rehash);
	assert_false(core_password_verify("legacy pX", 9, hash, NULL));
	assert_false(core_password_verify("legacy\0pw", 9, hash, NULL));
}

static void unknown_hashes_never_match(void **state)
{
	const core_security *sec = *state;
	static const char *const hashes[] = {
	    "",           "plain", "$1$x$y",    "$argon2i$v=19$m=1,t=1,p=1$x$y",
	    "$argon2id$", "$2b$",  "$2b$99$abc"};
	for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
		assert_false(core_password_verify("plain", 5, hashes[i], NULL));
	assert_false(core_password_verify("plain", 5, NULL, NULL));
	assert_false(core_password_verify_dummy(sec, "anything", 8));
}

static void token_round_trip(void **state)
{
	const core_security *sec = *state;
	char tok[CORE_TOKEN_MAX];
	core_claims c;
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(core_token_issue(sec, CORE_TOKEN_ACCESS, sub, "student", pid, tok), 0);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, now, &c), 0);
	assert_string_equal(c.sub, sub);
	assert_string_equal(c.role, "student");
	assert_string_equal(c.profile_id, pid);
	assert_true(c.exp - c.iat == 900);
	/* wrong type, after expiry, with another key */
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_REFRESH, now, &c), -1);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, now + 900, &c), -1);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, now + 899, &c), 0);
	core_security other;
	assert_int_equal(core_security_init(&other, "another-key", 900, 604800), 0);
	assert_int_equal(core_token_verify(&other, tok, CORE_TOKEN_ACCESS, now, &c), -1);
	core_security_release(&other);
	/* refresh tokens live for refresh_ttl_s; no profile gives null */
	assert_int_equal(core_token_issue(sec, CORE_TOKEN_REFRESH, sub, "instructor", "", tok), 0);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_REFRESH, now, &c), 0);
	assert_string_equal(c.profile_id, "");
	assert_true(c.exp - c.iat == 604800);
}

/* Every single-character change anywhere in a token breaks it. */
static void any_changed_byte_is_refused(void **state)
{
	const core_security *sec = *state;
	char tok[CORE_TOKEN_MAX];
	core_claims c;
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(core_token_issue(sec, CORE_TOKEN_ACCESS, sub, "student", pid, tok), 0);
	/* verified once, so that the changed tokens meet it in the cache */
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, now, &c), 0);
	size_t n = strlen(tok);
	for (size_t i = 0; i < n; i++) {
		char saved = tok[i];
		tok[i] = saved == 'A' ? 'B' : 'A';
		assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, now, &c), -1);
		tok[i] = saved;
	}
	tok[n - 1] = '\0'; /* truncated */
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, now, &c), -1);
}

/* header_json.payload_json (both base64url-encoded) and its HMAC-SHA-256
 * with key, as another issuer, or a forger who holds the key, would make
 * it, whatever the header says. */
static void sign_with(const char *header_json, const char *payload_json, char out[CORE_TOKEN_MAX])
{
	const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
	sodium_bin2base64(out, CORE_TOKEN_MAX, (const unsigned char *)header_json,
	                  strlen(header_json), v);
	size_t n = strlen(out);
	out[n++] = '.';
	sodium_bin2base64(out + n, CORE_TOKEN_MAX - n, (const unsigned char *)payload_json,
	                  strlen(payload_json), v);
	n += strlen(out + n);
	unsigned char sig[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, n);
	crypto_auth_hmacsha256_final(&st, sig);
	out[n++] = '.';
	sodium_bin2base64(out + n, CORE_TOKEN_MAX - n, sig, sizeof sig, v);
}

/* HS256 over header.payload with key, as a token another issuer made
 * (the header encodes to the one core_token_issue writes). */
static void sign(const char *payload_json, char out[CORE_TOKEN_MAX])
{
	sign_with("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload_json, out);
}

/* A token answered from the cache is still checked for time and type:
 * nbf and exp against each call's now, in either order of calls. */
static void cached_tokens_recheck_time_and_type(void **state)
{
	const core_security *sec = *state;
	char tok[CORE_TOKEN_MAX], json[300];
	core_claims c;
	snprintf(json, sizeof json,
	         "{\"sub\":\"%s\",\"exp\":2000,\"nbf\":1000,\"type\":\"access\","
	         "\"role\":\"student\"}",
	         sub);
	sign(json, tok);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, 999, &c), -1);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, 1000, &c), 0);
	assert_string_equal(c.sub, sub);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, 999, &c), -1);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_REFRESH, 1500, &c), -1);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, 1999, &c), 0);
	assert_int_equal(core_token_verify(sec, tok, CORE_TOKEN_ACCESS, 2000, &c), -1);
}

/* More tokens than the cache has slots: each one, and each one again after
 * the others pushed it out or not, gets its own claims. */
static void many_tokens_keep_their_claims(void **state)
{
	const core_security *sec = *state;
	enum { N = 300 };
	static char toks[N][CORE_TOKEN_MAX];
	char id[37];
	core_claims c;
	int64_t now = (int64_t)time(NULL);
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof id, "01890a5d-ac96-774b-bcce-%012d", i);
		assert_int_equal(
		    core_token_issue(sec, CORE_TOKEN_ACCESS, id, "student", "", toks[i]), 0);
	}
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			snprintf(id, sizeof id, "01890a5d-ac96-774b-bcce-%012d", i);
			assert_int_equal(
			    core_token_verify(sec, toks[i], CORE_TOKEN_ACCESS, now, &c), 0);
			assert_string_equal(c.sub, id);
		}
	}
}

static void malformed_tokens_refused(void **state)
{
	const core_security *sec = *state;
	core_claims c;
	static const char *const bad[] = {
	    "",
	    ".",
	    "..",
	    "...",
	    "a.b.c",
	    "eyJhbGciOiJub25lIn0.e30.",
	    "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0",                 /* alg none, no signature part */
	    "e30.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* {} header */
	    "W10.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* [] header */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(core_token_verify(sec, bad[i], CORE_TOKEN_ACCESS, 0, &c), -1);
	assert_int_equal(core_token_verify(sec, NULL, CORE_TOKEN_ACCESS, 0, &c), -1);
	char huge[CORE_TOKEN_MAX + 10];
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_int_equal(core_token_verify(sec, huge, CORE_TOKEN_ACCESS, 0, &c), -1);
}

/* ---- forgeries meeting a warm cache ----
 * Each forged token is verified twice after a valid one for the same sub,
 * so the valid one sits in the cache: both times it is refused (the first
 * refusal did not cache it), and the valid token still verifies with its
 * own claims afterwards. Times are fixed: now is 1000, exp 2000. */

#define SUB   "\"sub\":\"01890a5d-ac96-774b-bcce-b302099a8057\""
#define SUB2  "\"sub\":\"01890a5d-ac96-774b-bcce-b302099a8058\""
#define REST  "\"exp\":2000,\"iat\":900,\"type\":\"access\",\"role\":\"student\""
#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static const char good_payload[] = "{" SUB "," REST "}";

/* Verifies tok twice, expecting -1 both times, then the valid token. */
static void refused_twice(const core_security *sec, const char *name, const char *tok,
                          const char *valid)
{
	core_claims c;
	for (int i = 0; i < 2; i++)
		if (core_token_verify(sec, tok, CORE_TOKEN_ACCESS, 1000, &c) != -1)
			fail_msg("forgery '%s' accepted (attempt %d): %s", name, i + 1, tok);
	assert_int_equal(core_token_verify(sec, valid, CORE_TOKEN_ACCESS, 1000, &c), 0);
	assert_string_equal(c.sub, sub);
	assert_string_equal(c.role, "student");
}

/* Correctly keyed HMAC-SHA-256, refused for what header or payload says. */
static void signed_forgeries_refused_twice(void **state)
{
	const core_security *sec = *state;
	static const struct {
		const char *name, *header, *payload;
	} cases[] = {
	    {"alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", good_payload},
	    {"alg HS384", "{\"alg\":\"HS384\",\"typ\":\"JWT\"}", good_payload},
	    {"alg HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", good_payload},
	    {"alg RS256", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", good_payload},
	    {"alg ES256", "{\"alg\":\"ES256\"}", good_payload},
	    {"alg hs256", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}", good_payload},
	    {"alg null", "{\"alg\":null,\"typ\":\"JWT\"}", good_payload},
	    {"alg a number", "{\"alg\":256,\"typ\":\"JWT\"}", good_payload},
	    {"alg HS256, NUL, none", "{\"alg\":\"HS256\\u0000none\",\"typ\":\"JWT\"}",
	     good_payload},
	    {"no alg", "{\"typ\":\"JWT\"}", good_payload},
	    {"crit", "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", good_payload},
	    {"typ JWE", "{\"alg\":\"HS256\",\"typ\":\"JWE\"}", good_payload},
	    {"typ a number", "{\"alg\":\"HS256\",\"typ\":1}", good_payload},
	    {"header two alg, none first", "{\"alg\":\"none\",\"alg\":\"HS256\"}", good_payload},
	    {"header two alg, none last", "{\"alg\":\"HS256\",\"alg\":\"none\"}", good_payload},
	    {"header two alg, both HS256", "{\"alg\":\"HS256\",\"alg\":\"HS256\"}", good_payload},
	    {"header two typ", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}", good_payload},
	    {"header not UTF-8", "{\"alg\":\"HS256\",\"kid\":\"\xff\"}", good_payload},
	    {"two sub, other first", HS256, "{" SUB2 "," REST "," SUB "}"},
	    {"two sub, other last", HS256, "{" SUB "," REST "," SUB2 "}"},
	    {"two sub, the same", HS256, "{" SUB "," REST "," SUB "}"},
	    {"two type, refresh first", HS256, "{\"type\":\"refresh\"," SUB "," REST "}"},
	    {"two type, refresh last", HS256, "{" SUB "," REST ",\"type\":\"refresh\"}"},
	    {"two exp, expired first", HS256, "{\"exp\":10," SUB "," REST "}"},
	    {"two exp, expired last", HS256, "{" SUB "," REST ",\"exp\":10}"},
	    {"two role", HS256, "{" SUB "," REST ",\"role\":\"instructor\"}"},
	    {"two nbf", HS256, "{\"nbf\":5000," SUB "," REST ",\"nbf\":1}"},
	    {"role not UTF-8", HS256,
	     "{" SUB ",\"exp\":2000,\"type\":\"access\",\"role\":\"stud\xff\xfe\"}"},
	    {"overlong '/' in sub", HS256,
	     "{\"sub\":\"01890a5d-ac96-774b-bcce-b30209\xc0\xaf\"," REST "}"},
	    {"lone surrogate in role", HS256,
	     "{" SUB ",\"exp\":2000,\"type\":\"access\",\"role\":\"st\\ud800\"}"},
	    {"NUL in role", HS256,
	     "{" SUB ",\"exp\":2000,\"type\":\"access\",\"role\":\"student\\u0000x\"}"},
	    {"expired", HS256, "{" SUB ",\"exp\":1000,\"type\":\"access\",\"role\":\"student\"}"},
	    {"nbf in the future", HS256, "{" SUB "," REST ",\"nbf\":1001}"},
	    {"nbf a string", HS256, "{" SUB "," REST ",\"nbf\":\"1\"}"},
	    {"iat a string", HS256,
	     "{" SUB ",\"exp\":2000,\"iat\":\"900\",\"type\":\"access\",\"role\":\"student\"}"},
	    {"a refresh token", HS256,
	     "{" SUB ",\"exp\":2000,\"type\":\"refresh\",\"role\":\"student\"}"},
	    {"payload an array", HS256, "[{" SUB "," REST "}]"},
	};
	char valid[CORE_TOKEN_MAX], tok[CORE_TOKEN_MAX];
	core_claims c;
	sign(good_payload, valid);
	assert_int_equal(core_token_verify(sec, valid, CORE_TOKEN_ACCESS, 1000, &c), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sign_with(cases[i].header, cases[i].payload, tok);
		refused_twice(sec, cases[i].name, tok, valid);
	}
}

/* Forgeries that keep the valid token's signature, and so its cache slot
 * (the slot is chosen by the signature's last characters). */
static void forgeries_in_the_valid_tokens_slot_refused_twice(void **state)
{
	const core_security *sec = *state;
	static const struct {
		const char *name, *header, *payload;
	} cases[] = {
	    {"alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", good_payload},
	    {"header respelled", "{\"typ\":\"JWT\",\"alg\":\"HS256\"}", good_payload},
	    {"sub changed", HS256, "{" SUB2 "," REST "}"},
	    {"role changed", HS256,
	     "{" SUB ",\"exp\":2000,\"iat\":900,\"type\":\"access\",\"role\":\"admin\"}"},
	    {"exp changed", HS256,
	     "{" SUB ",\"exp\":9000,\"iat\":900,\"type\":\"access\",\"role\":\"student\"}"},
	    {"type changed", HS256,
	     "{" SUB ",\"exp\":2000,\"iat\":900,\"type\":\"refresh\",\"role\":\"student\"}"},
	};
	char valid[CORE_TOKEN_MAX], tok[CORE_TOKEN_MAX];
	core_claims c;
	sign(good_payload, valid);
	assert_int_equal(core_token_verify(sec, valid, CORE_TOKEN_ACCESS, 1000, &c), 0);
	const char *valid_sig = strrchr(valid, '.');
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sign_with(cases[i].header, cases[i].payload, tok);
		char *sig = strrchr(tok, '.');
		assert_true((size_t)(sig - tok) + strlen(valid_sig) < sizeof tok);
		memcpy(sig, valid_sig, strlen(valid_sig) + 1);
		refused_twice(sec, cases[i].name, tok, valid);
	}
	/* alg none with the signature left empty */
	sign_with("{\"alg\":\"none\"}", good_payload, tok);
	strrchr(tok, '.')[1] = '\0';
	refused_twice(sec, "alg none, no signature", tok, valid);
	/* the valid token's text, not base64url any more, or one segment more */
	static const char *const suffixes[] = {"=", "==", " ", " x", ".", ".e30"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(tok, sizeof tok, "%s%s", valid, suffixes[i]);
		refused_twice(sec, suffixes[i], tok, valid);
	}
	/* the signature's unused low bits set: lenient decoders read the same
	 * 32 bytes from it */
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	snprintf(tok, sizeof tok, "%s", valid);
	char *last = tok + strlen(tok) - 1;
	*last = b64[(strchr(b64, *last) - b64) | 1];
	assert_string_not_equal(tok, valid);
	refused_twice(sec, "non-canonical signature", tok, valid);
}

static void empty_key_refused(void **state)
{
	(void)state;
	core_security s;
	assert_int_equal(core_security_init(&s, "", 1, 1), -1);
	core_security_release(&s);
	assert_int_equal(core_security_init(&s, NULL, 1, 1), -1);
	core_security_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(argon2id_round_trip),
	    cmocka_unit_test(weaker_argon2id_needs_rehash),
	    cmocka_unit_test(bcrypt_verifies_and_needs_rehash),
	    cmocka_unit_test(unknown_hashes_never_match),
	    cmocka_unit_test(token_round_trip),
	    cmocka_unit_test(any_changed_byte_is_refused),
	    cmocka_unit_test(cached_tokens_recheck_time_and_type),
	    cmocka_unit_test(many_tokens_keep_their_claims),
	    cmocka_unit_test(malformed_tokens_refused),
	    cmocka_unit_test(signed_forgeries_refused_twice),
	    cmocka_unit_test(forgeries_in_the_valid_tokens_slot_refused_twice),
	    cmocka_unit_test(empty_key_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
