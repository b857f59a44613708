/* test_ownership.c — rt__globs_parse and rt__table_owned over tables of
 * cases: include/exclude globs (bare and schema.table), the tables that are
 * never owned (retort's version and log tables, alembic_version*), and the
 * malformed lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "retort/error.h"
#include "ownership.h"
#include "banned.h"

/* clang-format off */
static const struct owned_case {
	const char *include, *exclude; /* NULL: key not set */
	const char *version_table;
	const char *schema, *table;
	bool owned;
} owned_cases[] = {
	{NULL, NULL, "retort_version", "public", "users", true},
	{NULL, NULL, "retort_version", "public", "courses", true},
	{NULL, NULL, "retort_version", "public", "retort_version", false},
	{NULL, NULL, "retort_version", "public", "retort_version_log", false},
	{NULL, NULL, "retort_version", "public", "retort_version_logs", true},
	{NULL, NULL, "retort_version", "public", "alembic_version", false},
	{NULL, NULL, "retort_version", "public", "alembic_version_course", false},
	{NULL, NULL, "alembic_version", "public", "alembic_version_log", false},
	{NULL, NULL, "my_versions", "public", "my_versions_log", false},
	{NULL, NULL, NULL, NULL, "users", true},
	/* include globs: bare names and fnmatch patterns */
	{"*", NULL, "retort_version", "public", "alembic_version", false},
	{"alembic_*", NULL, "retort_version", "public", "alembic_version", false},
	{"users, student_*", NULL, "retort_version", "public", "users", true},
	{"users, student_*", NULL, "retort_version", "public", "student_profiles", true},
	{"users, student_*", NULL, "retort_version", "public", "students", false},
	{"users, student_*", NULL, "retort_version", "public", "courses", false},
	{"users, student_*", NULL, "retort_version", "public", "user", false},
	{"user?", NULL, "retort_version", "public", "users", true},
	{"[a-c]*", NULL, "retort_version", "public", "courses", true},
	{"[a-c]*", NULL, "retort_version", "public", "users", false},
	/* exclude globs win over include globs */
	{NULL, "courses*", "retort_version", "public", "courses", false},
	{NULL, "courses*", "retort_version", "public", "courses_archive", false},
	{NULL, "courses*", "retort_version", "public", "course_enrollments", true},
	{NULL, "course*", "retort_version", "public", "course_enrollments", false},
	{"*", "users", "retort_version", "public", "users", false},
	{"users", "users", "retort_version", "public", "users", false},
	/* a glob with a '.' matches schema.table */
	{"public.*", NULL, "retort_version", "public", "users", true},
	{"public.*", NULL, "retort_version", "billing", "users", false},
	{"public.users", NULL, "retort_version", "public", "users", true},
	{NULL, "main.courses", "retort_version", "main", "courses", false},
	{NULL, "main.courses", "retort_version", "public", "courses", true},
	{NULL, "*.courses", "retort_version", "public", "courses", false},
	{"public.*", NULL, "retort_version", NULL, "users", false},
	{NULL, "public.*", "retort_version", NULL, "users", true},
	{"public.*", NULL, "retort_version", "public", "retort_version", false},
};

static const struct bad_case {
	const char *value, *why;
} bad_cases[] = {
	{"", "empty item"},
	{"   ", "empty item"},
	{"users,", "empty item"},
	{",users", "empty item"},
	{"users,,courses", "empty item"},
	{"users, ,courses", "empty item"},
	{"users courses", "whitespace"},
	{"users,\tstudent _*", "whitespace"},
};

static const struct parse_case {
	const char *value;
	size_t n;
	const char *items[3];
} parse_cases[] = {
	{"*", 1, {"*"}},
	{"users", 1, {"users"}},
	{" users ,student_* ", 2, {"users", "student_*"}},
	{"a,b,c", 3, {"a", "b", "c"}},
	{"public.users, [ab]?", 2, {"public.users", "[ab]?"}},
};
/* clang-format on */

static void set_globs(rt__arena *a, const char *value, rt__globs *out)
{
	const char *why;
	if (!value) {
		*out = (rt__globs){0};
		return;
	}
	assert_int_equal(rt__globs_parse(a, value, out, &why), 0);
}

static void test_owned(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	for (size_t i = 0; i < sizeof(owned_cases) / sizeof(owned_cases[0]); i++) {
		const struct owned_case *c = &owned_cases[i];
		rt__ownership o = {.version_table = c->version_table};
		set_globs(&a, c->include, &o.include);
		set_globs(&a, c->exclude, &o.exclude);
		bool got = rt__table_owned(&o, c->schema, c->table);
		if (got != c->owned)
			fail_msg("include %s exclude %s vt %s: %s.%s owned %d, expected %d",
			         c->include ? c->include : "-", c->exclude ? c->exclude : "-",
			         c->version_table ? c->version_table : "-",
			         c->schema ? c->schema : "?", c->table, got, c->owned);
	}
	rt__arena_release(&a);
}

static void test_parse(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		rt__globs g;
		const char *why = "x";
		assert_int_equal(rt__globs_parse(&a, c->value, &g, &why), 0);
		assert_null(why);
		assert_int_equal(g.n, c->n);
		for (size_t k = 0; k < c->n; k++)
			assert_string_equal(g.items[k], c->items[k]);
	}
	rt__arena_release(&a);
}

static void test_bad(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		rt__globs g;
		const char *why = NULL;
		int rc = rt__globs_parse(&a, c->value, &g, &why);
		if (rc != -RT_ERR_CONFIG || !why || !strstr(why, c->why))
			fail_msg("'%s': rc %d, why '%s', expected '%s'", c->value, rc,
			         why ? why : "(null)", c->why);
	}
	rt__arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_owned),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
