/* test_model_sql.c — rt__model_sql: which file each statement goes to, the
 * exact text, the order, and that the order the schema was built in never
 * shows. Each case is a row: model text (applied to a schema without a
 * database, by the DDL parser), dialect, split or not, and the files
 * expected, written as "== name" lines each followed by the file's text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "autogen/model_sql.h"
#include "sql/ddl.h"
#include "banned.h"

typedef struct model_case {
	const char *name;
	rt_dialect dialect;
	bool split;
	const char *models;
	const char *want;
} model_case;

static const model_case cases[] = {
    {"PostgreSQL, split: enum types apart, a cycle closed by ALTER TABLE in the file of the "
     "table holding the key, indexes and comments with their table",
     RT_DIALECT_POSTGRESQL, true,
     "CREATE TYPE mood AS ENUM ('sad', 'ok');"
     "CREATE TABLE teams (id INTEGER PRIMARY KEY, lead_id INTEGER REFERENCES users (id));"
     "CREATE TABLE users (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams (id) "
     "ON DELETE SET NULL, m mood NOT NULL DEFAULT 'ok');"
     "CREATE INDEX users_team ON users (team_id) WHERE team_id > 0;"
     "COMMENT ON TABLE users IS 'people';"
     "COMMENT ON COLUMN users.m IS 'how they feel';",
     "== teams.sql\n"
     "CREATE TABLE teams (\n"
     "    id INTEGER,\n"
     "    lead_id INTEGER,\n"
     "    PRIMARY KEY (id)\n"
     ");\n"
     "ALTER TABLE teams ADD FOREIGN KEY (lead_id) REFERENCES users (id);\n"
     "== types.sql\n"
     "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
     "== users.sql\n"
     "CREATE TABLE users (\n"
     "    id INTEGER,\n"
     "    team_id INTEGER,\n"
     "    m mood NOT NULL DEFAULT 'ok',\n"
     "    PRIMARY KEY (id),\n"
     "    FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE SET NULL\n"
     ");\n"
     "CREATE INDEX users_team ON users (team_id) WHERE team_id > 0;\n"
     "COMMENT ON TABLE users IS 'people';\n"
     "COMMENT ON COLUMN users.m IS 'how they feel';\n"},
    {"PostgreSQL, one file: types, then tables referenced-first, the cycle's key last",
     RT_DIALECT_POSTGRESQL, false,
     "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));"
     "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));"
     "CREATE TABLE c (id INTEGER PRIMARY KEY REFERENCES b (id));"
     "CREATE TYPE z AS ENUM ('x');",
     "== schema.sql\n"
     "CREATE TYPE z AS ENUM ('x');\n"
     "\n"
     "CREATE TABLE a (\n"
     "    id INTEGER,\n"
     "    b_id INTEGER,\n"
     "    PRIMARY KEY (id)\n"
     ");\n"
     "\n"
     "CREATE TABLE b (\n"
     "    id INTEGER,\n"
     "    a_id INTEGER,\n"
     "    PRIMARY KEY (id),\n"
     "    FOREIGN KEY (a_id) REFERENCES a (id)\n"
     ");\n"
     "\n"
     "CREATE TABLE c (\n"
     "    id INTEGER,\n"
     "    PRIMARY KEY (id),\n"
     "    FOREIGN KEY (id) REFERENCES b (id)\n"
     ");\n"
     "\n"
     "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);\n"},
    {"SQLite: the cycle stays in CREATE TABLE (no ALTER ... ADD CONSTRAINT there), tables in "
     "name order, AUTOINCREMENT on its column",
     RT_DIALECT_SQLITE, false,
     "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, a_id INTEGER REFERENCES a (id));"
     "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));",
     "== schema.sql\n"
     "CREATE TABLE a (\n"
     "    id INTEGER,\n"
     "    b_id INTEGER,\n"
     "    PRIMARY KEY (id),\n"
     "    FOREIGN KEY (b_id) REFERENCES b (id)\n"
     ");\n"
     "\n"
     "CREATE TABLE b (\n"
     "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
     "    a_id INTEGER,\n"
     "    FOREIGN KEY (a_id) REFERENCES a (id)\n"
     ");\n"},
    {"file names: other characters become '_', names that meet share a file, a table called "
     "types shares types.sql with the enum types",
     RT_DIALECT_POSTGRESQL, true,
     "CREATE TABLE \"a b\" (id INTEGER);"
     "CREATE TABLE \"a/b\" (id INTEGER);"
     "CREATE TABLE \"../x\" (id INTEGER);"
     "CREATE TABLE types (id INTEGER);"
     "CREATE TYPE t AS ENUM ('v');",
     "== ___x.sql\n"
     "CREATE TABLE \"../x\" (\n"
     "    id INTEGER\n"
     ");\n"
     "== a_b.sql\n"
     "CREATE TABLE \"a b\" (\n"
     "    id INTEGER\n"
     ");\n"
     "\n"
     "CREATE TABLE \"a/b\" (\n"
     "    id INTEGER\n"
     ");\n"
     "== types.sql\n"
     "CREATE TYPE t AS ENUM ('v');\n"
     "\n"
     "CREATE TABLE types (\n"
     "    id INTEGER\n"
     ");\n"},
    {"an empty schema: one empty file, or none", RT_DIALECT_POSTGRESQL, false, "",
     "== schema.sql\n"},
    {"an empty schema split: no file", RT_DIALECT_SQLITE, true, "", ""},
};

/* The schema the model text makes, its tables in reverse when reversed. */
static void build(rt__arena *a, const model_case *c, bool reversed, rt__schema *s)
{
	rt__schema scratch;
	rt__schema_init(&scratch, a, c->dialect);
	rt__schema_init(s, a, c->dialect);
	rt__ddl_stmt *st;
	size_t n;
	rt_error err;
	rt_error_clear(&err);
	int rc = rt__ddl_parse_script(a, &scratch, "models.sql", c->models, strlen(c->models),
	                              c->dialect, &st, &n, &err);
	if (rc)
		fail_msg("%s: %s", c->name, err.message);
	for (size_t i = 0; i < n; i++)
		if (rt__ddl_apply(s, &st[i], &err))
			fail_msg("%s: %s", c->name, err.message);
	for (size_t i = 0; reversed && i < s->ntables / 2; i++) {
		rt__table t = s->tables[i];
		s->tables[i] = s->tables[s->ntables - 1 - i];
		s->tables[s->ntables - 1 - i] = t;
	}
}

static void render(const model_case *c, bool reversed, rt_buf *out)
{
	rt__arena a;
	rt__arena_init(&a);
	rt__schema s;
	build(&a, c, reversed, &s);
	rt__model_file *files;
	size_t n;
	rt_error err;
	rt_error_clear(&err);
	if (rt__model_sql(&a, &s, c->split, &files, &n, &err))
		fail_msg("%s: %s", c->name, err.message);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(strlen(files[i].sql), files[i].len);
		assert_int_equal(rt_buf_printf(out, "== %s\n%s", files[i].name, files[i].sql), 0);
	}
	rt__arena_release(&a);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const model_case *c = &cases[i];
		rt_buf got = RT_BUF_INIT, again = RT_BUF_INIT;
		render(c, false, &got);
		render(c, true, &again);
		if (strcmp(got.data, c->want))
			fail_msg("%s: got\n%s\nwant\n%s", c->name, got.data, c->want);
		if (strcmp(got.data, again.data))
			fail_msg("%s: the order tables were built in shows:\n%s", c->name,
			         again.data);
		rt_buf_release(&got);
		rt_buf_release(&again);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
