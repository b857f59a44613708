/* fuzz_ddl.c — libFuzzer target for the statement splitter and the DDL
 * parser: the first byte picks the dialect, the rest is a model file.
 * Whatever parses is applied to a model, and every table created is
 * rendered and must parse back (sql/ddl.h's round-trip promise).
 * Built and run by scripts/fuzz-smoke; see docs/fuzzing.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql/ddl.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(rt__arena *a, const rt__table *t, rt_dialect d)
{
	rt_buf sql = RT_BUF_INIT;
	if (rt__ddl_render_create_table(&sql, t, d))
		abort();
	rt__schema scratch;
	rt__schema_init(&scratch, a, d);
	rt__ddl_stmt st;
	rt_error err;
	if (rt__ddl_parse(a, &scratch, "render", 1, sql.data, sql.len, d, &st, &err) ||
	    st.kind != RT__DDL_CREATE_TABLE || st.table->ncolumns != t->ncolumns ||
	    st.table->nconstraints != t->nconstraints)
		abort();
	for (size_t i = 0; i < t->ncolumns; i++)
		if (strcmp(st.table->columns[i].name, t->columns[i].name) ||
		    strcmp(st.table->columns[i].type, t->columns[i].type))
			abort();
	rt_buf_release(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	rt_dialect d = (data[0] & 1) ? RT_DIALECT_SQLITE : RT_DIALECT_POSTGRESQL;
	rt__arena a;
	rt__arena_init(&a);
	rt__schema scratch, model;
	rt__schema_init(&scratch, &a, d);
	rt__schema_init(&model, &a, d);
	rt__ddl_stmt *st;
	size_t n;
	rt_error err;
	if (!rt__ddl_parse_script(&a, &scratch, "fuzz.sql", (const char *)data + 1, size - 1, d,
	                          &st, &n, &err)) {
		for (size_t i = 0; i < n; i++) {
			if (st[i].kind == RT__DDL_CREATE_TABLE)
				round_trip(&a, st[i].table, d);
			rt__ddl_apply(&model, &st[i], &err);
		}
	}
	rt__arena_release(&a);
	return 0;
}
