/* test_render.c — rt__render_sql, rt__render_summary and rt__render_ident:
 * the exact SQL text and summary line of every op kind, the warning
 * comments, and when identifiers are quoted. Ops are built by hand over a
 * small fixture schema; a new case is a new row in a table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "autogen/render.h"
#include "banned.h"

static rt__arena arena;
static rt__schema fx; /* the fixture, built once */

static void set(const char **field, const char *v)
{
	assert_int_equal(rt__schema_set(&fx, field, v), 0);
}

static rt__column *col(const char *table, const char *name, const char *type, bool not_null)
{
	rt__column *c = rt__table_add_column(&fx, rt__schema_table(&fx, table), name, type);
	assert_non_null(c);
	c->not_null = not_null;
	return c;
}

static void enm(const char *name, const char *values)
{
	rt__enum *e = rt__schema_add_enum(&fx, name);
	assert_non_null(e);
	for (const char *v = values; *v; v += strlen(v) + 1)
		assert_int_equal(rt__enum_add_value(&fx, e, v), 0);
}

static void users(void)
{
	rt__table *t = rt__schema_add_table(&fx, "users");
	assert_non_null(t);
	set(&t->comment, "people who log in");
	set(&col("users", "id", "integer", true)->identity, "BY DEFAULT");
	col("users", "email", "character varying(255)", true);
	rt__column *c = col("users", "order", "text", false);
	set(&c->default_expr, "'x'::text");
	set(&c->comment, "it's ordered");
	t = rt__schema_table(&fx, "users");
	rt__constraint *k = rt__table_add_constraint(&fx, t, RT__CON_PRIMARY, "users_pkey");
	assert_non_null(k);
	assert_int_equal(rt__constraint_add_column(&fx, k, "id"), 0);
	k = rt__table_add_constraint(&fx, t, RT__CON_UNIQUE, NULL);
	assert_non_null(k);
	assert_int_equal(rt__constraint_add_column(&fx, k, "email"), 0);
	rt__index *ix = rt__table_add_index(&fx, t, "users_lower_email", true);
	assert_non_null(ix);
	assert_int_equal(rt__index_add_key(&fx, ix, "lower((email)::text)", true), 0);
	set(&ix->where, "(id > 0)");
}

static void posts(void)
{
	rt__table *t = rt__schema_add_table(&fx, "posts");
	assert_non_null(t);
	col("posts", "id", "integer", true);
	col("posts", "user_id", "integer", false);
	col("posts", "Tags", "text[]", false);
	t = rt__schema_table(&fx, "posts");
	rt__constraint *k = rt__table_add_constraint(&fx, t, RT__CON_FOREIGN, "posts_user_id_fkey");
	assert_non_null(k);
	assert_int_equal(rt__constraint_add_column(&fx, k, "user_id"), 0);
	assert_int_equal(rt__constraint_add_ref_column(&fx, k, "id"), 0);
	set(&k->ref_table, "users");
	set(&k->on_delete, "CASCADE");
	k->deferrable = true;
	k = rt__table_add_constraint(&fx, t, RT__CON_CHECK, "posts_id_check");
	assert_non_null(k);
	set(&k->check_expr, "id > 0");
	rt__index *ix = rt__table_add_index(&fx, t, "posts_user_id_idx", false);
	assert_non_null(ix);
	assert_int_equal(rt__index_add_key(&fx, ix, "user_id DESC", false), 0);
	assert_int_equal(rt__index_add_key(&fx, ix, "Tags", false), 0);
	ix = rt__table_add_index(&fx, t, "posts_tags_idx", false);
	assert_non_null(ix);
	set(&ix->method, "gin");
	assert_int_equal(rt__index_add_key(&fx, ix, "Tags", false), 0);
}

static int setup(void **state)
{
	(void)state;
	rt__arena_init(&arena);
	rt__schema_init(&fx, &arena, RT_DIALECT_POSTGRESQL);
	users();
	posts();
	enm("mood", "sad\0ok\0");
	enm("mood2", "meh\0sad\0ok\0happy\0");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rt__arena_release(&arena);
	return 0;
}

static const rt__table *tab(const char *name)
{
	return rt__schema_table(&fx, name);
}

static const rt__column *column(const char *table, const char *name)
{
	return rt__table_column(tab(table), name);
}

/* ---- one op per kind ----------------------------------------------------- */

typedef void (*build_fn)(rt__op *op);

static void create_table(rt__op *op)
{
	op->table = "users";
	op->after.table = tab("users");
}

static void drop_table(rt__op *op)
{
	op->table = "users";
	op->before.table = tab("users");
	op->destroys_data = true;
}

static void rename_table(rt__op *op)
{
	op->table = "users";
	op->new_name = "user";
}

static void add_column(rt__op *op)
{
	op->table = "users";
	op->column = "order";
	op->after.column = column("users", "order");
}

static void drop_column(rt__op *op)
{
	op->table = "posts";
	op->column = "Tags";
	op->before.column = column("posts", "Tags");
	op->destroys_data = true;
}

static void rename_column(rt__op *op)
{
	op->table = "posts";
	op->column = "Tags";
	op->new_name = "labels";
}

static void alter_type(rt__op *op)
{
	op->table = "posts";
	op->column = "user_id";
	op->before.column = column("posts", "id");
	op->after.column = column("users", "email");
}

static void on_user_id(rt__op *op)
{
	op->table = "posts";
	op->column = "user_id";
	op->before.column = column("posts", "user_id");
	op->after.column = column("users", "order");
}

static void add_constraint(rt__op *op)
{
	op->table = "posts";
	op->after.constraint = &tab("posts")->constraints[0];
}

static void add_check(rt__op *op)
{
	op->table = "posts";
	op->after.constraint = &tab("posts")->constraints[1];
}

static void add_unnamed(rt__op *op)
{
	op->table = "users";
	op->after.constraint = &tab("users")->constraints[1];
}

static void drop_unnamed(rt__op *op)
{
	op->table = "users";
	op->before.constraint = &tab("users")->constraints[1];
}

static void drop_pk(rt__op *op)
{
	op->table = "users";
	op->before.constraint = &tab("users")->constraints[0];
}

static void create_index(rt__op *op)
{
	op->table = "posts";
	op->after.index = &tab("posts")->indexes[0];
}

static void create_expr_index(rt__op *op)
{
	op->table = "users";
	op->after.index = &tab("users")->indexes[0];
}

static void create_gin_index(rt__op *op)
{
	op->table = "posts";
	op->after.index = &tab("posts")->indexes[1];
}

static void drop_index(rt__op *op)
{
	op->table = "posts";
	op->before.index = &tab("posts")->indexes[0];
}

static void create_enum(rt__op *op)
{
	op->after.enum_type = rt__schema_enum(&fx, "mood");
}

static void drop_enum(rt__op *op)
{
	op->before.enum_type = rt__schema_enum(&fx, "mood");
}

static void add_values(rt__op *op)
{
	op->before.enum_type = rt__schema_enum(&fx, "mood");
	op->after.enum_type = rt__schema_enum(&fx, "mood2");
}

static const rt__enum_use uses[] = {{"users", "mood", "'ok'::mood"}, {"posts", "m", NULL}};

static void recreate(rt__op *op)
{
	op->before.enum_type = rt__schema_enum(&fx, "mood2");
	op->after.enum_type = rt__schema_enum(&fx, "mood");
	op->uses = uses;
	op->nuses = 2;
	op->destroys_data = true;
}

static void table_comment(rt__op *op)
{
	op->table = "users";
	op->after.table = tab("users");
}

static void clear_column_comment(rt__op *op)
{
	op->table = "users";
	op->column = "order";
	op->before.column = column("users", "order");
}

static void rename_pair(rt__op *op)
{
	drop_column(op);
	op->rename_peer = "labels";
}

typedef struct render_case {
	const char *name;
	rt__op_kind kind;
	build_fn build;
	const char *sql;
	const char *summary;
} render_case;

static const render_case cases[] = {
    {"create table", RT__OP_CREATE_TABLE, create_table,
     "CREATE TABLE users (\n"
     "    id integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
     "    email character varying(255) NOT NULL,\n"
     "    \"order\" text DEFAULT 'x'::text,\n"
     "    CONSTRAINT users_pkey PRIMARY KEY (id),\n"
     "    UNIQUE (email)\n"
     ");\n"
     "CREATE UNIQUE INDEX users_lower_email ON users ((lower((email)::text))) WHERE (id > 0);\n"
     "COMMENT ON TABLE users IS 'people who log in';\n"
     "COMMENT ON COLUMN users.\"order\" IS 'it''s ordered';\n",
     "create table users"},
    {"drop table", RT__OP_DROP_TABLE, drop_table, "-- WARNING: drops data\nDROP TABLE users;\n",
     "drop table users (drops data)"},
    {"rename table", RT__OP_RENAME_TABLE, rename_table, "ALTER TABLE users RENAME TO \"user\";\n",
     "rename table users to user"},
    {"add column", RT__OP_ADD_COLUMN, add_column,
     "ALTER TABLE users ADD COLUMN \"order\" text DEFAULT 'x'::text;\n"
     "COMMENT ON COLUMN users.\"order\" IS 'it''s ordered';\n",
     "add column users.order"},
    {"drop column", RT__OP_DROP_COLUMN, drop_column,
     "-- WARNING: drops data\nALTER TABLE posts DROP COLUMN \"Tags\";\n",
     "drop column posts.Tags (drops data)"},
    {"rename column", RT__OP_RENAME_COLUMN, rename_column,
     "ALTER TABLE posts RENAME COLUMN \"Tags\" TO labels;\n", "rename column posts.Tags to labels"},
    {"alter type", RT__OP_ALTER_TYPE, alter_type,
     "ALTER TABLE posts ALTER COLUMN user_id TYPE character varying(255);\n",
     "alter column posts.user_id type integer -> character varying(255)"},
    {"set not null", RT__OP_SET_NOT_NULL, on_user_id,
     "ALTER TABLE posts ALTER COLUMN user_id SET NOT NULL;\n", "set not null on posts.user_id"},
    {"drop not null", RT__OP_DROP_NOT_NULL, on_user_id,
     "ALTER TABLE posts ALTER COLUMN user_id DROP NOT NULL;\n", "drop not null on posts.user_id"},
    {"set default", RT__OP_SET_DEFAULT, on_user_id,
     "ALTER TABLE posts ALTER COLUMN user_id SET DEFAULT 'x'::text;\n",
     "set default on posts.user_id"},
    {"drop default", RT__OP_DROP_DEFAULT, on_user_id,
     "ALTER TABLE posts ALTER COLUMN user_id DROP DEFAULT;\n", "drop default on posts.user_id"},
    {"add foreign key", RT__OP_ADD_CONSTRAINT, add_constraint,
     "ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES "
     "users (id) ON DELETE CASCADE DEFERRABLE;\n",
     "add foreign key posts_user_id_fkey on posts"},
    {"add check", RT__OP_ADD_CONSTRAINT, add_check,
     "ALTER TABLE posts ADD CONSTRAINT posts_id_check CHECK (id > 0);\n",
     "add check constraint posts_id_check on posts"},
    {"add unnamed unique", RT__OP_ADD_CONSTRAINT, add_unnamed,
     "ALTER TABLE users ADD UNIQUE (email);\n", "add unique constraint (email) on users"},
    {"drop unnamed unique", RT__OP_DROP_CONSTRAINT, drop_unnamed,
     "ALTER TABLE users DROP CONSTRAINT users_email_key;\n",
     "drop unique constraint (email) on users"},
    {"drop primary key", RT__OP_DROP_CONSTRAINT, drop_pk,
     "ALTER TABLE users DROP CONSTRAINT users_pkey;\n", "drop primary key users_pkey on users"},
    {"create index", RT__OP_CREATE_INDEX, create_index,
     "CREATE INDEX posts_user_id_idx ON posts (user_id DESC, \"Tags\");\n",
     "create index posts_user_id_idx on posts"},
    {"create expression index", RT__OP_CREATE_INDEX, create_expr_index,
     "CREATE UNIQUE INDEX users_lower_email ON users ((lower((email)::text))) WHERE (id > 0);\n",
     "create index users_lower_email on users"},
    {"create gin index", RT__OP_CREATE_INDEX, create_gin_index,
     "CREATE INDEX posts_tags_idx ON posts USING gin (\"Tags\");\n",
     "create index posts_tags_idx on posts"},
    {"drop index", RT__OP_DROP_INDEX, drop_index, "DROP INDEX posts_user_id_idx;\n",
     "drop index posts_user_id_idx on posts"},
    {"create enum", RT__OP_CREATE_ENUM, create_enum, "CREATE TYPE mood AS ENUM ('sad', 'ok');\n",
     "create enum type mood"},
    {"drop enum", RT__OP_DROP_ENUM, drop_enum, "DROP TYPE mood;\n", "drop enum type mood"},
    {"add enum values", RT__OP_ADD_ENUM_VALUE, add_values,
     "ALTER TYPE mood2 ADD VALUE 'meh' BEFORE 'sad';\nALTER TYPE mood2 ADD VALUE 'happy';\n",
     "add 'meh', 'happy' to enum type mood2"},
    {"recreate enum", RT__OP_RECREATE_ENUM, recreate,
     "-- WARNING: drops data\n"
     "ALTER TYPE mood RENAME TO mood__old;\n"
     "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
     "ALTER TABLE users ALTER COLUMN mood DROP DEFAULT;\n"
     "ALTER TABLE users ALTER COLUMN mood TYPE mood USING mood::text::mood;\n"
     "ALTER TABLE users ALTER COLUMN mood SET DEFAULT 'ok'::mood;\n"
     "ALTER TABLE posts ALTER COLUMN m TYPE mood USING m::text::mood;\n"
     "DROP TYPE mood__old;\n",
     "recreate enum type mood (drops data)"},
    {"table comment", RT__OP_SET_TABLE_COMMENT, table_comment,
     "COMMENT ON TABLE users IS 'people who log in';\n", "set comment on table users"},
    {"clear column comment", RT__OP_SET_COLUMN_COMMENT, clear_column_comment,
     "COMMENT ON COLUMN users.\"order\" IS NULL;\n", "set comment on column users.order"},
    {"possible rename", RT__OP_DROP_COLUMN, rename_pair,
     "-- WARNING: possible rename of posts.Tags to labels: to keep the data, replace this "
     "DROP COLUMN and the ADD COLUMN labels with\n"
     "-- ALTER TABLE posts RENAME COLUMN \"Tags\" TO labels;\n"
     "-- WARNING: drops data\n"
     "ALTER TABLE posts DROP COLUMN \"Tags\";\n",
     "drop column posts.Tags (drops data)"},
};

static void run_case(void **state)
{
	const render_case *c = *state;
	rt__ops ops;
	rt__ops_init(&ops, &arena);
	rt__op *op = rt__ops_add(&ops, c->kind);
	assert_non_null(op);
	c->build(op);
	assert_int_equal(op->destroys_data, rt__op_destroys_data(op));
	rt_buf b = RT_BUF_INIT;
	assert_int_equal(rt__render_sql(&b, &ops, RT_DIALECT_POSTGRESQL), 0);
	assert_string_equal(b.data, c->sql);
	rt_buf_reset(&b);
	assert_int_equal(rt__render_summary(&b, op), 0);
	assert_string_equal(b.data, c->summary);
	rt_buf_release(&b);
}

/* Every op kind has at least one row above. */
static void test_every_kind_covered(void **state)
{
	(void)state;
	bool seen[RT__OP__COUNT] = {false};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		seen[cases[i].kind] = true;
	for (int k = 0; k < RT__OP__COUNT; k++)
		assert_true(seen[k]);
}

static void test_ident(void **state)
{
	(void)state;
	static const struct {
		const char *name, *want;
	} rows[] = {
	    {"users", "users"},
	    {"user", "\"user\""},
	    {"order", "\"order\""},
	    {"Users", "\"Users\""},
	    {"_x1", "_x1"},
	    {"1x", "\"1x\""},
	    {"a b", "\"a b\""},
	    {"a\"b", "\"a\"\"b\""},
	    {"", "\"\""},
	    {"all", "\"all\""},
	    {"with", "\"with\""},
	    {"withdrawn", "withdrawn"},
	    {"phone_number", "phone_number"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rt_buf b = RT_BUF_INIT;
		assert_int_equal(rt__render_ident(&b, rows[i].name), 0);
		assert_string_equal(b.data, rows[i].want);
		rt_buf_release(&b);
	}
}

/* SQLite's AUTOINCREMENT goes on the column, so the table has no separate
 * primary key clause. */
static void test_autoincrement(void **state)
{
	(void)state;
	rt__schema s;
	rt__schema_init(&s, &arena, RT_DIALECT_SQLITE);
	rt__table *t = rt__schema_add_table(&s, "jobs");
	assert_non_null(t);
	rt__column *c = rt__table_add_column(&s, t, "id", "INTEGER");
	assert_non_null(c);
	c->autoincrement = true;
	c->not_null = true;
	rt__constraint *k = rt__table_add_constraint(&s, t, RT__CON_PRIMARY, NULL);
	assert_non_null(k);
	assert_int_equal(rt__constraint_add_column(&s, k, "id"), 0);
	rt__ops ops;
	rt__ops_init(&ops, &arena);
	rt__op *op = rt__ops_add(&ops, RT__OP_CREATE_TABLE);
	assert_non_null(op);
	op->table = "jobs";
	op->after.table = t;
	rt_buf b = RT_BUF_INIT;
	assert_int_equal(rt__render_sql(&b, &ops, RT_DIALECT_SQLITE), 0);
	assert_string_equal(
	    b.data, "CREATE TABLE jobs (\n    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT\n);\n");
	rt_buf_release(&b);
}

/* A buffer limit makes rendering fail cleanly, keeping what was there. */
static void test_limit(void **state)
{
	(void)state;
	rt__ops ops;
	rt__ops_init(&ops, &arena);
	rt__op *op = rt__ops_add(&ops, RT__OP_CREATE_TABLE);
	assert_non_null(op);
	create_table(op);
	rt_buf b;
	rt_buf_init(&b, 40);
	assert_int_equal(rt_buf_puts(&b, "-- head\n"), 0);
	assert_int_equal(rt__render_sql(&b, &ops, RT_DIALECT_SQLITE), -RT_ERR_NOMEM);
	assert_string_equal(b.data, "-- head\n");
	rt_buf_release(&b);
}

int main(void)
{
	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	struct CMUnitTest tests[NCASES + 4];
	for (size_t i = 0; i < NCASES; i++)
		tests[i] =
		    (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
	tests[NCASES] = (struct CMUnitTest)cmocka_unit_test(test_every_kind_covered);
	tests[NCASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_ident);
	tests[NCASES + 2] = (struct CMUnitTest)cmocka_unit_test(test_limit);
	tests[NCASES + 3] = (struct CMUnitTest)cmocka_unit_test(test_autoincrement);
	return _cmocka_run_group_tests("render", tests, NCASES + 4, setup, teardown);
}
