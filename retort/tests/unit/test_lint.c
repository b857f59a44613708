/* test_lint.c — the lint rules (lint/section.h) over a table of cases: the
 * schema before the script (SQL applied to a model, as the history replay
 * does), the section's SQL, and the findings expected as "line:CODE"
 * words. Every rule of the table has a positive and a negative case (a
 * test checks that), the ignore annotation has its own cases, and the type
 * rules (lint/types.h) have a table of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lint/section.h"
#include "lint/types.h"
#include "sql/ddl.h"
#include "banned.h"

#define PG  RT_DIALECT_POSTGRESQL
#define LIT RT_DIALECT_SQLITE

static const char before_sql[] =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL,"
    " phone VARCHAR(20), bio TEXT, n BIGINT, price NUMERIC(10,2), score REAL);\n"
    "CREATE TABLE courses (id INTEGER PRIMARY KEY, title TEXT);\n"
    "ALTER TABLE courses ADD CONSTRAINT courses_title_nn CHECK (title IS NOT NULL);\n";

/* clang-format off */
static const struct lint_case {
	const char *rule; /* the rule the case is about */
	bool positive;    /* the case shows the rule firing */
	rt_dialect dialect;
	bool no_transaction;
	const char *sql; /* the section; its first line is line 1 */
	const char *want; /* "line:CODE ..." in order, "" for none */
} cases[] = {
	/* data loss */
	{"RT101", true, PG, false, "DROP TABLE users", "1:RT101 1:RT301"},
	{"RT101", true, LIT, false, "\n\nDROP TABLE IF EXISTS courses", "3:RT101 3:RT301"},
	{"RT101", false, PG, false, "CREATE TABLE tmp (id INT);\nDROP TABLE tmp", ""},
	{"RT102", true, PG, false, "ALTER TABLE users DROP COLUMN phone", "1:RT102 1:RT302"},
	{"RT102", true, LIT, false, "ALTER TABLE users\n  DROP COLUMN phone", "1:RT102 1:RT302"},
	{"RT102", false, PG, false, "CREATE TABLE t (a INT, b INT);\nALTER TABLE t DROP COLUMN b",
	 ""},
	{"RT103", true, LIT, false, "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50)",
	 "1:RT103"},
	{"RT103", true, PG, false, "ALTER TABLE users ALTER COLUMN n TYPE INTEGER",
	 "1:RT103 1:RT202"},
	{"RT103", true, LIT, false, "ALTER TABLE users ALTER COLUMN bio TYPE VARCHAR(100)",
	 "1:RT103"},
	{"RT103", true, LIT, false, "ALTER TABLE users ALTER COLUMN price TYPE NUMERIC(10,0)",
	 "1:RT103"},
	{"RT103", false, LIT, false, "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(300)", ""},
	{"RT103", false, LIT, false, "ALTER TABLE users ALTER COLUMN n TYPE NUMERIC", ""},
	{"RT104", true, LIT, false, "ALTER TABLE users ALTER COLUMN phone SET NOT NULL",
	 "1:RT104"},
	{"RT104", false, LIT, false,
	 "UPDATE users SET phone = '' WHERE phone IS NULL;\n"
	 "ALTER TABLE users ALTER COLUMN phone SET NOT NULL", ""},
	/* long locks (PostgreSQL) */
	{"RT201", true, PG, false, "CREATE INDEX ix_phone ON users (phone)", "1:RT201"},
	{"RT201", true, PG, false, "CREATE UNIQUE INDEX ON users (lower(email))", "1:RT201"},
	{"RT201", false, PG, true, "CREATE INDEX CONCURRENTLY ix_phone ON users (phone)", ""},
	{"RT201", false, PG, false, "CREATE TABLE t (a INT);\nCREATE INDEX ix_a ON t (a)", ""},
	{"RT201", false, LIT, false, "CREATE INDEX ix_phone ON users (phone)", ""},
	{"RT202", true, PG, false, "ALTER TABLE users ALTER COLUMN n TYPE TEXT", "1:RT202"},
	{"RT202", true, PG, false,
	 "ALTER TABLE users ALTER COLUMN phone TYPE BIGINT USING phone::bigint", "1:RT202"},
	{"RT202", false, PG, false, "ALTER TABLE users ALTER COLUMN phone TYPE VARCHAR(40)", ""},
	{"RT202", false, PG, false, "ALTER TABLE users ALTER COLUMN phone TYPE TEXT", ""},
	{"RT202", false, PG, false, "ALTER TABLE users ALTER COLUMN price TYPE NUMERIC(12,2)", ""},
	{"RT203", true, PG, false,
	 "ALTER TABLE users ADD COLUMN course_id INT;\n"
	 "ALTER TABLE users ADD CONSTRAINT fk_c FOREIGN KEY (course_id) REFERENCES courses (id)",
	 "2:RT203"},
	{"RT203", false, PG, false,
	 "ALTER TABLE users ADD CONSTRAINT fk_c FOREIGN KEY (n) REFERENCES courses (id) NOT VALID;\n"
	 "ALTER TABLE users VALIDATE CONSTRAINT fk_c", ""},
	{"RT204", true, PG, false,
	 "UPDATE users SET phone = '' WHERE phone IS NULL;\n"
	 "ALTER TABLE users ALTER COLUMN phone SET NOT NULL", "2:RT204"},
	{"RT204", false, PG, false,
	 "ALTER TABLE users ADD CONSTRAINT phone_nn CHECK (phone IS NOT NULL) NOT VALID;\n"
	 "ALTER TABLE users VALIDATE CONSTRAINT phone_nn;\n"
	 "ALTER TABLE users ALTER COLUMN phone SET NOT NULL", ""},
	{"RT204", false, PG, false, "ALTER TABLE courses ALTER COLUMN title SET NOT NULL", ""},
	{"RT205", true, PG, false,
	 "ALTER TABLE users ADD COLUMN token UUID NOT NULL DEFAULT gen_random_uuid()", "1:RT205"},
	{"RT205", true, PG, false, "ALTER TABLE users ADD COLUMN seen TIMESTAMPTZ DEFAULT clock_timestamp()",
	 "1:RT205"},
	{"RT205", true, PG, false, "ALTER TABLE users ADD COLUMN k BIGSERIAL", "1:RT205"},
	{"RT205", false, PG, false, "ALTER TABLE users ADD COLUMN created TIMESTAMPTZ DEFAULT now()",
	 ""},
	{"RT205", false, PG, false, "ALTER TABLE users ADD COLUMN flag BOOLEAN DEFAULT false", ""},
	{"RT205", false, PG, false,
	 "CREATE TABLE t (id INT);\nALTER TABLE t ADD COLUMN u UUID DEFAULT gen_random_uuid()", ""},
	{"RT206", true, PG, false, "CREATE INDEX CONCURRENTLY ix_phone ON users (phone)", "1:RT206"},
	{"RT206", true, PG, false, "DROP INDEX CONCURRENTLY ix_phone", "1:RT206"},
	{"RT206", false, PG, true, "DROP INDEX CONCURRENTLY ix_phone", ""},
	/* the previous build still serves */
	{"RT301", true, LIT, false, "DROP TABLE courses", "1:RT101 1:RT301"},
	{"RT301", false, LIT, false, "CREATE TABLE t (a INT);\nALTER TABLE t RENAME TO t2;\nDROP TABLE t2",
	 ""},
	{"RT302", true, PG, false, "ALTER TABLE users DROP COLUMN bio, DROP COLUMN n",
	 "1:RT102 1:RT302 1:RT102 1:RT302"},
	{"RT302", false, PG, false, "ALTER TABLE users ADD COLUMN note TEXT", ""},
	{"RT303", true, PG, false, "ALTER TABLE users RENAME TO accounts", "1:RT303"},
	{"RT303", false, PG, false, "CREATE TABLE t (a INT);\nALTER TABLE t RENAME TO t2", ""},
	{"RT304", true, LIT, false, "ALTER TABLE users RENAME COLUMN phone TO phone_number",
	 "1:RT304"},
	{"RT304", false, LIT, false,
	 "CREATE TABLE t (a INT);\nALTER TABLE t RENAME COLUMN a TO b", ""},
	/* the ignore annotation */
	{"RT901", false, PG, false,
	 "-- retort:lint-ignore RT102 archived to s3 in release 41\n"
	 "-- retort:lint-ignore RT302 release 42 stopped reading it\n"
	 "ALTER TABLE users DROP COLUMN phone", ""},
	{"RT901", false, PG, false,
	 "-- retort:lint-ignore RT102 archived\n"
	 "-- a comment line between\n"
	 "ALTER TABLE users DROP COLUMN phone", "3:RT302"},
	{"RT901", true, PG, false,
	 "-- retort:lint-ignore RT102\nALTER TABLE users DROP COLUMN phone",
	 "1:RT901 2:RT102 2:RT302"},
	{"RT901", true, PG, false, "--retort:lint-ignore\nDROP INDEX ix", "1:RT901"},
	{"RT902", true, PG, false,
	 "-- retort:lint-ignore RT999 no such rule\nALTER TABLE users ADD COLUMN note TEXT",
	 "1:RT902"},
	{"RT902", false, PG, false,
	 "-- retort:lint-ignore RT201 a small table\nCREATE INDEX ix_phone ON users (phone)", ""},
	{"RT903", true, PG, false,
	 "-- retort:lint-ignore RT101 wrong statement\nALTER TABLE users ADD COLUMN note TEXT",
	 "1:RT903"},
	{"RT903", true, PG, false,
	 "-- retort:lint-ignore RT102 a blank line ends the block\n\n"
	 "ALTER TABLE users DROP COLUMN phone", "1:RT903 3:RT102 3:RT302"},
	{"RT302", true, PG, false,
	 "-- retort:lint-ignore RT102 one ignore silences one finding\n"
	 "ALTER TABLE users DROP COLUMN bio, DROP COLUMN phone",
	 "2:RT302 2:RT102 2:RT302"},
	{"RT903", false, LIT, false,
	 "-- retort:lint-ignore RT201 PostgreSQL only: fine on SQLite\n"
	 "CREATE INDEX ix_phone ON users (phone)", ""},
	{"RT903", false, PG, false,
	 "SELECT '\n-- retort:lint-ignore RT999 inside a string\n';\nSELECT 1", ""},
};
/* clang-format on */

/* The unsilenced hits as "line:CODE" words. */
static void run_case(const struct lint_case *c, char *got, size_t cap)
{
	rt__arena a;
	rt__arena_init(&a);
	rt_error err;
	rt_error_clear(&err);
	rt__schema before, scratch;
	rt__schema_init(&before, &a, c->dialect);
	rt__schema_init(&scratch, &a, c->dialect);
	rt__ddl_stmt *stmts;
	size_t n;
	assert_int_equal(rt__ddl_parse_script(&a, &scratch, "before.sql", before_sql,
	                                      strlen(before_sql), c->dialect, &stmts, &n, &err),
	                 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rt__ddl_apply(&before, &stmts[i], &err), 0);
	rt__lint_hits hits = {&a, NULL, 0, 0};
	rt__lint_input in = {"v.sql", c->sql, strlen(c->sql), 1, c->dialect, !c->no_transaction,
	                     &before, NULL};
	int rc = rt__lint_section(&in, &hits, &err);
	if (rc)
		fail_msg("%s: %s", c->sql, err.message);
	size_t len = 0;
	got[0] = '\0';
	for (size_t i = 0; i < hits.n; i++) {
		if (hits.v[i].silenced)
			continue;
		int w = snprintf(got + len, cap - len, "%s%d:%s", len ? " " : "", hits.v[i].line,
		                 hits.v[i].rule->code);
		assert_true(w > 0 && (size_t)w < cap - len);
		len += (size_t)w;
		assert_non_null(hits.v[i].message);
	}
	rt__arena_release(&a);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[512];
		run_case(&cases[i], got, sizeof(got));
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu (%s, %s):\n%s\nwant \"%s\"\ngot  \"%s\"", i,
			         cases[i].rule, rt_dialect_name(cases[i].dialect), cases[i].sql,
			         cases[i].want, got);
	}
}

/* Each rule of the table has a positive case that reports it and a
 * negative case that does not; codes are unique. */
static void test_every_rule_has_cases(void **state)
{
	(void)state;
	size_t nrules;
	const rt_lint_rule *rules = rt_lint_rules(&nrules);
	for (size_t r = 0; r < nrules; r++) {
		assert_ptr_equal(rt_lint_rule_find(rules[r].code), &rules[r]);
		bool pos = false, neg = false;
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (strcmp(cases[i].rule, rules[r].code))
				continue;
			bool listed = strstr(cases[i].want, rules[r].code) != NULL;
			if (cases[i].positive && !listed)
				fail_msg("case %zu is positive for %s but does not expect it", i,
				         rules[r].code);
			if (!cases[i].positive && listed)
				fail_msg("case %zu is negative for %s but expects it", i,
				         rules[r].code);
			pos = pos || cases[i].positive;
			neg = neg || !cases[i].positive;
		}
		if (!pos || !neg)
			fail_msg("rule %s lacks a %s case", rules[r].code,
			         pos ? "negative" : "positive");
		assert_non_null(rules[r].why);
		assert_non_null(rules[r].safer);
	}
	assert_null(rt_lint_rule_find("RT999"));
}

static void test_parse_error(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	rt_error err;
	rt_error_clear(&err);
	rt__lint_hits hits = {&a, NULL, 0, 0};
	static const char sql[] = "SELECT 1;\n\nALTER TABLE users ADD COLUMN (";
	rt__lint_input in = {"v.sql", sql, strlen(sql), 7, PG, true, NULL, NULL};
	assert_int_equal(rt__lint_section(&in, &hits, &err), -RT_ERR_PARSE);
	assert_string_equal(err.file, "v.sql");
	assert_int_equal(err.line, 9);
	rt__arena_release(&a);
}

/* clang-format off */
static const struct type_case {
	const char *old_type, *new_type;
	bool narrows, rewrites;
} type_cases[] = {
	{"VARCHAR(255)", "VARCHAR(50)", true, true},
	{"character varying(255)", "VARCHAR(300)", false, false},
	{"VARCHAR(20)", "TEXT", false, false},
	{"TEXT", "VARCHAR(100)", true, true},
	{"CHAR(10)", "CHAR(5)", true, true},
	{"BIGINT", "INTEGER", true, true},
	{"INTEGER", "BIGINT", false, true},
	{"int4", "INTEGER", false, false},
	{"SMALLINT", "INT2", false, false},
	{"DOUBLE PRECISION", "REAL", true, true},
	{"REAL", "INTEGER", true, true},
	{"NUMERIC(10,2)", "NUMERIC(8,2)", true, true},
	{"NUMERIC(10,2)", "NUMERIC(12,2)", false, false},
	{"NUMERIC(10,2)", "NUMERIC(12,1)", true, true},
	{"NUMERIC(10,2)", "NUMERIC", false, false},
	{"NUMERIC", "NUMERIC(10,2)", true, true},
	{"NUMERIC(10,2)", "INTEGER", true, true},
	{"NUMERIC(10)", "BIGINT", false, true},
	{"TIMESTAMP", "TIMESTAMPTZ", false, true},
	{"UUID", "UUID", false, false},
	{NULL, "TEXT", false, false},
	{NULL, "VARCHAR(10)", false, true},
};
/* clang-format on */

static void test_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		const struct type_case *c = &type_cases[i];
		if (c->old_type && rt__lint_type_narrows(c->old_type, c->new_type) != c->narrows)
			fail_msg("narrows(%s, %s) should be %d", c->old_type, c->new_type,
			         c->narrows);
		if (rt__lint_type_rewrites(c->old_type, c->new_type) != c->rewrites)
			fail_msg("rewrites(%s, %s) should be %d", c->old_type ? c->old_type : "?",
			         c->new_type, c->rewrites);
	}
	assert_true(rt__lint_type_is_serial("BIGSERIAL"));
	assert_true(rt__lint_type_is_serial("serial"));
	assert_false(rt__lint_type_is_serial("INTEGER"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_every_rule_has_cases),
	    cmocka_unit_test(test_parse_error),
	    cmocka_unit_test(test_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
