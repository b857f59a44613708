/* test_script.c — migration script files: parsing good and bad scripts (with
 * the exact file:line:col of each error), section selection per dialect,
 * render -> parse round trips, the rendered format itself, slugs and
 * checksums. A new case is a new row in one of the tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "script_file.h"
#include "banned.h"

#define PG   RT_DIALECT_POSTGRESQL
#define LIT  RT_DIALECT_SQLITE
#define ANY  RT_DIALECT_NONE
#define PATH "migrations/versions/x_test.sql"

#define DESIGN_EXAMPLE                                             \
	"-- add_phone_number_to_users\n"                           \
	"--\n"                                                     \
	"-- Revision ID: 96f087ac5e97\n"                           \
	"-- Revises: 4ac6063c6f0a\n"                               \
	"-- Create Date: 2026-02-11 09:19:55.294917\n"             \
	"\n"                                                       \
	"-- retort:upgrade\n"                                      \
	"ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);\n" \
	"\n"                                                       \
	"-- retort:downgrade\n"                                    \
	"ALTER TABLE users DROP COLUMN phone_number;\n"

typedef struct want_section {
	rt_direction dir;
	rt_dialect dialect;
	bool transaction;
	const char *sql;
	int line;
} want_section;

typedef struct good_case {
	const char *name;
	const char *text;
	const char *revision, *message, *create_date;
	const char *down, *labels, *depends; /* lists joined by ',' */
	size_t n_sections;
	want_section sections[4];
} good_case;

static const good_case good[] = {
    {"design example",
     DESIGN_EXAMPLE,
     "96f087ac5e97",
     "add_phone_number_to_users",
     "2026-02-11 09:19:55.294917",
     "4ac6063c6f0a",
     "",
     "",
     2,
     {{RT_UP, ANY, true, "ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);\n\n", 8},
      {RT_DOWN, ANY, true, "ALTER TABLE users DROP COLUMN phone_number;\n", 11}}},
    {"root",
     "-- create users\n--\n-- Revision ID: 4ac6063c6f0a\n-- Revises:\n\n-- retort:upgrade\n"
     "CREATE TABLE users (id int);\n-- retort:downgrade\nDROP TABLE users;",
     "4ac6063c6f0a",
     "create users",
     NULL,
     "",
     "",
     "",
     2,
     {{RT_UP, ANY, true, "CREATE TABLE users (id int);\n", 7},
      {RT_DOWN, ANY, true, "DROP TABLE users;", 9}}},
    {"merge",
     "-- merge heads\n--\n-- Revision ID: m1\n-- Revises: a1,  b2 \n",
     "m1",
     "merge heads",
     NULL,
     "a1,b2",
     "",
     "",
     0,
     {{RT_UP, ANY, true, NULL, 0}}},
    {"labels and depends",
     "-- x\n-- Revision ID: r_2\n-- Revises: r_1\n-- Branch Labels: auth, billing-v2\n"
     "-- Depends On: abc123, def\n",
     "r_2",
     "x",
     NULL,
     "r_1",
     "auth,billing-v2",
     "abc123,def",
     0,
     {{RT_UP, ANY, true, NULL, 0}}},
    {"options",
     "-- Revision ID: a\n-- Revises:\n-- retort:upgrade transaction=false\nCREATE INDEX "
     "CONCURRENTLY i ON t (x);\n-- retort:downgrade  dialect=postgres   transaction=TRUE\n",
     "a",
     "",
     NULL,
     "",
     "",
     "",
     2,
     {{RT_UP, ANY, false, "CREATE INDEX CONCURRENTLY i ON t (x);\n", 4},
      {RT_DOWN, PG, true, "", 6}}},
    {"dialect sections",
     "-- d\n-- Revision ID: a\n-- Revises:\n\n-- retort:upgrade\nG;\n-- retort:upgrade "
     "dialect=postgresql\nP;\n-- retort:upgrade dialect=sqlite transaction=false\nS;\n"
     "-- retort:downgrade\nD;\n",
     "a",
     "d",
     NULL,
     "",
     "",
     "",
     4,
     {{RT_UP, ANY, true, "G;\n", 6},
      {RT_UP, PG, true, "P;\n", 8},
      {RT_UP, LIT, false, "S;\n", 10},
      {RT_DOWN, ANY, true, "D;\n", 12}}},
    {"no sections",
     "-- empty\n--\n-- Revision ID: e\n-- Revises: d\n-- Create Date: today\n",
     "e",
     "empty",
     "today",
     "d",
     "",
     "",
     0,
     {{RT_UP, ANY, true, NULL, 0}}},
    {"crlf",
     "-- msg\r\n--\r\n-- Revision ID: abc\r\n-- Revises: p1, p2\r\n\r\n-- retort:upgrade\r\n"
     "SELECT 1;\r\n-- retort:downgrade\r\n",
     "abc",
     "msg",
     NULL,
     "p1,p2",
     "",
     "",
     2,
     {{RT_UP, ANY, true, "SELECT 1;\r\n", 7}, {RT_DOWN, ANY, true, "", 9}}},
    {"keys case-insensitive, no message",
     "-- revision id: X1\n-- REVISES: a\n-- create DATE: d\n",
     "X1",
     "",
     "d",
     "a",
     "",
     "",
     0,
     {{RT_UP, ANY, true, NULL, 0}}},
    {"blank line in header and comments before marker",
     "\n-- m\n\n-- Revision ID: a\n-- Revises:\n\n-- a note about this migration\n"
     "-- retort:upgrade\nSELECT 1;",
     "a",
     "m",
     NULL,
     "",
     "",
     "",
     1,
     {{RT_UP, ANY, true, "SELECT 1;", 9}}},
    {"marker at end without newline",
     "-- Revision ID: a\n-- Revises:\n-- retort:upgrade",
     "a",
     "",
     NULL,
     "",
     "",
     "",
     1,
     {{RT_UP, ANY, true, "", 4}}},
    {"lint-ignore annotation is SQL of the section, not a marker",
     "-- Revision ID: a\n-- Revises:\n-- retort:upgrade\n"
     "-- retort:lint-ignore RT102 archived\nALTER TABLE t DROP COLUMN c;\n",
     "a",
     "",
     NULL,
     "",
     "",
     "",
     1,
     {{RT_UP, ANY, true, "-- retort:lint-ignore RT102 archived\nALTER TABLE t DROP COLUMN c;\n",
       4}}},
    {"32-character revision id",
     "-- Revision ID: abcdefghijklmnopqrstuvwxyz_01234\n-- Revises:\n",
     "abcdefghijklmnopqrstuvwxyz_01234",
     "",
     NULL,
     "",
     "",
     "",
     0,
     {{RT_UP, ANY, true, NULL, 0}}},
};

static void join(char *dst, size_t size, const char **v, size_t n)
{
	size_t off = 0;
	dst[0] = '\0';
	for (size_t i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(dst + off, size - off, "%s%s", i ? "," : "", v[i]);
}

static void check_list(const char **v, size_t n, const char *want)
{
	char got[256];
	join(got, sizeof(got), v, n);
	assert_string_equal(got, want);
}

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const good_case *c = &good[i];
		rt__arena a;
		rt__arena_init(&a);
		rt_error err;
		rt_error_clear(&err);
		rt_script s;
		print_message("case: %s\n", c->name);
		int rc = rt__script_parse(&a, PATH, c->text, strlen(c->text), &s, &err);
		if (rc)
			print_message("  %s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
		assert_int_equal(rc, 0);
		assert_string_equal(s.path, PATH);
		assert_string_equal(s.filename, "x_test.sql");
		assert_string_equal(s.revision, c->revision);
		assert_string_equal(s.message, c->message);
		if (c->create_date)
			assert_string_equal(s.create_date, c->create_date);
		else
			assert_null(s.create_date);
		check_list(s.down_revisions, s.n_down, c->down);
		check_list(s.branch_labels, s.n_labels, c->labels);
		check_list(s.depends_on, s.n_depends, c->depends);
		assert_int_equal(s.n_sections, c->n_sections);
		for (size_t k = 0; k < s.n_sections; k++) {
			const want_section *w = &c->sections[k];
			assert_int_equal(s.sections[k].direction, w->dir);
			assert_int_equal(s.sections[k].dialect, w->dialect);
			assert_int_equal(s.sections[k].transaction, w->transaction);
			assert_string_equal(s.sections[k].sql, w->sql);
			assert_int_equal(s.sections[k].len, strlen(w->sql));
			assert_int_equal(s.sections[k].line, w->line);
		}
		rt__arena_release(&a);
	}
}

static void test_header_text(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	rt_script s;
	rt_error err;
	assert_int_equal(
	    rt__script_parse(&a, PATH, DESIGN_EXAMPLE, strlen(DESIGN_EXAMPLE), &s, &err), 0);
	assert_string_equal(s.header,
	                    "add_phone_number_to_users\n\nRevision ID: 96f087ac5e97\n"
	                    "Revises: 4ac6063c6f0a\nCreate Date: 2026-02-11 09:19:55.294917");
	rt__arena_release(&a);
}

typedef struct bad_case {
	const char *name;
	const char *text;
	const char *message; /* a part of the message */
	int line, col;
} bad_case;

#define HDR "-- Revision ID: a\n-- Revises:\n"

static const bad_case bad[] = {
    {"missing revision id", "-- msg\n-- Revises:\n", "missing 'Revision ID:' header", 1, 0},
    {"missing revises", "-- msg\n-- Revision ID: a\n", "missing 'Revises:' header", 1, 0},
    {"empty file", "", "missing 'Revision ID:' header", 1, 0},
    {"bad revision character", "-- Revision ID: ab-c\n-- Revises:\n",
     "invalid character '-' in revision id 'ab-c'", 1, 19},
    {"leading dot in revision id", "-- Revision ID: .1\n-- Revises:\n",
     "invalid character '.' in revision id '.1'", 1, 17},
    {"revision id too long", "-- Revision ID: abcdefghijklmnopqrstuvwxyz_012345\n",
     "longer than 32 characters", 1, 17},
    {"empty revision id", "-- Revision ID:\n-- Revises:\n", "empty revision id", 1, 16},
    {"space inside revises item", "-- Revision ID: a\n-- Revises: a, b c\n",
     "invalid character ' ' in revision id 'b c'", 2, 17},
    {"trailing comma in revises", "-- Revision ID: a\n-- Revises: a,\n", "empty revision id", 2,
     15},
    {"bad branch label", "-- Revision ID: a\n-- Revises:\n-- Branch Labels: x@y\n",
     "invalid character '@' in branch label", 3, 20},
    {"revision id twice", "-- Revision ID: a\n-- Revision ID: b\n",
     "'Revision ID:' given twice (first on line 1)", 2, 4},
    {"unknown marker", HDR "-- retort:upgrad\nSELECT 1;\n",
     "unknown marker 'retort:upgrad': expected 'retort:upgrade' or 'retort:downgrade'", 3, 11},
    {"a word that only starts like an annotation", HDR "-- retort:lint-ignored x\n",
     "unknown marker 'retort:lint-ignored': expected 'retort:upgrade' or 'retort:downgrade'", 3,
     11},
    {"unknown option", HDR "-- retort:upgrade transactions=false\n",
     "unknown section option 'transactions=false'", 3, 19},
    {"bad transaction value", HDR "-- retort:upgrade transaction=maybe\n",
     "invalid value 'maybe' for section option 'transaction': expected transaction=true|false", 3,
     31},
    {"bad dialect value", HDR "\n-- retort:downgrade dialect=oracle\n",
     "invalid value 'oracle' for section option 'dialect': expected "
     "dialect=postgresql|sqlite",
     4, 29},
    {"option without value", HDR "-- retort:upgrade dialect\n",
     "expected dialect=postgresql|sqlite", 3, 19},
    {"option twice", HDR "-- retort:upgrade dialect=sqlite dialect=postgresql\n",
     "section option 'dialect' given twice", 3, 34},
    {"duplicate generic section",
     HDR "-- retort:upgrade\nA;\n-- retort:downgrade\n"
         "-- retort:upgrade\nB;\n",
     "second upgrade section for all dialects (first on line 3, this on line 6)", 6, 11},
    {"duplicate dialect section",
     HDR "-- retort:downgrade dialect=postgresql\n"
         "-- retort:downgrade dialect=postgres transaction=false\n",
     "second downgrade section for postgresql (first on line 3, this on line 4)", 4, 11},
    {"sql before first marker", HDR "\nCREATE TABLE x (a int);\n-- retort:upgrade\n",
     "SQL before the first section marker", 4, 1},
    {"indented sql before marker", HDR "  DROP TABLE x;\n", "SQL before the first section marker",
     3, 3},
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const bad_case *c = &bad[i];
		rt__arena a;
		rt__arena_init(&a);
		rt_error err;
		rt_error_clear(&err);
		rt_script s;
		print_message("case: %s\n", c->name);
		int rc = rt__script_parse(&a, PATH, c->text, strlen(c->text), &s, &err);
		print_message("  %s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
		assert_int_equal(rc, -RT_ERR_PARSE);
		assert_int_equal(err.code, RT_ERR_PARSE);
		assert_non_null(strstr(err.message, c->message));
		assert_string_equal(err.file, PATH);
		assert_int_equal(err.line, c->line);
		assert_int_equal(err.col, c->col);
		rt__arena_release(&a);
	}
}

typedef struct pick_case {
	const char *text;
	rt_direction dir;
	rt_dialect dialect;
	const char *want; /* the chosen body, NULL for none */
} pick_case;

#define MIXED                                                                   \
	HDR "-- retort:upgrade\nGU\n-- retort:upgrade dialect=postgresql\nPU\n" \
	    "-- retort:downgrade dialect=sqlite\nSD\n-- retort:downgrade\nGD\n"
#define ONLY_PG HDR "-- retort:upgrade dialect=postgresql\nPU\n"

static const pick_case picks[] = {
    {MIXED, RT_UP, PG, "PU\n"},   {MIXED, RT_UP, LIT, "GU\n"},
    {MIXED, RT_UP, ANY, "GU\n"},  {MIXED, RT_DOWN, LIT, "SD\n"},
    {MIXED, RT_DOWN, PG, "GD\n"}, {ONLY_PG, RT_UP, LIT, NULL},
    {ONLY_PG, RT_UP, PG, "PU\n"}, {ONLY_PG, RT_DOWN, PG, NULL},
    {HDR, RT_UP, PG, NULL},       {HDR "-- retort:upgrade\n", RT_UP, LIT, ""},
};

static void test_section_choice(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		const pick_case *c = &picks[i];
		rt__arena a;
		rt__arena_init(&a);
		rt_script s;
		rt_error err;
		assert_int_equal(rt__script_parse(&a, PATH, c->text, strlen(c->text), &s, &err), 0);
		const rt_section *sec = rt_script_section(&s, c->dir, c->dialect);
		if (!c->want) {
			assert_null(sec);
		} else {
			assert_non_null(sec);
			assert_string_equal(sec->sql, c->want);
			assert_int_equal(sec->direction, c->dir);
		}
		rt__arena_release(&a);
	}
}

static const char *const downs2[] = {"aaa111", "bbb222"};
static const char *const downs1[] = {"4ac6063c6f0a"};
static const char *const labels[] = {"auth", "v-2"};
static const char *const deps[] = {"ccc333"};

static const rt__script_spec specs[] = {
    {"96f087ac5e97", "add_phone_number_to_users", "2026-02-11 09:19:55.294917", downs1, 1, NULL, 0,
     NULL, 0, "ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);",
     "ALTER TABLE users DROP COLUMN phone_number;"},
    {"root01", "Initial schema", "2026-01-01 00:00:00", NULL, 0, NULL, 0, NULL, 0,
     "CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n", "DROP TABLE b;\nDROP TABLE a;\n"},
    {"merge01", "merge heads", "d", downs2, 2, labels, 2, deps, 1, NULL, NULL},
    {"nomsg", NULL, NULL, downs1, 1, NULL, 0, NULL, 0, "SELECT 1;", NULL},
    {"emptymsg", "", "d", NULL, 0, NULL, 0, NULL, 0, "", ""},
    {"multi", "first line\nsecond line\n\nfourth", "d", NULL, 0, NULL, 0, NULL, 0, "X;", "Y;"},
};

static void trimmed_equal(const char *got, const char *want)
{
	size_t g = strlen(got), w = want ? strlen(want) : 0;
	while (g && (got[g - 1] == '\n' || got[g - 1] == ' '))
		g--;
	while (w && (want[w - 1] == '\n' || want[w - 1] == ' '))
		w--;
	assert_int_equal(g, w);
	assert_memory_equal(got, want ? want : "", g);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		const rt__script_spec *sp = &specs[i];
		rt_buf text = RT_BUF_INIT;
		assert_int_equal(rt__script_render(&text, sp), 0);
		rt__arena a;
		rt__arena_init(&a);
		rt_script s;
		rt_error err;
		int rc = rt__script_parse(&a, PATH, text.data, text.len, &s, &err);
		if (rc)
			print_message("%s\n%s:%d:%d: %s\n", text.data, err.file, err.line, err.col,
			              err.message);
		assert_int_equal(rc, 0);
		assert_string_equal(s.revision, sp->revision);
		char first[64] = "";
		if (sp->message)
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(sp->message, "\n"),
			         sp->message);
		assert_string_equal(s.message, first);
		if (sp->create_date)
			assert_string_equal(s.create_date, sp->create_date);
		else
			assert_null(s.create_date);
		assert_int_equal(s.n_down, sp->n_down);
		for (size_t k = 0; k < sp->n_down; k++)
			assert_string_equal(s.down_revisions[k], sp->down_revisions[k]);
		assert_int_equal(s.n_labels, sp->n_labels);
		for (size_t k = 0; k < sp->n_labels; k++)
			assert_string_equal(s.branch_labels[k], sp->branch_labels[k]);
		assert_int_equal(s.n_depends, sp->n_depends);
		for (size_t k = 0; k < sp->n_depends; k++)
			assert_string_equal(s.depends_on[k], sp->depends_on[k]);
		const rt_section *up = rt_script_section(&s, RT_UP, PG);
		const rt_section *down = rt_script_section(&s, RT_DOWN, LIT);
		assert_non_null(up);
		assert_non_null(down);
		trimmed_equal(up->sql, sp->upgrade_sql);
		trimmed_equal(down->sql, sp->downgrade_sql);
		if (sp->message && strchr(sp->message, '\n'))
			assert_non_null(strstr(s.header, "first line\nsecond line\n\nfourth\n\n"));
		rt_buf_release(&text);
		rt__arena_release(&a);
	}
}

/* The rendered text is the format users read and diff: pinned exactly. */
static void test_render_format(void **state)
{
	(void)state;
	rt_buf text = RT_BUF_INIT;
	assert_int_equal(rt__script_render(&text, &specs[0]), 0);
	assert_string_equal(text.data, DESIGN_EXAMPLE);
	rt_buf_release(&text);

	assert_int_equal(rt__script_render(&text, &specs[2]), 0);
	assert_string_equal(text.data, "-- merge heads\n--\n-- Revision ID: merge01\n"
	                               "-- Revises: aaa111, bbb222\n-- Create Date: d\n"
	                               "-- Branch Labels: auth, v-2\n-- Depends On: ccc333\n\n"
	                               "-- retort:upgrade\n\n-- retort:downgrade\n\n");
	rt_buf_release(&text);

	assert_int_equal(rt__script_render(&text, &specs[4]), 0);
	assert_string_equal(text.data,
	                    "-- Revision ID: emptymsg\n-- Revises:\n-- Create Date: d\n\n"
	                    "-- retort:upgrade\n\n-- retort:downgrade\n\n");
	rt_buf_release(&text);
}

typedef struct slug_case {
	const char *message, *slug;
} slug_case;

static const slug_case slugs[] = {
    {"Add phone number!", "add_phone_number"},
    {"add_phone_number_to_users", "add_phone_number_to_users"},
    {"  Multiple   spaces\tand-dashes ", "multiple_spaces_and_dashes"},
    {"CamelCase and 123", "camelcase_and_123"},
    {"h\xc3\xa9llo", "h_llo"},
    {"!!!", ""},
    {"", ""},
    {NULL, ""},
    {"one two three four five six seven eight nine ten", "one_two_three_four_five_six_seven_eight"},
    {"aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeee", "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd"},
    {"exactly forty characters long message xx", "exactly_forty_characters_long_message_xx"},
};

static void test_slug(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	for (size_t i = 0; i < sizeof(slugs) / sizeof(slugs[0]); i++) {
		char *s = rt__script_slug(&a, slugs[i].message);
		assert_non_null(s);
		assert_string_equal(s, slugs[i].slug);
		assert_true(strlen(s) <= 40);
	}
	rt__arena_release(&a);
}

static void test_checksum(void **state)
{
	(void)state;
	char text[] = "-- Revision ID: abc\n-- Revises:\n";
	rt__arena a;
	rt__arena_init(&a);
	rt_script s1, s2;
	rt_error err;
	assert_int_equal(rt__script_parse(&a, PATH, text, strlen(text), &s1, &err), 0);
	/* sha256sum of the same bytes */
	assert_string_equal(s1.checksum,
	                    "a1c46b0425839224557bf1070d46af4b15a49d7a00314f8b3328fb05a517134f");
	text[18] = 'd'; /* abc -> abd */
	assert_int_equal(rt__script_parse(&a, PATH, text, strlen(text), &s2, &err), 0);
	assert_string_equal(s2.revision, "abd");
	assert_int_equal(strlen(s2.checksum), 64);
	assert_string_not_equal(s1.checksum, s2.checksum);
	rt__arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),       cmocka_unit_test(test_header_text),
	    cmocka_unit_test(test_bad),        cmocka_unit_test(test_section_choice),
	    cmocka_unit_test(test_round_trip), cmocka_unit_test(test_render_format),
	    cmocka_unit_test(test_slug),       cmocka_unit_test(test_checksum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
