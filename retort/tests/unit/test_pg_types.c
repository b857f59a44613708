/* test_pg_types.c — format_type()'s names and the server's literal defaults
 * in the spelling models use (dialect/pg_types.h), over tables of cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dialect/pg_types.h"
#include "banned.h"

static const struct {
	const char *type, *spelling;
} type_cases[] = {
    {"character varying(20)", "VARCHAR(20)"},
    {"character varying", "VARCHAR"},
    {"character(2)", "CHAR(2)"},
    {"timestamp with time zone", "TIMESTAMPTZ"},
    {"timestamp(3) with time zone", "TIMESTAMPTZ(3)"},
    {"timestamp without time zone", "TIMESTAMP"},
    {"time without time zone", "TIME"},
    {"time(6) with time zone", "TIMETZ(6)"},
    {"integer", "INTEGER"},
    {"integer[]", "INTEGER[]"},
    {"character varying(5)[]", "VARCHAR(5)[]"},
    {"bigint", "BIGINT"},
    {"double precision", "DOUBLE PRECISION"},
    {"numeric(10,2)", "NUMERIC(10,2)"},
    {"boolean", "BOOLEAN"},
    {"uuid", "UUID"},
    {"jsonb", "JSONB"},
    {"bigserial", "BIGSERIAL"},
    /* no short form, or another type that starts like one: as given */
    {"order_status", "order_status"},
    {"date_range", "date_range"},
    {"textual", "textual"},
    {"interval year to month", "interval year to month"},
    {"bit varying(8)", "bit varying(8)"},
};

static void test_type_spellings(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	for (size_t i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		const char *got = rt__pg_type_spelling(&a, type_cases[i].type);
		assert_non_null(got);
		assert_string_equal(got, type_cases[i].spelling);
	}
	rt__arena_release(&a);
}

static const struct {
	const char *def, *type, *spelling;
} default_cases[] = {
    {"'student'::character varying", "character varying(50)", "'student'"},
    {"'it''s'::text", "text", "'it''s'"},
    {"NULL::text", "text", "NULL"},
    {"'draft'::post_status", "post_status", "'draft'"},
    {"'{}'::integer[]", "integer[]", "'{}'"},
    {"'2026-01-01 00:00:00+00'::timestamp with time zone", "timestamp with time zone",
     "'2026-01-01 00:00:00+00'"},
    {"'ab'::bpchar", "character(3)", "'ab'"},
    {"'{a}'::bpchar[]", "character(2)[]", "'{a}'"},
    {"'2020-01-01 00:00:00+00'::timestamp with time zone", "timestamp(3) with time zone",
     "'2020-01-01 00:00:00+00'"},
    {"'{a}'::character varying[]", "character varying(10)[]", "'{a}'"},
    {"'x'::character varying::text", "text", "'x'"},
    {"'x'::character varying", "text", "'x'"},
    {"'x'::text", "character varying(5)", "'x'"},
    /* a cast to another type, or through a length, can change the value: kept */
    {"'abc'::character varying(2)::text", "text", "'abc'::character varying(2)::text"},
    {"'1'::integer::text", "text", "'1'::integer::text"},
    {"'ab'::bpchar", "character varying(3)", "'ab'::bpchar"},
    {"'now'::text::date", "date", "'now'::text::date"},
    {"now()", "timestamp with time zone", "now()"},
    {"0", "integer", "0"},
    {"(1 + 2)", "integer", "(1 + 2)"},
    {"'a'::character", "character varying(3)", "'a'::character"},
    {"'unterminated", "text", "'unterminated"},
};

static void test_default_spellings(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	for (size_t i = 0; i < sizeof(default_cases) / sizeof(default_cases[0]); i++) {
		const char *got =
		    rt__pg_default_spelling(&a, default_cases[i].def, default_cases[i].type);
		assert_non_null(got);
		assert_string_equal(got, default_cases[i].spelling);
	}
	rt__arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type_spellings),
	    cmocka_unit_test(test_default_spellings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
