/* test_serialize.c — the serializer's two forms agree: schema_write_row's
 * text is byte for byte jansson's compact dump of schema_serialize_row,
 * over rows of a real SQLite file holding every field type, NULLs,
 * characters that need escaping and non-ASCII text; and text that is not
 * UTF-8 fails both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "schemas/schema.h"

static const schema_field fields[] = {
    {"name", SCHEMA_STRING, 0, 0, 0, NULL, NULL, "name"},
    {"password", SCHEMA_STRING, SCHEMA_WRITE_ONLY, 0, 0, NULL, NULL, NULL},
    {"count", SCHEMA_INT, 0, 0, 0, NULL, NULL, "count"},
    {"ok", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, "ok"},
    {"rating", SCHEMA_NUMBER, 0, 0, 0, NULL, NULL, "rating"},
    {"id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "id"},
    {"at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "at"},
    {"not_stored", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
};
static SCHEMA_DEFINE(every_type, fields);

static const char rows_sql[] =
    "SELECT 'plain', 42, 1, 4.5, '01890a5d-ac96-774b-bcce-b302099a8057',"
    "       '2026-11-24 09:00:00.5+00'"
    " UNION ALL SELECT 'say \"hi\" \\ back/slash', -7, 0, 0.1, NULL, 'not a time'"
    " UNION ALL SELECT 'tab' || char(9) || 'nl' || char(10) || 'cr' || char(13) || 'bs' ||"
    "       char(8) || 'ff' || char(12) || 'one' || char(1) || 'us' || char(31) || 'del' ||"
    "       char(127), 9223372036854775807, 1, 1e-05, '', '2026-11-24 11:00:00+02:00'"
    " UNION ALL SELECT 'é ü 中文 😀', 0, 0, 1e300, 'x', NULL"
    " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL"
    " UNION ALL SELECT '', 1, 1, -0.0, '', ''";

static void open_db(char dir[], char path[], core_db_pool **pool, core_db **db)
{
	char url[80];
	core_db_error err;
	assert_non_null(mkdtemp(dir));
	snprintf(path, 48, "%s/t.db", dir);
	snprintf(url, sizeof url, "sqlite:///%s", path);
	FILE *f = fopen(path, "w"); /* the service opens databases, never makes them */
	assert_non_null(f);
	fclose(f);
	assert_int_equal(core_db_pool_new(url, pool, &err), 0);
	*db = core_db_pool_get(*pool, &err);
	if (!*db)
		fail_msg("%s: %s", url, err.message);
}

static void close_db(char dir[], char path[], core_db_pool *pool)
{
	core_db_pool_free(pool);
	unlink(path);
	rmdir(dir);
}

static void text_is_the_trees_dump(void **state)
{
	(void)state;
	char dir[] = "/tmp/serialize-XXXXXX", path[48];
	core_db_pool *pool;
	core_db *db;
	core_db_error err;
	core_db_result *r;
	open_db(dir, path, &pool, &db);
	assert_int_equal(core_db_query(db, rows_sql, NULL, 0, &r, &err), 0);
	assert_int_equal(core_db_rows(r), 6);
	for (size_t row = 0; row < core_db_rows(r); row++) {
		json_t *tree = schema_serialize_row(&every_type, r, row);
		assert_non_null(tree);
		char *want = json_dumps(tree, JSON_COMPACT);
		json_decref(tree);
		rt_buf b = RT_BUF_INIT;
		assert_int_equal(schema_write_row(&b, &every_type, r, row), 0);
		assert_string_equal(b.data, want);
		free(want);
		rt_buf_release(&b);
	}
	core_db_result_free(r);
	close_db(dir, path, pool);
}

static void not_utf8_fails_both(void **state)
{
	(void)state;
	char dir[] = "/tmp/serialize-XXXXXX", path[48];
	core_db_pool *pool;
	core_db *db;
	core_db_error err;
	open_db(dir, path, &pool, &db);
	/* a lone continuation byte, an overlong '/', a surrogate, past U+10FFFF */
	static const char *const hex[] = {"80", "C0AF", "EDA080", "F4908080", "E282"};
	for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT CAST(X'61%s' AS TEXT), 1, 1, 1.0, NULL, NULL",
		         hex[i]);
		core_db_result *r;
		assert_int_equal(core_db_query(db, sql, NULL, 0, &r, &err), 0);
		json_t *tree = schema_serialize_row(&every_type, r, 0);
		assert_null(tree);
		rt_buf b = RT_BUF_INIT;
		assert_int_equal(schema_write_row(&b, &every_type, r, 0), -1);
		rt_buf_release(&b);
		core_db_result_free(r);
	}
	close_db(dir, path, pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_is_the_trees_dump),
	    cmocka_unit_test(not_utf8_fails_both),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
