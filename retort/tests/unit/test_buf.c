/* test_buf.c — rt_buf (bounded string builder), rt__arena and rt_error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "retort/buf.h"
#include "retort/error.h"
#include "util/arena.h"

static void empty_buffer_is_empty_string(void **state)
{
	(void)state;
	rt_buf b = RT_BUF_INIT;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	rt_buf_reset(&b);
	assert_string_equal(b.data, "");
	char *s = rt_buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
}

static void appends_and_formats(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b, 0);
	assert_int_equal(rt_buf_puts(&b, "abc"), 0);
	assert_int_equal(rt_buf_putc(&b, '-'), 0);
	assert_int_equal(rt_buf_printf(&b, "%d/%s", 42, "x"), 0);
	assert_string_equal(b.data, "abc-42/x");
	assert_int_equal(b.len, 8);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(rt_buf_puts(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10008);
	assert_int_equal(strlen(b.data), 10008);
	rt_buf_release(&b);
	assert_string_equal(b.data, "");
}

static void limit_refuses_and_keeps_contents(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b, 8);
	assert_int_equal(rt_buf_puts(&b, "12345678"), 0);
	assert_int_equal(rt_buf_putc(&b, '9'), -RT_ERR_NOMEM);
	assert_int_equal(rt_buf_printf(&b, "%s", "more"), -RT_ERR_NOMEM);
	assert_string_equal(b.data, "12345678");
	rt_buf_release(&b);
}

static const struct {
	const char *in, *literal, *ident;
} quote_cases[] = {
    {"plain", "'plain'", "\"plain\""},
    {"it's", "'it''s'", "\"it's\""},
    {"say \"hi\"", "'say \"hi\"'", "\"say \"\"hi\"\"\""},
    {"", "''", "\"\""},
    {"'; DROP TABLE x; --", "'''; DROP TABLE x; --'", "\"'; DROP TABLE x; --\""},
};

static void quoting(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++) {
		rt_buf b = RT_BUF_INIT;
		assert_int_equal(rt_buf_add_literal(&b, quote_cases[i].in), 0);
		assert_string_equal(b.data, quote_cases[i].literal);
		rt_buf_reset(&b);
		assert_int_equal(rt_buf_add_ident(&b, quote_cases[i].in), 0);
		assert_string_equal(b.data, quote_cases[i].ident);
		rt_buf_release(&b);
	}
}

static void arena_allocates_and_grows(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	char *s = rt__arena_printf(&a, "%s-%d", "rev", 7);
	assert_string_equal(s, "rev-7");
	assert_string_equal(rt__arena_strndup(&a, "abcdef", 3), "abc");
	unsigned char *big = rt__arena_alloc(&a, 100000);
	assert_non_null(big);
	assert_int_equal(big[99999], 0);
	assert_null(rt__arena_array(&a, SIZE_MAX / 2, 4));
	size_t cap = 0;
	int *v = NULL;
	for (int i = 0; i < 100; i++) {
		if ((size_t)i == cap)
			v = rt__arena_grow(&a, v, (size_t)i, &cap, sizeof(int));
		assert_non_null(v);
		v[i] = i;
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], i);
	assert_string_equal(s, "rev-7");
	rt__arena_release(&a);
}

static void errors_record_location_and_codes(void **state)
{
	(void)state;
	rt_error err;
	assert_int_equal(rt_error_at(&err, RT_ERR_PARSE, "x.sql", 3, 7, "expected %s", "')'"),
	                 -RT_ERR_PARSE);
	assert_string_equal(err.message, "expected ')'");
	assert_string_equal(err.file, "x.sql");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 7);
	assert_string_equal(rt_error_name(RT_ERR_PARSE), "RT_ERR_PARSE");
	assert_int_equal(rt_error_exit_status(RT_ERR_USAGE), 2);
	assert_int_equal(rt_error_exit_status(RT_ERR_DB), 1);
	assert_int_equal(rt_error_exit_status(RT_OK), 0);
	rt_error_hint(&err, "run %s", "retort merge heads");
	assert_string_equal(err.hint, "run retort merge heads");
	rt_error_clear(&err);
	assert_int_equal(err.code, RT_OK);
	assert_string_equal(err.message, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_buffer_is_empty_string),
	    cmocka_unit_test(appends_and_formats),
	    cmocka_unit_test(limit_refuses_and_keeps_contents),
	    cmocka_unit_test(quoting),
	    cmocka_unit_test(arena_allocates_and_grows),
	    cmocka_unit_test(errors_record_location_and_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
