/* fuzz_lint.c — libFuzzer target for the lint rules (lint/section.h): the
 * first byte picks the dialect (bit 0) and whether the section runs in a
 * transaction (bit 1); the rest is a script's upgrade section, linted
 * against a fixed schema before it. Every hit must name a rule of the
 * table, carry a message and sit on a line of the section; a silenced hit
 * is always a statement's, never an annotation's.
 * Built and run by scripts/fuzz-smoke; see docs/fuzzing.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/section.h"
#include "sql/ddl.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char before_sql[] =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL,"
    " phone VARCHAR(20), n BIGINT, price NUMERIC(10,2));\n"
    "CREATE TABLE courses (id INTEGER PRIMARY KEY, title TEXT);\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	rt_dialect d = (data[0] & 1) ? RT_DIALECT_SQLITE : RT_DIALECT_POSTGRESQL;
	const int first_line = 8;
	rt__arena a;
	rt__arena_init(&a);
	rt_error err;
	rt__schema before, scratch;
	rt__schema_init(&before, &a, d);
	rt__schema_init(&scratch, &a, d);
	rt__ddl_stmt *st;
	size_t n;
	if (rt__ddl_parse_script(&a, &scratch, "before.sql", before_sql, strlen(before_sql), d, &st,
	                         &n, &err))
		abort();
	for (size_t i = 0; i < n; i++)
		if (rt__ddl_apply(&before, &st[i], &err))
			abort();
	const char *sql = (const char *)data + 1;
	size_t len = size - 1;
	int lines = first_line;
	for (size_t i = 0; i < len; i++)
		lines += sql[i] == '\n';
	rt__lint_hits hits = {&a, NULL, 0, 0};
	rt__lint_input in = {"fuzz.sql", sql, len, first_line, d, !(data[0] & 2), &before, NULL};
	if (!rt__lint_section(&in, &hits, &err)) {
		for (size_t i = 0; i < hits.n; i++) {
			const rt__lint_hit *h = &hits.v[i];
			if (!h->rule || rt_lint_rule_find(h->rule->code) != h->rule ||
			    !h->message || h->line < first_line || h->line > lines ||
			    (h->silenced && h->stmt == SIZE_MAX) ||
			    (i > 0 && hits.v[i - 1].line > h->line))
				abort();
		}
	}
	rt__arena_release(&a);
	return 0;
}
