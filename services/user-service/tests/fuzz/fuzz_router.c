/* fuzz_router.c — libFuzzer target for the router (http/router.h) over the
 * service's real route table (api/routes.c). The first byte picks the
 * method (and, in its high bits, a small output size for a second
 * normalisation); the rest is the request path as libmicrohttpd hands it
 * over, up to its first NUL. Checks, beyond "no crash":
 *   - http_path_normalise keeps a prefix without trailing slashes ("/"
 *     stays), refuses only what does not fit, and is idempotent;
 *   - http_router_match agrees with a segment-by-segment reference matcher:
 *     the first route of that method whose pattern matches, else the methods
 *     of every matching route in *allowed;
 *   - a match's params name the pattern's {…} in order and their values are
 *     non-empty, NUL-terminated, shorter than HTTP_PARAM_MAX, slash-free, and
 *     put back into the pattern give the path again;
 *   - the 405 Allow text fits and is not empty.
 * Built and run by scripts/fuzz-smoke; see docs/fuzzing.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "http/router.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The server's buffer for the normalised path (http/server.c). */
enum { SERVER_PATH_LEN = 2048 };

static const http_method methods[] = {HTTP_GET,   HTTP_POST,   HTTP_PUT,
                                      HTTP_PATCH, HTTP_DELETE, HTTP_OTHER};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_normalise(const char *path, char *out, size_t outlen)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	bool fits = len + 1 <= outlen;
	check(http_path_normalise(path, out, outlen) == fits);
	if (!fits)
		return;
	check(strlen(out) == len && memcmp(out, path, len) == 0);
	check(len <= 1 || out[len - 1] != '/');
	char *again = malloc(outlen);
	check(again != NULL);
	check(http_path_normalise(out, again, outlen) && strcmp(again, out) == 0);
	free(again);
}

/* Length of the segment at s (up to '/' or the end). */
static size_t segment(const char *s)
{
	return strcspn(s, "/");
}

/* The reference: pattern and path split at '/', literal segments equal,
 * each {name} segment non-empty and shorter than HTTP_PARAM_MAX. */
static bool reference_match(const char *pattern, const char *path)
{
	size_t params = 0;
	for (;;) {
		size_t pn = segment(pattern), sn = segment(path);
		if (pattern[0] == '{' && pattern[pn - 1] == '}') {
			if (!sn || sn >= HTTP_PARAM_MAX || ++params > HTTP_MAX_PARAMS)
				return false;
		} else if (pn != sn || memcmp(pattern, path, pn) != 0) {
			return false;
		}
		pattern += pn;
		path += sn;
		if (!*pattern || !*path)
			return !*pattern && !*path;
		pattern++; /* both at '/' */
		path++;
	}
}

/* Params of a match, checked and substituted back into the pattern. */
static void check_params(const http_route *r, const http_request *req, const char *path)
{
	check(req->n_params <= HTTP_MAX_PARAMS);
	const char *p = r->pattern, *s = path;
	size_t n = 0;
	while (*p) {
		if (*p != '{') {
			check(*s++ == *p++);
			continue;
		}
		const char *close = strchr(p, '}');
		check(close && n < req->n_params);
		const http_param *par = &req->params[n++];
		check(par->name == p + 1 && par->name_len == (size_t)(close - p - 1));
		const char *end = memchr(par->value, '\0', HTTP_PARAM_MAX);
		check(end != NULL && end > par->value);
		size_t len = (size_t)(end - par->value);
		check(!memchr(par->value, '/', len));
		check(strncmp(s, par->value, len) == 0);
		s += len;
		p = close + 1;
		char name[HTTP_PARAM_MAX];
		check(par->name_len < sizeof name);
		memcpy(name, par->name, par->name_len);
		name[par->name_len] = '\0';
		check(http_param_get(req, name) != NULL);
	}
	check(*s == '\0' && n == req->n_params);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	http_method method = methods[data[0] % (sizeof methods / sizeof methods[0])];
	size_t small = (size_t)(data[0] >> 3) + 1; /* 1..32 */
	/* libmicrohttpd gives the path as a C string */
	size_t len = strnlen((const char *)data + 1, size - 1);
	char *url = malloc(len + 1);
	char *path = malloc(SERVER_PATH_LEN);
	char *tiny = malloc(small);
	check(url && path && tiny);
	memcpy(url, data + 1, len);
	url[len] = '\0';

	check_normalise(url, tiny, small);
	check_normalise(url, path, SERVER_PATH_LEN);
	if (!http_path_normalise(url, path, SERVER_PATH_LEN))
		path[0] = '\0'; /* as the server does: longer than any route, 404 */

	http_request req;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = path;
	unsigned allowed = 12345;
	const http_route *r =
	    http_router_match(api_routes, api_routes_count, method, path, &req, &allowed);

	const http_route *want = NULL;
	unsigned want_allowed = 0;
	for (size_t i = 0; i < api_routes_count && !want; i++) {
		if (!reference_match(api_routes[i].pattern, path))
			continue;
		if (api_routes[i].method == method)
			want = &api_routes[i];
		else
			want_allowed |= api_routes[i].method;
	}
	check(r == want && allowed == want_allowed);
	if (r) {
		check(r->handler != NULL);
		check_params(r, &req, path);
	} else {
		check(req.n_params == 0);
		check(!(allowed & method));
		if (allowed) {
			http_response res;
			memset(&res, 0, sizeof res);
			http_methods_text(allowed, res.allow, sizeof res.allow);
			check(res.allow[0] != '\0' && memchr(res.allow, '\0', sizeof res.allow));
		}
	}
	free(tiny);
	free(path);
	free(url);
	return 0;
}
