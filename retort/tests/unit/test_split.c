/* test_split.c — rt__sql_split: statement boundaries, kept text and lines,
 * per dialect, and the file:line:col of each unterminated construct.
 * A new case is a new row in one of the tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sql/split.h"
#include "banned.h"

#define PG  RT_DIALECT_POSTGRESQL
#define LIT RT_DIALECT_SQLITE

typedef struct want {
	const char *sql;
	int line;
} want;

typedef struct split_case {
	const char *name;
	rt_dialect dialect;
	int first_line;
	const char *sql;
	size_t n;
	want stmts[4];
} split_case;

static const split_case cases[] = {
    {"two statements",
     LIT,
     1,
     "CREATE TABLE a (x int);\nDROP TABLE b;\n",
     2,
     {{"CREATE TABLE a (x int)", 1}, {"DROP TABLE b", 2}}},
    {"last without semicolon",
     PG,
     1,
     "SELECT 1;\nSELECT 2\n\n",
     2,
     {{"SELECT 1", 1}, {"SELECT 2", 2}}},
    {"empty input", PG, 1, "", 0, {{NULL, 0}}},
    {"only comments", PG, 1, "-- nothing here;\n/* nor; here */\n  \n", 0, {{NULL, 0}}},
    {"only semicolons", LIT, 1, ";;\n ; ", 0, {{NULL, 0}}},
    {"line comment hides semicolon",
     LIT,
     1,
     "SELECT 1 -- a;b\n;\nSELECT 2;",
     2,
     {{"SELECT 1 -- a;b", 1}, {"SELECT 2", 3}}},
    {"leading comment dropped, line of token",
     PG,
     1,
     "-- intro\n\n  SELECT 1;",
     1,
     {{"SELECT 1", 3}}},
    {"first_line offsets lines",
     PG,
     10,
     "\nSELECT 1;\n\nSELECT\n  2;",
     2,
     {{"SELECT 1", 11}, {"SELECT\n  2", 13}}},
    {"comment after semicolon",
     LIT,
     1,
     "SELECT 1; -- one\nSELECT 2; -- two\n",
     2,
     {{"SELECT 1", 1}, {"SELECT 2", 2}}},
    {"trailing block comment kept",
     LIT,
     1,
     "SELECT 1 /* why; */ ;",
     1,
     {{"SELECT 1 /* why; */", 1}}},
    {"string with doubled quote",
     LIT,
     1,
     "INSERT INTO t VALUES ('a;''b');SELECT 2",
     2,
     {{"INSERT INTO t VALUES ('a;''b')", 1}, {"SELECT 2", 1}}},
    {"quoted identifier",
     PG,
     1,
     "SELECT \"a;\"\"b\" FROM t; SELECT 1",
     2,
     {{"SELECT \"a;\"\"b\" FROM t", 1}, {"SELECT 1", 1}}},
    {"E string backslash escape",
     PG,
     1,
     "SELECT E'it\\'s;';SELECT 1",
     2,
     {{"SELECT E'it\\'s;'", 1}, {"SELECT 1", 1}}},
    {"backslash is plain in sqlite",
     LIT,
     1,
     "SELECT 'a\\';SELECT 1",
     2,
     {{"SELECT 'a\\'", 1}, {"SELECT 1", 1}}},
    {"backslash is plain in pg strings",
     PG,
     1,
     "SELECT 'a\\';SELECT 1",
     2,
     {{"SELECT 'a\\'", 1}, {"SELECT 1", 1}}},
    {"dollar quote",
     PG,
     1,
     "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 2;",
     2,
     {{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", 1}, {"SELECT 2", 2}}},
    {"tagged dollar quote",
     PG,
     1,
     "DO $b$ BEGIN\nRAISE NOTICE '$$;'; END $b$;\nSELECT 1",
     2,
     {{"DO $b$ BEGIN\nRAISE NOTICE '$$;'; END $b$", 1}, {"SELECT 1", 3}}},
    {"parameter is not a quote",
     PG,
     1,
     "PREPARE p AS SELECT $1;SELECT $2",
     2,
     {{"PREPARE p AS SELECT $1", 1}, {"SELECT $2", 1}}},
    {"dollar inside identifier",
     PG,
     1,
     "SELECT a$b$ FROM t;SELECT 1",
     2,
     {{"SELECT a$b$ FROM t", 1}, {"SELECT 1", 1}}},
    {"nested block comment on pg",
     PG,
     1,
     "/* a /* b; */ c; */ SELECT 1;SELECT 2",
     2,
     {{"SELECT 1", 1}, {"SELECT 2", 1}}},
    {"block comment does not nest on sqlite",
     LIT,
     1,
     "/* a /* b */ SELECT 1;SELECT 2",
     2,
     {{"SELECT 1", 1}, {"SELECT 2", 1}}},
    {"brackets on sqlite",
     LIT,
     1,
     "SELECT [a;b] FROM t;SELECT 1",
     2,
     {{"SELECT [a;b] FROM t", 1}, {"SELECT 1", 1}}},
    {"backticks on sqlite",
     LIT,
     1,
     "SELECT `a;``b` FROM t;SELECT 1",
     2,
     {{"SELECT `a;``b` FROM t", 1}, {"SELECT 1", 1}}},
    {"brackets are subscripts on pg",
     PG,
     1,
     "SELECT a[1] FROM t; SELECT '['",
     2,
     {{"SELECT a[1] FROM t", 1}, {"SELECT '['", 1}}},
    {"sqlite trigger body",
     LIT,
     1,
     "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE u SET n = n + 1;\n"
     "  DELETE FROM v;\nEND;\nSELECT 1;",
     2,
     {{"CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE u SET n = n + 1;\n"
       "  DELETE FROM v;\nEND",
       1},
      {"SELECT 1", 5}}},
    {"temp trigger with case",
     LIT,
     1,
     "create temp trigger tr before update on t begin select case when new.x < 0 then "
     "raise(abort, 'neg') end; end; select 2",
     2,
     {{"create temp trigger tr before update on t begin select case when new.x < 0 then "
       "raise(abort, 'neg') end; end",
       1},
      {"select 2", 1}}},
    {"case in WHEN before BEGIN",
     LIT,
     1,
     "CREATE TRIGGER tr AFTER UPDATE ON t WHEN CASE WHEN 1 THEN 1 END BEGIN SELECT 1; END;"
     "SELECT 2",
     2,
     {{"CREATE TRIGGER tr AFTER UPDATE ON t WHEN CASE WHEN 1 THEN 1 END BEGIN SELECT 1; END", 1},
      {"SELECT 2", 1}}},
    {"transaction BEGIN/END are statements",
     LIT,
     1,
     "BEGIN;\nSELECT 1;\nEND;",
     3,
     {{"BEGIN", 1}, {"SELECT 1", 2}, {"END", 3}}},
    {"keywords only as whole words",
     LIT,
     1,
     "CREATE TABLE trigger_log (x);CREATE TRIGGER t AFTER INSERT ON trigger_log BEGIN "
     "UPDATE y SET end_date = 1, begin_at = 2; END;",
     2,
     {{"CREATE TABLE trigger_log (x)", 1},
      {"CREATE TRIGGER t AFTER INSERT ON trigger_log BEGIN UPDATE y SET end_date = 1, "
       "begin_at = 2; END",
       1}}},
    {"keywords in quotes and comments ignored",
     LIT,
     1,
     "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 'end;'; -- end;\n SELECT \"end\"; "
     "END;",
     1,
     {{"CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 'end;'; -- end;\n SELECT \"end\"; END",
       1}}},
    {"create trigger on pg has no body",
     PG,
     1,
     "CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1",
     2,
     {{"CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f()", 1},
      {"SELECT 1", 2}}},
    {"begin atomic",
     PG,
     1,
     "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n"
     "  SELECT CASE WHEN true THEN 2 END;\nEND;\nSELECT 3;",
     2,
     {{"CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n"
       "  SELECT CASE WHEN true THEN 2 END;\nEND",
       1},
      {"SELECT 3", 6}}},
    {"begin atomic with comment between",
     PG,
     1,
     "CREATE PROCEDURE p() BEGIN /* x */ ATOMIC INSERT INTO t VALUES (1); END; SELECT 1",
     2,
     {{"CREATE PROCEDURE p() BEGIN /* x */ ATOMIC INSERT INTO t VALUES (1); END", 1},
      {"SELECT 1", 1}}},
    {"pg transaction statements",
     PG,
     1,
     "BEGIN;\nSELECT 1;\nCOMMIT;",
     3,
     {{"BEGIN", 1}, {"SELECT 1", 2}, {"COMMIT", 3}}},
    {"atomic is a body only on pg",
     LIT,
     1,
     "BEGIN ATOMIC;SELECT 1;END;",
     3,
     {{"BEGIN ATOMIC", 1}, {"SELECT 1", 1}, {"END", 1}}},
    {"crlf line endings",
     LIT,
     1,
     "SELECT 1;\r\nSELECT\r\n 2;\r\n",
     2,
     {{"SELECT 1", 1}, {"SELECT\r\n 2", 2}}},
    {"utf-8 in strings",
     PG,
     1,
     "SELECT 'h\xc3\xa9;';SELECT 2",
     2,
     {{"SELECT 'h\xc3\xa9;'", 1}, {"SELECT 2", 1}}},
    {"unicode escape string",
     PG,
     1,
     "SELECT U&'d\\0061t;a';SELECT 1",
     2,
     {{"SELECT U&'d\\0061t;a'", 1}, {"SELECT 1", 1}}},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const split_case *c = &cases[i];
		rt__arena a;
		rt__arena_init(&a);
		rt_error err;
		rt_error_clear(&err);
		rt__stmt *st = NULL;
		size_t n = 99;
		print_message("case: %s\n", c->name);
		int rc = rt__sql_split(&a, "v.sql", c->sql, strlen(c->sql), c->first_line,
		                       c->dialect, &st, &n, &err);
		assert_int_equal(rc, 0);
		assert_int_equal(n, c->n);
		for (size_t k = 0; k < n; k++) {
			assert_string_equal(st[k].sql, c->stmts[k].sql);
			assert_int_equal(st[k].len, strlen(c->stmts[k].sql));
			assert_int_equal(st[k].line, c->stmts[k].line);
		}
		rt__arena_release(&a);
	}
}

typedef struct error_case {
	const char *name;
	rt_dialect dialect;
	int first_line;
	const char *sql;
	const char *message; /* a part of the message */
	int line, col;
} error_case;

static const error_case errors[] = {
    {"string", LIT, 1, "SELECT 1;\nSELECT 'abc;\n", "unterminated quoted string", 2, 8},
    {"identifier", PG, 1, "SELECT \"a", "unterminated quoted identifier", 1, 8},
    {"bracket", LIT, 1, "SELECT  [a", "'[' has no ']'", 1, 9},
    {"backtick", LIT, 1, "\tSELECT `a", "unterminated quoted identifier", 1, 9},
    {"E string", PG, 1, "SELECT E'it\\'s", "unterminated quoted string", 1, 8},
    {"dollar quote", PG, 1, "SELECT 1;\n  DO $fn$ BEGIN END $f$;", "'$fn$' has no closing '$fn$'",
     2, 6},
    {"nested comment on pg", PG, 1, "/* a /* b */ SELECT 1;", "unterminated block comment", 1, 1},
    {"comment on sqlite", LIT, 1, "SELECT 1; /* x", "unterminated block comment", 1, 11},
    {"trigger body", LIT, 1, "\nCREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;",
     "unterminated trigger body", 2, 36},
    {"trigger body with open case", LIT, 1,
     "CREATE TRIGGER t AFTER INSERT ON x BEGIN\nSELECT CASE WHEN 1 THEN 2; END;",
     "BEGIN has no matching END", 1, 36},
    {"begin atomic", PG, 1, "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;",
     "unterminated BEGIN ATOMIC body", 1, 46},
    {"first_line offset", PG, 20, "\n\nSELECT 'x", "unterminated quoted string", 22, 8},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		const error_case *c = &errors[i];
		rt__arena a;
		rt__arena_init(&a);
		rt_error err;
		rt_error_clear(&err);
		rt__stmt *st = NULL;
		size_t n = 0;
		print_message("error case: %s\n", c->name);
		int rc = rt__sql_split(&a, "versions/x.sql", c->sql, strlen(c->sql), c->first_line,
		                       c->dialect, &st, &n, &err);
		assert_int_equal(rc, -RT_ERR_PARSE);
		assert_int_equal(err.code, RT_ERR_PARSE);
		assert_non_null(strstr(err.message, c->message));
		assert_string_equal(err.file, "versions/x.sql");
		assert_int_equal(err.line, c->line);
		assert_int_equal(err.col, c->col);
		rt__arena_release(&a);
	}
}

/* Only len bytes are read: a section is a slice of the file, not a string. */
static void test_len_bounds_input(void **state)
{
	(void)state;
	const char text[] = "SELECT 1; SELECT 'unterminated";
	rt__arena a;
	rt__arena_init(&a);
	rt__stmt *st = NULL;
	size_t n = 0;
	rt_error err;
	assert_int_equal(rt__sql_split(&a, "f", text, 9, 1, PG, &st, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(st[0].sql, "SELECT 1");
	rt__arena_release(&a);
}

/* Many statements exercise the growing array and keep lines exact. */
static void test_many(void **state)
{
	(void)state;
	char text[4000];
	size_t off = 0;
	for (int i = 0; i < 200; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "SELECT %d;\n", i);
	rt__arena a;
	rt__arena_init(&a);
	rt__stmt *st = NULL;
	size_t n = 0;
	rt_error err;
	assert_int_equal(rt__sql_split(&a, "f", text, off, 1, LIT, &st, &n, &err), 0);
	assert_int_equal(n, 200);
	assert_string_equal(st[199].sql, "SELECT 199");
	assert_int_equal(st[199].line, 200);
	rt__arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_len_bounds_input),
	    cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
