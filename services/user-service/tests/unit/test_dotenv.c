/* test_dotenv.c — `.env` lines as pydantic-settings reads them, and the
 * environment winning over the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/dotenv.h"

static const char file[] = "# comment\n"
                           "\n"
                           "PLAIN=value\n"
                           "export EXPORTED = spaced  \n"
                           "SINGLE='a # not a comment'\n"
                           "DOUBLE=\"line\\nbreak \\\"q\\\"\"\n"
                           "INLINE=x # comment\n"
                           "TWICE=first\n"
                           "TWICE=second\n"
                           "US_TEST_FROM_ENV=file\n";

static const struct {
	const char *key, *value;
} expected[] = {
    {"PLAIN", "value"},
    {"EXPORTED", "spaced"},
    {"SINGLE", "a # not a comment"},
    {"DOUBLE", "line\nbreak \"q\""},
    {"INLINE", "x"},
    {"TWICE", "second"},
    {"US_TEST_FROM_ENV", "env"},
    {"MISSING", NULL},
};

static char *write_tmp(char path[32], const char *text)
{
	snprintf(path, 32, "/tmp/us-dotenv-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_values(void **state)
{
	(void)state;
	char err[256];
	core_dotenv env;
	char buf[32], *path = write_tmp(buf, file);
	setenv("US_TEST_FROM_ENV", "env", 1);
	assert_int_equal(core_dotenv_load(&env, path, err, sizeof err), 0);
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		const char *got = core_dotenv_get(&env, expected[i].key);
		if (expected[i].value)
			assert_string_equal(got, expected[i].value);
		else
			assert_null(got);
	}
	core_dotenv_release(&env);
	unlink(path);
}

static void test_errors(void **state)
{
	(void)state;
	char err[256];
	core_dotenv env;
	assert_int_equal(core_dotenv_load(&env, "/nonexistent/.env", err, sizeof err), 0);
	assert_int_equal(env.n, 0);
	char buf[32], *path = write_tmp(buf, "OK=1\nno equals sign\n");
	assert_int_equal(core_dotenv_load(&env, path, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: expected KEY=VALUE"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
