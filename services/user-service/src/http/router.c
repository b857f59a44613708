/* router.c — route matching (see router.h). A linear scan: the table has a
 * dozen rows, and a scan keeps the 404/405 distinction obvious. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

static const struct {
	const char *name;
	http_method method;
} methods[] = {
    {"GET", HTTP_GET}, {"HEAD", HTTP_GET},    {"POST", HTTP_POST},
    {"PUT", HTTP_PUT}, {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
};

http_method http_method_parse(const char *name)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(methods[i].name, name) == 0)
			return methods[i].method;
	return HTTP_OTHER;
}

void http_methods_text(unsigned mask, char *out, size_t outlen)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (!(mask & methods[i].method) || strcmp(methods[i].name, "HEAD") == 0)
			continue;
		int n = snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", methods[i].name);
		if (n < 0 || (size_t)n >= outlen - len)
			return;
		len += (size_t)n;
	}
}

bool http_path_normalise(const char *path, char *out, size_t outlen)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len + 1 > outlen)
		return false;
	memcpy(out, path, len);
	out[len] = '\0';
	return true;
}

/* Matches one pattern; params go to req only on success. */
static bool match(const char *pattern, const char *path, http_request *req)
{
	http_param params[HTTP_MAX_PARAMS];
	size_t n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t seg = strcspn(s, "/");
			if (!close || !seg || seg >= HTTP_PARAM_MAX || n == HTTP_MAX_PARAMS)
				return false;
			params[n].name = p + 1;
			params[n].name_len = (size_t)(close - p - 1);
			memcpy(params[n].value, s, seg);
			params[n].value[seg] = '\0';
			n++;
			p = close + 1;
			s += seg;
		} else if (*p++ != *s++) {
			return false;
		}
	}
	if (*p || *s)
		return false;
	memcpy(req->params, params, n * sizeof params[0]);
	req->n_params = n;
	return true;
}

const http_route *http_router_match(const http_route *routes, size_t n, http_method method,
                                    const char *path, http_request *req, unsigned *allowed)
{
	*allowed = 0;
	for (size_t i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, req))
			continue;
		if (routes[i].method == method)
			return &routes[i];
		*allowed |= routes[i].method;
	}
	req->n_params = 0;
	return NULL;
}

const char *http_param_get(const http_request *req, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < req->n_params; i++)
		if (req->params[i].name_len == len && memcmp(req->params[i].name, name, len) == 0)
			return req->params[i].value;
	return NULL;
}
