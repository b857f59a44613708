/* ids.c — UUIDv7 (RFC 9562), request ids and timestamps. Randomness comes
 * from libsodium (the kernel's CSPRNG), which main initialises. */
#include "core/ids.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "banned.h"

static void hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
}

void core_uuid7(char out[37])
{
	unsigned char b[16];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	randombytes_buf(b + 6, 10);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f)); /* version 7 */
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f)); /* variant 10 */
	char h[32];
	hex(h, b, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

bool core_uuid_valid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		char c = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-'
		         : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		             (c >= 'A' && c <= 'F')))
			return false;
	}
	return s[36] == '\0';
}

static void id_text(const unsigned char b[16], char out[33])
{
	hex(out, b, 16);
	out[32] = '\0';
}

void core_request_id(char out[33])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	id_text(b, out);
}

static void take(core_random_pool *pool, unsigned char *out, size_t n)
{
	if (pool->left < n) {
		randombytes_buf(pool->buf, sizeof pool->buf);
		pool->left = sizeof pool->buf;
	}
	unsigned char *p = pool->buf + sizeof pool->buf - pool->left;
	memcpy(out, p, n);
	sodium_memzero(p, n);
	pool->left -= n;
}

void core_request_id_from(core_random_pool *pool, char out[33])
{
	unsigned char b[16];
	take(pool, b, sizeof b);
	id_text(b, out);
}

void core_random_pool_wipe(core_random_pool *pool)
{
	sodium_memzero(pool, sizeof *pool);
}

void core_now_rfc3339(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%06ldZ", ts.tv_nsec / 1000);
}
