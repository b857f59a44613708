/* test_url.c — rt_url_parse over tables of good and bad URLs: dialect,
 * libpq conninfo, SQLite path, the password-free display text and the exact
 * error messages; plus the dialect name table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "retort/url.h"
#include "banned.h"

#define PG RT_DIALECT_POSTGRESQL
#define SL RT_DIALECT_SQLITE

static const struct good_case {
	const char *text;
	rt_dialect dialect;
	const char *conninfo; /* NULL for SQLite */
	const char *path;     /* NULL for PostgreSQL */
	const char *display;
} good_cases[] = {
    {"postgresql://app:secret@localhost:5432/app", PG, "postgresql://app:secret@localhost:5432/app",
     NULL, "postgresql://app:***@localhost:5432/app"},
    {"postgres://app@db/app", PG, "postgresql://app@db/app", NULL, "postgres://app@db/app"},
    {"postgresql+asyncpg://u:p@h/db", PG, "postgresql://u:p@h/db", NULL,
     "postgresql+asyncpg://u:***@h/db"},
    {"postgresql+psycopg2://h/db?sslmode=require", PG, "postgresql://h/db?sslmode=require", NULL,
     "postgresql+psycopg2://h/db?sslmode=require"},
    {"postgresql+psycopg://h:5433/db", PG, "postgresql://h:5433/db", NULL,
     "postgresql+psycopg://h:5433/db"},
    {"postgresql+pg8000://h/db", PG, "postgresql://h/db", NULL, "postgresql+pg8000://h/db"},
    {"POSTGRESQL://h/db", PG, "postgresql://h/db", NULL, "POSTGRESQL://h/db"},
    {"postgresql:///app?host=/var/run/postgresql", PG, "postgresql:///app?host=/var/run/postgresql",
     NULL, "postgresql:///app?host=/var/run/postgresql"},
    {"postgresql://h/db?password=s3cr3t&sslmode=disable", PG,
     "postgresql://h/db?password=s3cr3t&sslmode=disable", NULL,
     "postgresql://h/db?password=***&sslmode=disable"},
    {"postgresql://u:p%40ss@h/db?application_name=x&password=pw", PG,
     "postgresql://u:p%40ss@h/db?application_name=x&password=pw", NULL,
     "postgresql://u:***@h/db?application_name=x&password=***"},
    {"postgresql://u:@h/db", PG, "postgresql://u:@h/db", NULL, "postgresql://u:@h/db"},
    {"postgresql://", PG, "postgresql://", NULL, "postgresql://"},
    {"sqlite://", SL, NULL, ":memory:", "sqlite://"},
    {"sqlite:///", SL, NULL, ":memory:", "sqlite:///"},
    {"sqlite:///:memory:", SL, NULL, ":memory:", "sqlite:///:memory:"},
    {"sqlite:///rel/x.db", SL, NULL, "rel/x.db", "sqlite:///rel/x.db"},
    {"sqlite:////abs/x.db", SL, NULL, "/abs/x.db", "sqlite:////abs/x.db"},
    {"sqlite:///x.db?mode=ro&uri=true", SL, NULL, "x.db", "sqlite:///x.db?mode=ro&uri=true"},
    {"sqlite://?mode=memory", SL, NULL, ":memory:", "sqlite://?mode=memory"},
    {"sqlite+pysqlite:///smartcourse.db", SL, NULL, "smartcourse.db",
     "sqlite+pysqlite:///smartcourse.db"},
    {"sqlite+aiosqlite:////data/app.db", SL, NULL, "/data/app.db",
     "sqlite+aiosqlite:////data/app.db"},
};

#define SQLITE_SLASHES \
	"sqlite url needs three slashes: sqlite:///path (relative) or sqlite:////path (absolute)"

static const struct bad_case {
	const char *text;
	const char *message; /* exact, unless prefix is set */
	int prefix;          /* message is only the start of the real one */
	const char *absent;  /* must not occur in the message (a password) */
	int hint;            /* a hint is expected */
} bad_cases[] = {
    {"", "database url is empty", 0, NULL, 0},
    {"localhost/db",
     "database url 'localhost/db' has no scheme (expected postgresql://... or sqlite:///...)", 0,
     NULL, 0},
    {"://h/db", "database url '://h/db' has no scheme (expected postgresql://... or sqlite:///...)",
     0, NULL, 0},
    {"//u:pw@h/db",
     "database url '//u:***@h/db' has no scheme (expected postgresql://... or sqlite:///...)", 0,
     "pw@", 0},
    {"mysql://u@h/db",
     "unsupported database url scheme 'mysql' (expected postgresql, postgres, "
     "postgresql+asyncpg or sqlite)",
     0, NULL, 1},
    {"postgresql+foo://h/db",
     "unsupported database url scheme 'postgresql+foo' (expected postgresql, postgres, "
     "postgresql+asyncpg or sqlite)",
     0, NULL, 1},
    {"sqlite:/x.db", SQLITE_SLASHES, 0, NULL, 0},
    {"sqlite:x.db", SQLITE_SLASHES, 0, NULL, 0},
    {"sqlite://host/x.db", SQLITE_SLASHES, 0, NULL, 0},
    {"sqlite:", SQLITE_SLASHES, 0, NULL, 0},
    {"postgresql:h/db", "postgresql url needs '//' after the scheme", 1, NULL, 0},
    {"postgresql+asyncpg://u:pw@h/db?ssl=require",
     "invalid postgresql url 'postgresql+asyncpg://u:***@h/db?ssl=require': ", 1, "pw@", 1},
    {"postgresql://h/db?nosuchparam=1", "invalid postgresql url 'postgresql://h/db?nosuchparam=1'",
     1, NULL, 1},
    {"postgresql://h/db%zz", "invalid postgresql url 'postgresql://h/db%zz': ", 1, NULL, 0},
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *c = &good_cases[i];
		rt_url url;
		rt_error err;
		rt_error_clear(&err);
		int rc = rt_url_parse(c->text, &url, &err);
		if (rc)
			fail_msg("%s: unexpected error: %s", c->text, err.message);
		assert_int_equal(url.dialect, c->dialect);
		if (c->conninfo)
			assert_string_equal(url.conninfo, c->conninfo);
		else
			assert_null(url.conninfo);
		if (c->path)
			assert_string_equal(url.path, c->path);
		else
			assert_null(url.path);
		assert_string_equal(url.display, c->display);
		assert_int_equal(err.code, RT_OK);
		rt_url_release(&url);
		assert_null(url.display);
		assert_int_equal(url.dialect, RT_DIALECT_NONE);
	}
}

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		rt_url url;
		rt_error err;
		rt_error_clear(&err);
		int rc = rt_url_parse(c->text, &url, &err);
		if (rc != -RT_ERR_URL)
			fail_msg("%s: expected RT_ERR_URL, got %d", c->text, rc);
		assert_int_equal(err.code, RT_ERR_URL);
		if (c->prefix) {
			if (strncmp(err.message, c->message, strlen(c->message)))
				fail_msg("%s: message '%s' does not start with '%s'", c->text,
				         err.message, c->message);
			assert_true(strlen(err.message) >= strlen(c->message));
		} else {
			assert_string_equal(err.message, c->message);
		}
		if (c->absent)
			assert_null(strstr(err.message, c->absent));
		assert_int_equal(err.hint[0] != '\0', c->hint);
		/* a failed parse leaves nothing to release */
		assert_int_equal(url.dialect, RT_DIALECT_NONE);
		assert_null(url.conninfo);
		assert_null(url.path);
		assert_null(url.display);
	}
}

static void test_null_text(void **state)
{
	(void)state;
	rt_url url;
	rt_error err;
	assert_int_equal(rt_url_parse(NULL, &url, &err), -RT_ERR_URL);
	assert_string_equal(err.message, "database url is empty");
	/* errors are optional */
	assert_int_equal(rt_url_parse("mysql://x", &url, NULL), -RT_ERR_URL);
	rt_url_release(&url);
	rt_url_release(NULL);
}

static void test_libpq_message_kept(void **state)
{
	(void)state;
	rt_url url;
	rt_error err;
	assert_int_equal(rt_url_parse("postgres://h/db?ssl=require", &url, &err), -RT_ERR_URL);
	/* libpq names the parameter it rejected; no trailing newline survives */
	assert_non_null(strstr(err.message, "\"ssl\""));
	assert_int_not_equal(err.message[strlen(err.message) - 1], '\n');
	assert_non_null(strstr(err.hint, "sslmode=require"));
	assert_int_equal(rt_url_parse("oracle://h", &url, &err), -RT_ERR_URL);
	assert_string_equal(err.hint, "accepted schemes: postgresql, postgres, postgresql+asyncpg, "
	                              "postgresql+psycopg2, postgresql+psycopg, postgresql+pg8000, "
	                              "sqlite, sqlite+pysqlite, sqlite+aiosqlite");
}

static void test_sqlite_detail(void **state)
{
	(void)state;
	rt_url url;
	rt_error err;
	assert_int_equal(rt_url_parse("sqlite://host/x.db", &url, &err), -RT_ERR_URL);
	assert_non_null(strstr(err.detail, "'host' would be a host name"));
	assert_int_equal(rt_url_parse("sqlite:x.db", &url, &err), -RT_ERR_URL);
	assert_string_equal(err.detail, "got 'sqlite:x.db'");
}

static const struct name_case {
	const char *name;
	rt_dialect dialect;
} name_cases[] = {
    {"postgresql", PG},         {"postgres", PG},      {"sqlite", SL},          {"SQLite", SL},
    {"mysql", RT_DIALECT_NONE}, {"", RT_DIALECT_NONE}, {NULL, RT_DIALECT_NONE},
};

static void test_dialect_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++)
		assert_int_equal(rt_dialect_from_name(name_cases[i].name), name_cases[i].dialect);
	assert_string_equal(rt_dialect_name(PG), "postgresql");
	assert_string_equal(rt_dialect_name(SL), "sqlite");
	assert_string_equal(rt_dialect_name(RT_DIALECT_NONE), "none");
	/* the names round-trip */
	assert_int_equal(rt_dialect_from_name(rt_dialect_name(PG)), PG);
	assert_int_equal(rt_dialect_from_name(rt_dialect_name(SL)), SL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),          cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_null_text),     cmocka_unit_test(test_libpq_message_kept),
	    cmocka_unit_test(test_sqlite_detail), cmocka_unit_test(test_dialect_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
