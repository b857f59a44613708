/* test_router.c — route matching: trailing slashes, {id} segments, 404 vs
 * 405 with the Allow list. Cases as a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"

static void h1(http_request *q, http_response *r)
{
	(void)q;
	(void)r;
}

static void h2(http_request *q, http_response *r)
{
	(void)q;
	(void)r;
}

static const http_route routes[] = {
    {HTTP_GET, "/health", h1, false, NULL},
    {HTTP_GET, "/enrollments", h1, true, NULL},
    {HTTP_POST, "/enrollments", h2, true, NULL},
    {HTTP_DELETE, "/enrollments/{id}", h2, true, NULL},
    {HTTP_GET, "/", h1, false, NULL},
};

static const struct {
	const char *method, *path;
	int route;        /* index, or -1 */
	unsigned allowed; /* when route is -1 */
	const char *id;   /* expected {id}, or NULL */
} cases[] = {
    {"GET", "/health", 0, 0, NULL},
    {"GET", "/health/", 0, 0, NULL},
    {"HEAD", "/health", 0, 0, NULL},
    {"POST", "/health", -1, HTTP_GET, NULL},
    {"GET", "/healthz", -1, 0, NULL},
    {"POST", "/enrollments/", 2, 0, NULL},
    {"PUT", "/enrollments", -1, HTTP_GET | HTTP_POST, NULL},
    {"DELETE", "/enrollments/abc-1", 3, 0, "abc-1"},
    {"DELETE", "/enrollments/abc-1/", 3, 0, "abc-1"},
    {"DELETE", "/enrollments//", -1, HTTP_GET | HTTP_POST, NULL},
    {"GET", "/enrollments/1/x", -1, 0, NULL},
    {"GET", "/", 4, 0, NULL},
    {"BREW", "/health", -1, HTTP_GET, NULL},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[256];
		http_request req = {0};
		unsigned allowed = 99;
		assert_true(http_path_normalise(cases[i].path, path, sizeof path));
		const http_route *r =
		    http_router_match(routes, sizeof routes / sizeof routes[0],
		                      http_method_parse(cases[i].method), path, &req, &allowed);
		if (cases[i].route < 0) {
			assert_null(r);
			assert_int_equal(allowed, cases[i].allowed);
		} else {
			assert_ptr_equal(r, &routes[cases[i].route]);
		}
		if (cases[i].id)
			assert_string_equal(http_param_get(&req, "id"), cases[i].id);
		else
			assert_null(http_param_get(&req, "id"));
	}
}

static void test_methods_text(void **state)
{
	(void)state;
	char out[64];
	http_methods_text(HTTP_GET | HTTP_POST | HTTP_DELETE, out, sizeof out);
	assert_string_equal(out, "GET, POST, DELETE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_methods_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
