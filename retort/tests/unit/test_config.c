/* test_config.c — rt_config_load over tables of retort.ini (and .env)
 * texts written to a fresh directory per case: comments, case, ${VAR}
 * expansion and defaults, .env and the environment winning over it, path
 * resolution, errors with their line and column; then the missing file,
 * --url override, relative config paths and rt_config_new.
 *
 * Expected paths starting with "@/" are relative to the case's directory.
 * Only the tests call setenv; every variable they touch starts RT_TEST_.
 */
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "retort/config.h"
#include "banned.h"

static const char *const test_vars[] = {"RT_TEST_URL", "RT_TEST_EMPTY", "RT_TEST_DOT", "RT_TEST_DQ",
                                        "RT_TEST_UNSET"};

typedef struct fixture {
	char root[PATH_MAX];
	int cases;
} fixture;

/* ---- helpers ----------------------------------------------------------- */

static void reset_env(const char *const *set)
{
	for (size_t i = 0; i < sizeof(test_vars) / sizeof(test_vars[0]); i++)
		unsetenv(test_vars[i]);
	for (; set && *set; set++) {
		const char *eq = strchr(*set, '=');
		char name[64];
		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *set), *set);
		assert_int_equal(setenv(name, eq + 1, 1), 0);
	}
}

/* out = dir/name; fails the test on truncation. */
static void path_in(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < size);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	path_in(path, sizeof(path), dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A new empty directory under the fixture's root. */
static void new_case_dir(fixture *fx, char *dir, size_t size)
{
	int n = snprintf(dir, size, "%s/case%d", fx->root, ++fx->cases);
	assert_true(n > 0 && (size_t)n < size);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void expect_path(const char *dir, const char *expected, const char *got)
{
	char full[PATH_MAX];
	if (!expected) {
		assert_null(got);
		return;
	}
	if (!strncmp(expected, "@/", 2)) {
		int n = snprintf(full, sizeof(full), "%s%s", dir, expected + 1);
		assert_true(n > 0 && (size_t)n < sizeof(full));
		expected = full;
	}
	assert_non_null(got);
	assert_string_equal(got, expected);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	if (!fx)
		return -1;
	int n = snprintf(fx->root, sizeof(fx->root), "%s/test_config.XXXXXX",
	                 tmp && *tmp ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(fx->root) || !mkdtemp(fx->root)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	int rc = nftw(fx->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	reset_env(NULL);
	free(fx);
	return rc;
}

/* ---- configs that load ---------------------------------------------------- */

/* clang-format off */
static const struct good_case {
	const char *name;
	const char *ini;
	const char *dotenv; /* NULL: no .env */
	const char *env[3]; /* NAME=VALUE set before loading */
	const char *script; /* expected accessors */
	const char *models;
	const char *url;
	const char *table;
	const char *key; /* and one rt_config_get */
	const char *value;
} good_cases[] = {
	{.name = "minimal",
	 .ini = "[retort]\nscript_location = migrations\n",
	 .script = "@/migrations", .table = "retort_version", .key = "version_table"},
	{.name = "comments, case, other sections",
	 .ini = "; top comment\n# another\n[alembic]\nscript_location = elsewhere\n\n[Retort]\n"
		"  Script_Location =  migs   ; inline\nMODELS=models/*.sql # c\n"
		"version_table = alembic_version\nurl_like = a;b#c\n[other]\nmodels = no\n",
	 .script = "@/migs", .models = "@/models/*.sql", .table = "alembic_version",
	 .key = "URL_LIKE", .value = "a;b#c"},
	{.name = "colon separator and CRLF",
	 .ini = "[retort]\r\nscript_location: m\r\ndatabase_url: sqlite://\r\n",
	 .script = "@/m", .url = "sqlite://", .table = "retort_version",
	 .key = "database_url", .value = "sqlite://"},
	{.name = "absolute paths untouched",
	 .ini = "[retort]\nscript_location = /srv/m\nmodels = /srv/models\n",
	 .script = "/srv/m", .models = "/srv/models", .table = "retort_version"},
	{.name = "environment variable",
	 .ini = "[retort]\nscript_location = m\ndatabase_url = ${RT_TEST_URL}\n",
	 .env = {"RT_TEST_URL=sqlite:///a.db"},
	 .script = "@/m", .url = "sqlite:///a.db", .table = "retort_version"},
	{.name = "default when unset",
	 .ini = "[retort]\nscript_location = m\ndatabase_url = ${RT_TEST_UNSET:-sqlite://}\n",
	 .script = "@/m", .url = "sqlite://", .table = "retort_version"},
	{.name = "default when empty",
	 .ini = "[retort]\nscript_location = ${RT_TEST_EMPTY:-m2}\n",
	 .env = {"RT_TEST_EMPTY="},
	 .script = "@/m2", .table = "retort_version"},
	{.name = "empty default gives no url",
	 .ini = "[retort]\nscript_location = m\ndatabase_url = ${RT_TEST_UNSET:-}\n",
	 .script = "@/m", .table = "retort_version", .key = "database_url", .value = ""},
	{.name = "set but empty without default",
	 .ini = "[retort]\nscript_location = m\nx = [${RT_TEST_EMPTY}]\n",
	 .env = {"RT_TEST_EMPTY="},
	 .script = "@/m", .table = "retort_version", .key = "x", .value = "[]"},
	{.name = "nested default",
	 .ini = "[retort]\nscript_location = m\ndatabase_url = ${RT_TEST_UNSET:-${RT_TEST_URL}}\n",
	 .env = {"RT_TEST_URL=postgresql://h/db"},
	 .script = "@/m", .url = "postgresql://h/db", .table = "retort_version"},
	{.name = "dollar escapes",
	 .ini = "[retort]\nscript_location = m\nx = a$$b $c $${NOT}$\n",
	 .script = "@/m", .table = "retort_version", .key = "x", .value = "a$b $c ${NOT}$"},
	{.name = "value is not re-expanded",
	 .ini = "[retort]\nscript_location = m\nx = ${RT_TEST_URL}\n",
	 .env = {"RT_TEST_URL=${RT_TEST_UNSET}"},
	 .script = "@/m", .table = "retort_version", .key = "x", .value = "${RT_TEST_UNSET}"},
	{.name = ".env file",
	 .ini = "[retort]\nscript_location = m\ndatabase_url = ${RT_TEST_DOT}\nx = ${RT_TEST_DQ}\n",
	 .dotenv = "# comment\n\nexport RT_TEST_DOT='sqlite:///dot.db'\n"
		   "RT_TEST_DQ = \"a \\\"b\\\" #c\"\n",
	 .script = "@/m", .url = "sqlite:///dot.db", .table = "retort_version",
	 .key = "x", .value = "a \"b\" #c"},
	{.name = ".env unquoted with comment, last wins",
	 .ini = "[retort]\nscript_location = m\nx = ${RT_TEST_DOT}\n",
	 .dotenv = "RT_TEST_DOT=first\nRT_TEST_DOT=  second # note\nBROKEN LINE\n",
	 .script = "@/m", .table = "retort_version", .key = "x", .value = "second"},
	{.name = "environment wins over .env",
	 .ini = "[retort]\nscript_location = m\nx = ${RT_TEST_URL}\n",
	 .dotenv = "RT_TEST_URL=from-dotenv\n",
	 .env = {"RT_TEST_URL=from-env"},
	 .script = "@/m", .table = "retort_version", .key = "x", .value = "from-env"},
	{.name = ".env empty value uses default",
	 .ini = "[retort]\nscript_location = m\nx = ${RT_TEST_DOT:-d}\n",
	 .dotenv = "RT_TEST_DOT=\n",
	 .script = "@/m", .table = "retort_version", .key = "x", .value = "d"},
	{.name = "longest version table",
	 .ini = "[retort]\nscript_location = m\nversion_table = "
		"_23456789012345678901234567890123456789012345678901234567890123\n",
	 .script = "@/m",
	 .table = "_23456789012345678901234567890123456789012345678901234567890123"},
};
/* clang-format on */

static void test_good(void **state)
{
	fixture *fx = *state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *c = &good_cases[i];
		char dir[PATH_MAX], path[PATH_MAX], versions[PATH_MAX];
		new_case_dir(fx, dir, sizeof(dir));
		write_file(dir, "retort.ini", c->ini);
		if (c->dotenv)
			write_file(dir, ".env", c->dotenv);
		reset_env(c->env);
		path_in(path, sizeof(path), dir, "retort.ini");

		rt_config *cfg = NULL;
		rt_error err;
		rt_error_clear(&err);
		if (rt_config_load(path, NULL, &cfg, &err))
			fail_msg("%s: unexpected error: %s", c->name, err.message);
		assert_string_equal(rt_config_path(cfg), path);
		expect_path(dir, c->script, rt_config_script_location(cfg));
		path_in(versions, sizeof(versions), c->script, "versions");
		expect_path(dir, versions, rt_config_versions_dir(cfg));
		expect_path(dir, c->models, rt_config_models(cfg));
		expect_path(dir, c->url, rt_config_database_url(cfg));
		assert_string_equal(rt_config_version_table(cfg), c->table);
		if (c->key)
			expect_path(dir, c->value, rt_config_get(cfg, c->key));
		assert_null(rt_config_get(cfg, "no_such_key"));
		/* .env values are read, never exported */
		if (c->dotenv)
			assert_null(getenv("RT_TEST_DOT"));
		rt_config_free(cfg);
	}
}

/* ---- configs that fail ---------------------------------------------------- */

/* clang-format off */
static const struct bad_case {
	const char *name;
	const char *ini;
	const char *env[2];
	const char *message; /* must occur in the message */
	int line, col;       /* expected location (0: none) */
} bad_cases[] = {
	{"undefined variable",
	 "[retort]\nscript_location = m\ndatabase_url = ${RT_TEST_UNSET}\n", {NULL},
	 "undefined variable 'RT_TEST_UNSET'", 3, 16},
	{"undefined inside default",
	 "[retort]\nscript_location = m\n\nx = ${RT_TEST_EMPTY:-a${RT_TEST_UNSET}}\n",
	 {"RT_TEST_EMPTY="}, "undefined variable 'RT_TEST_UNSET'", 4, 23},
	{"unterminated reference",
	 "[retort]\nscript_location = m\nx = abc ${RT_TEST_URL\n", {NULL},
	 "unterminated '${' in value", 3, 9},
	{"bad variable name",
	 "[retort]\nscript_location = m\nx = ${1X}\n", {NULL},
	 "bad variable reference '${1X}'", 3, 5},
	{"bad default syntax",
	 "[retort]\nscript_location = m\nx = ${A-b}\n", {NULL},
	 "bad variable reference '${A-b}'", 3, 5},
	{"empty reference",
	 "[retort]\nscript_location = m\nx = ${}\n", {NULL},
	 "bad variable reference '${}'", 3, 5},
	{"missing script_location",
	 "[retort]\nmodels = m\n", {NULL},
	 "missing script_location in [retort] of '", 0, 0},
	{"empty script_location",
	 "[retort]\nscript_location =   ; none\n", {NULL},
	 "missing script_location in [retort] of '", 0, 0},
	{"no retort section",
	 "[alembic]\nscript_location = m\n", {NULL},
	 "no [retort] section in '", 0, 0},
	{"empty file", "", {NULL}, "no [retort] section in '", 0, 0},
	{"key before any section",
	 "script_location = m\n[retort]\n", {NULL},
	 "expected a section header such as [retort]", 1, 1},
	{"line without separator",
	 "[retort]\nscript_location = m\njust words\n", {NULL},
	 "malformed line in [retort]: expected 'key = value'", 3, 1},
	{"missing key", "[retort]\n  = value\n", {NULL}, "missing key before '='", 2, 1},
	{"unterminated header",
	 "# c\n[retort\nscript_location = m\n", {NULL},
	 "unterminated section header", 2, 1},
	{"duplicate key",
	 "[retort]\nscript_location = a\n\nSCRIPT_LOCATION = b\n", {NULL},
	 "duplicate key 'SCRIPT_LOCATION' in [retort] (first set on line 2)", 4, 1},
	{"version table with dash",
	 "[retort]\nscript_location = m\nversion_table = my-table\n", {NULL},
	 "invalid version_table 'my-table'", 3, 0},
	{"version table with digit first",
	 "[retort]\nscript_location = m\nversion_table = 1v\n", {NULL},
	 "invalid version_table '1v'", 3, 0},
	{"version table too long",
	 "[retort]\nscript_location = m\nversion_table = "
	 "a234567890123456789012345678901234567890123456789012345678901234\n", {NULL},
	 "invalid version_table", 3, 0},
	{"version table quoted",
	 "[retort]\nscript_location = m\nversion_table = \"v\"\n", {NULL},
	 "invalid version_table '\"v\"'", 3, 0},
	{"include_tables with an empty item",
	 "[retort]\nscript_location = m\ninclude_tables = users,, student_*\n", {NULL},
	 "invalid include_tables 'users,, student_*': empty item", 3, 0},
	{"exclude_tables with a trailing comma",
	 "[retort]\nscript_location = m\n\nexclude_tables = courses*,\n", {NULL},
	 "invalid exclude_tables 'courses*,': empty item", 4, 0},
	{"include_tables with a forgotten comma",
	 "[retort]\nscript_location = m\ninclude_tables = users student_*\n", {NULL},
	 "invalid include_tables 'users student_*': a glob holds whitespace", 3, 0},
};
/* clang-format on */

static void test_bad(void **state)
{
	fixture *fx = *state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char dir[PATH_MAX], path[PATH_MAX];
		new_case_dir(fx, dir, sizeof(dir));
		write_file(dir, "retort.ini", c->ini);
		reset_env(c->env);
		path_in(path, sizeof(path), dir, "retort.ini");

		rt_config *cfg = (rt_config *)&fx; /* must be reset to NULL */
		rt_error err;
		rt_error_clear(&err);
		int rc = rt_config_load(path, NULL, &cfg, &err);
		if (rc != -RT_ERR_CONFIG)
			fail_msg("%s: expected RT_ERR_CONFIG, got %d (%s)", c->name, rc,
			         err.message);
		assert_null(cfg);
		if (!strstr(err.message, c->message))
			fail_msg("%s: message '%s' lacks '%s'", c->name, err.message, c->message);
		/* a location is recorded unless the message names the file itself */
		assert_string_equal(err.file, strstr(err.message, path) ? "" : path);
		assert_true(err.line > 0 || strstr(err.message, path));
		if (err.line != c->line || err.col != c->col)
			fail_msg("%s: at %d:%d, expected %d:%d", c->name, err.line, err.col,
			         c->line, c->col);
	}
}

/* The variable is named in the message, the place in file:line:col (which
 * the CLI prints before the message); the hint says how to set it. */
static void test_undefined_names_place(void **state)
{
	fixture *fx = *state;
	char dir[PATH_MAX], path[PATH_MAX];
	new_case_dir(fx, dir, sizeof(dir));
	write_file(dir, "retort.ini", "[retort]\nscript_location = m\n\nx = ${RT_TEST_UNSET}\n");
	reset_env(NULL);
	path_in(path, sizeof(path), dir, "retort.ini");
	rt_config *cfg;
	rt_error err;
	assert_int_equal(rt_config_load(path, NULL, &cfg, &err), -RT_ERR_CONFIG);
	assert_string_equal(err.message, "undefined variable 'RT_TEST_UNSET'");
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 4);
	assert_int_equal(err.col, 5);
	assert_non_null(strstr(err.hint, "${RT_TEST_UNSET:-default}"));
	assert_non_null(strstr(err.hint, path));
}

/* ---- files, overrides, rt_config_new ------------------------------------- */

static void test_missing_file(void **state)
{
	fixture *fx = *state;
	char dir[PATH_MAX], cwd[PATH_MAX];
	new_case_dir(fx, dir, sizeof(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	rt_config *cfg = (rt_config *)&fx;
	rt_error err;
	int rc = rt_config_load("retort.ini", NULL, &cfg, &err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, -RT_ERR_IO);
	assert_null(cfg);
	assert_string_equal(err.message, "cannot open 'retort.ini': No such file or directory");
	assert_string_equal(err.hint,
	                    "run 'retort init migrations' to create one, or pass -c FILE");
}

static void test_unreadable_dotenv(void **state)
{
	fixture *fx = *state;
	char dir[PATH_MAX], path[PATH_MAX], dotenv[PATH_MAX];
	new_case_dir(fx, dir, sizeof(dir));
	write_file(dir, "retort.ini", "[retort]\nscript_location = m\nx = ${RT_TEST_DOT:-d}\n");
	path_in(dotenv, sizeof(dotenv), dir, ".env");
	assert_int_equal(mkdir(dotenv, 0700), 0); /* a directory, not a file */
	reset_env(NULL);
	path_in(path, sizeof(path), dir, "retort.ini");
	rt_config *cfg;
	rt_error err;
	assert_int_equal(rt_config_load(path, NULL, &cfg, &err), -RT_ERR_IO);
	assert_non_null(strstr(err.message, ".env"));
	/* no variable is looked up, so .env is never read */
	write_file(dir, "retort.ini", "[retort]\nscript_location = m\n");
	assert_int_equal(rt_config_load(path, NULL, &cfg, &err), 0);
	rt_config_free(cfg);
}

static void test_relative_config_path(void **state)
{
	fixture *fx = *state;
	char dir[PATH_MAX], sub[PATH_MAX], cwd[PATH_MAX];
	new_case_dir(fx, dir, sizeof(dir));
	path_in(sub, sizeof(sub), dir, "svc");
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(sub, "retort.ini",
	           "[retort]\nscript_location = migrations\nmodels = models\n"
	           "database_url = ${RT_TEST_DOT}\n");
	write_file(sub, ".env", "RT_TEST_DOT=sqlite:///svc.db\n");
	write_file(dir, ".env", "RT_TEST_DOT=wrong-dir\n");
	reset_env(NULL);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	rt_config *a = NULL, *b = NULL;
	rt_error err;
	int rc_a = rt_config_load("svc/retort.ini", NULL, &a, &err);
	int rc_b = chdir(sub) ? -1 : rt_config_load("retort.ini", NULL, &b, &err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc_a, 0);
	assert_int_equal(rc_b, 0);
	assert_string_equal(rt_config_script_location(a), "svc/migrations");
	assert_string_equal(rt_config_versions_dir(a), "svc/migrations/versions");
	assert_string_equal(rt_config_models(a), "svc/models");
	assert_string_equal(rt_config_database_url(a), "sqlite:///svc.db");
	assert_string_equal(rt_config_script_location(b), "migrations");
	assert_string_equal(rt_config_versions_dir(b), "migrations/versions");
	assert_string_equal(rt_config_path(b), "retort.ini");
	rt_config_free(a);
	rt_config_free(b);
}

static void test_url_override(void **state)
{
	fixture *fx = *state;
	char dir[PATH_MAX], path[PATH_MAX];
	new_case_dir(fx, dir, sizeof(dir));
	write_file(dir, "retort.ini",
	           "[retort]\nscript_location = m\ndatabase_url = sqlite:///file.db\n");
	path_in(path, sizeof(path), dir, "retort.ini");
	rt_config *cfg;
	rt_error err;
	assert_int_equal(rt_config_load(path, "postgresql://h/db", &cfg, &err), 0);
	assert_string_equal(rt_config_database_url(cfg), "postgresql://h/db");
	assert_string_equal(rt_config_get(cfg, "database_url"), "sqlite:///file.db");
	rt_config_free(cfg);
	assert_int_equal(rt_config_load(path, "", &cfg, &err), 0);
	assert_null(rt_config_database_url(cfg));
	rt_config_free(cfg);
	assert_int_equal(rt_config_load(path, NULL, &cfg, &err), 0);
	assert_string_equal(rt_config_database_url(cfg), "sqlite:///file.db");
	rt_config_free(cfg);
}

static void test_config_new(void **state)
{
	(void)state;
	rt_config *cfg;
	rt_error err;
	assert_int_equal(rt_config_new("migrations", NULL, &cfg, &err), 0);
	assert_string_equal(rt_config_path(cfg), "");
	assert_string_equal(rt_config_script_location(cfg), "migrations");
	assert_string_equal(rt_config_versions_dir(cfg), "migrations/versions");
	assert_null(rt_config_models(cfg));
	assert_null(rt_config_database_url(cfg));
	assert_string_equal(rt_config_version_table(cfg), "retort_version");
	assert_string_equal(rt_config_get(cfg, "script_location"), "migrations");
	rt_config_free(cfg);

	assert_int_equal(rt_config_new("/srv/m/", "sqlite://", &cfg, &err), 0);
	assert_string_equal(rt_config_versions_dir(cfg), "/srv/m/versions");
	assert_string_equal(rt_config_database_url(cfg), "sqlite://");
	rt_config_free(cfg);

	assert_int_equal(rt_config_new("m", "", &cfg, &err), 0);
	assert_null(rt_config_database_url(cfg));
	rt_config_free(cfg);

	cfg = (rt_config *)&err;
	assert_int_equal(rt_config_new(NULL, "sqlite://", &cfg, &err), -RT_ERR_CONFIG);
	assert_null(cfg);
	assert_string_equal(err.message, "missing script_location");
	assert_int_equal(rt_config_new("", NULL, &cfg, NULL), -RT_ERR_CONFIG);
	rt_config_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_undefined_names_place),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_unreadable_dotenv),
	    cmocka_unit_test(test_relative_config_path),
	    cmocka_unit_test(test_url_override),
	    cmocka_unit_test(test_config_new),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
