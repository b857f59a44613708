/* test_ini_edit.c — rt__ini_edit over a table of cases: a key changed in
 * place (spacing, separator, inline comment and CRLF kept), a key added to
 * its section, a section added, other sections' keys of the same name left
 * alone; and rt__ini_set on a real file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ini_edit.h"
#include "util/arena.h"
#include "util/fs.h"
#include "banned.h"

/* clang-format off */
static const struct edit_case {
	const char *before, *after;
} cases[] = {
	/* changed in place; comments and other keys untouched */
	{"# top comment\n[retort]\nscript_location = m\nversion_table = retort_version\n",
	 "# top comment\n[retort]\nscript_location = m\nversion_table = alembic_version\n"},
	{"[retort]\nversion_table=old\n", "[retort]\nversion_table=alembic_version\n"},
	{"[retort]\nVersion_Table : old   ; set by hand\nx = 1\n",
	 "[retort]\nVersion_Table : alembic_version   ; set by hand\nx = 1\n"},
	{"[retort]\n  version_table =   old  # why\n",
	 "[retort]\n  version_table =   alembic_version  # why\n"},
	{"[retort]\r\nversion_table = old\r\n; c\r\n",
	 "[retort]\r\nversion_table = alembic_version\r\n; c\r\n"},
	{"[retort]\nversion_table =\n", "[retort]\nversion_table =alembic_version\n"},
	{"[retort]\nversion_table = old", "[retort]\nversion_table = alembic_version"},
	/* the same key in another section is not ours */
	{"[alembic]\nversion_table = a\n[retort]\nversion_table = b\n",
	 "[alembic]\nversion_table = a\n[retort]\nversion_table = alembic_version\n"},
	/* added after the section's last key, before its trailing comments */
	{"[retort]\nscript_location = m\n\n# Table recording\n[other]\nk = v\n",
	 "[retort]\nscript_location = m\nversion_table = alembic_version\n\n# Table recording\n[other]\nk = v\n"},
	{"[retort]\n", "[retort]\nversion_table = alembic_version\n"},
	{"[retort]", "[retort]\nversion_table = alembic_version\n"},
	{"[retort]\r\na = 1\r\n", "[retort]\r\na = 1\r\nversion_table = alembic_version\r\n"},
	{"[other]\nversion_table = x\n[retort]\na = 1\n[more]\nb = 2\n",
	 "[other]\nversion_table = x\n[retort]\na = 1\nversion_table = alembic_version\n[more]\nb = 2\n"},
	/* no section at all */
	{"[other]\nk = v\n", "[other]\nk = v\n\n[retort]\nversion_table = alembic_version\n"},
	{"", "[retort]\nversion_table = alembic_version\n"},
	/* a commented-out key is a comment */
	{"[retort]\n# version_table = x\na = 1\n",
	 "[retort]\n# version_table = x\na = 1\nversion_table = alembic_version\n"},
};
/* clang-format on */

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rt_buf out = RT_BUF_INIT;
		rt_error err;
		rt_error_clear(&err);
		assert_int_equal(rt__ini_edit(cases[i].before, "retort", "version_table",
		                              "alembic_version", &out, &err),
		                 0);
		if (strcmp(out.data, cases[i].after) != 0)
			fail_msg("case %zu:\n--- got ---\n%s--- want ---\n%s", i, out.data,
			         cases[i].after);
		rt_buf_release(&out);
	}
}

static void test_newline_in_value(void **state)
{
	(void)state;
	rt_buf out = RT_BUF_INIT;
	rt_error err;
	rt_error_clear(&err);
	assert_int_equal(rt__ini_edit("[retort]\n", "retort", "k", "a\nb", &out, &err),
	                 -RT_ERR_USAGE);
	assert_string_equal(out.data, "");
}

static void test_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_ini_edit_XXXXXX";
	assert_non_null(mkdtemp(dir));
	rt__arena a;
	rt__arena_init(&a);
	char *path = rt__arena_printf(&a, "%s/retort.ini", dir);
	const char *text = "; keep me\n[retort]\nversion_table = retort_version ; here\n";
	rt_error err;
	rt_error_clear(&err);
	assert_int_equal(rt__fs_create(path, text, strlen(text), &err), 0);
	assert_int_equal(rt__ini_set(path, "retort", "version_table", "alembic_version", &err), 0);
	char *got;
	size_t len;
	assert_int_equal(rt__fs_read(&a, path, &got, &len, &err), 0);
	assert_string_equal(got, "; keep me\n[retort]\nversion_table = alembic_version ; here\n");
	assert_false(rt__fs_exists(rt__arena_printf(&a, "%s.retort-tmp", path)));
	unlink(path);
	assert_int_equal(rt__ini_set(path, "retort", "k", "v", &err), -RT_ERR_IO);
	rmdir(dir);
	rt__arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_newline_in_value),
	    cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
