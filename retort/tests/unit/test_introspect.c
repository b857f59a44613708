/* test_introspect.c — SQLite introspection (in-memory databases) compared
 * through the canonical dump, the dump of hand-built models, and the
 * constant number of catalog queries. A new SQLite case is a new row in
 * `cases`: the DDL to run and the dump it must introspect to.
 * PostgreSQL introspection needs a server; it is exercised end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dialect/dialect.h"
#include "schema/dump.h"
#include "schema/model.h"
#include "banned.h"

typedef struct intro_case {
	const char *name;
	const char *ddl;
	const char *dump;
} intro_case;

static const intro_case cases[] = {
    {"columns, defaults, autoincrement",
     "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT,"
     " email VARCHAR(255) NOT NULL, name TEXT DEFAULT 'it''s',"
     " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, n numeric(10, 2) DEFAULT (1 + 2));",
     "table users\n"
     "  column created_at TIMESTAMP default CURRENT_TIMESTAMP\n"
     "  column email VARCHAR(255) not null\n"
     "  column id INTEGER autoincrement\n"
     "  column n numeric(10, 2) default (1 + 2)\n"
     "  column name TEXT default 'it''s'\n"
     "  primary key (id)\n"},
    {"composite primary key keeps key order",
     "CREATE TABLE m (a INT, b INT, c INT NOT NULL, PRIMARY KEY (c, a));",
     "table m\n"
     "  column a INT\n"
     "  column b INT\n"
     "  column c INT not null\n"
     "  primary key (c, a)\n"},
    {"integer primary key without autoincrement",
     "CREATE TABLE t (id integer primary key, note text /* autoincrement */);",
     "table t\n"
     "  column id INTEGER\n" /* SQLite upper-cases the types it knows */
     "  column note TEXT\n"
     "  primary key (id)\n"},
    {"without rowid: the pk index is not an index",
     "CREATE TABLE k (code TEXT PRIMARY KEY, v INT) WITHOUT ROWID;",
     "table k\n"
     "  column code TEXT not null\n"
     "  column v INT\n"
     "  primary key (code)\n"},
    {"foreign keys with actions, multi-column, implicit parent key",
     "CREATE TABLE p (id INTEGER PRIMARY KEY, a INT, b INT, UNIQUE (a, b));"
     "CREATE TABLE c (id INTEGER PRIMARY KEY,"
     " pid INT REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL,"
     " qid INT REFERENCES p, x INT, y INT,"
     " FOREIGN KEY (x, y) REFERENCES p (a, b) ON DELETE RESTRICT);",
     "table c\n"
     "  column id INTEGER\n"
     "  column pid INT\n"
     "  column qid INT\n"
     "  column x INT\n"
     "  column y INT\n"
     "  foreign key (pid) references p (id) on delete CASCADE on update SET NULL\n"
     "  foreign key (qid) references p (id)\n"
     "  foreign key (x, y) references p (a, b) on delete RESTRICT\n"
     "  primary key (id)\n"
     "table p\n"
     "  column a INT\n"
     "  column b INT\n"
     "  column id INTEGER\n"
     "  primary key (id)\n"
     "  unique (a, b)\n"},
    {"unique constraints are constraints, not indexes",
     "CREATE TABLE u (email TEXT UNIQUE, a INT, b INT, CONSTRAINT uq_ab UNIQUE (b, a));",
     "table u\n"
     "  column a INT\n"
     "  column b INT\n"
     "  column email TEXT\n"
     "  unique (email)\n"
     "  unique uq_ab (b, a)\n"},
    {"indexes: unique, desc, partial, expression",
     "CREATE TABLE t (a INT, b INT, name TEXT);"
     "CREATE INDEX ix_a ON t (a);"
     "CREATE UNIQUE INDEX ix_b ON t (b DESC, a ASC);"
     "CREATE INDEX ix_p ON t (a)  WHERE a > 0 AND name IS NOT NULL ;"
     "CREATE INDEX ix_e ON t (lower(name) DESC, a);",
     "table t\n"
     "  column a INT\n"
     "  column b INT\n"
     "  column name TEXT\n"
     "  index ix_a (a)\n"
     "  index ix_b unique (b DESC, a)\n"
     "  index ix_e ((lower(name)) DESC, a)\n"
     "  index ix_p (a) where a > 0 AND name IS NOT NULL\n"},
    {"quoted names, comments and parentheses in index text",
     "CREATE TABLE \"t(x)\" (\"a b\" TEXT, c INT);"
     "CREATE INDEX \"ix (odd)\" ON \"t(x)\" /* (a, */ (\"a b\", (c + 1), substr(\"a b\", 1, 2))"
     " WHERE c IN (1, 2) -- tail\n;",
     "table \"t(x)\"\n"
     "  column \"a b\" TEXT\n"
     "  column c INT\n"
     "  index \"ix (odd)\" (\"a b\", (c + 1), (substr(\"a b\", 1, 2))) where c IN (1, 2)\n"},
    {"an expression key in parentheses, as retort writes it, is the same key",
     "CREATE TABLE t (a TEXT, b INT);"
     "CREATE INDEX ix_p ON t ((lower(a)) DESC, (b + 1), (a) || (a));",
     "table t\n"
     "  column a TEXT\n"
     "  column b INT\n"
     "  index ix_p ((lower(a)) DESC, (b + 1), ((a) || (a)))\n"},
    {"skipped tables, views and sqlite_ tables are left out",
     "CREATE TABLE retort_version (version_num TEXT);"
     "CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT);"
     "CREATE VIEW v AS SELECT id FROM s;",
     "table s\n"
     "  column id INTEGER autoincrement\n"
     "  primary key (id)\n"},
    {"checks, constraint names, deferrable, normalised spelling",
     "CREATE TABLE p (id INTEGER CONSTRAINT p_pk PRIMARY KEY);"
     "CREATE TABLE c (id INT, pid INT, n INT default current_timestamp CHECK (n>0),"
     " CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,"
     " CONSTRAINT ck_two CHECK (n  <  10 or id is null));"
     "CREATE INDEX ix_c ON c (lower( id ) desc) where n   >  1;",
     "table c\n"
     "  check (n > 0)\n"
     "  check ck_two (n < 10 OR id IS NULL)\n"
     "  column id INT\n"
     "  column n INT default CURRENT_TIMESTAMP\n"
     "  column pid INT\n"
     "  foreign key fk_p (pid) references p (id) deferrable initially deferred\n"
     "  index ix_c ((lower(id)) DESC) where n > 1\n"
     "table p\n"
     "  column id INTEGER\n"
     "  primary key (id)\n"},
    {"empty database", "", ""},
};

static const char *const skip[] = {"retort_version", "retort_log"};

typedef struct fixture {
	rt_url url;
	rt__db *db;
	rt__arena arena;
	rt__schema schema;
	rt_buf dump;
} fixture;

static void open_memory(fixture *f)
{
	rt_error err;
	memset(f, 0, sizeof(*f));
	assert_int_equal(rt_url_parse("sqlite://", &f->url, &err), 0);
	assert_int_equal(rt__db_connect(&f->url, &f->db, &err), 0);
	rt__arena_init(&f->arena);
	rt__schema_init(&f->schema, &f->arena, RT_DIALECT_SQLITE);
	rt_buf_init(&f->dump, 0);
}

static void close_memory(fixture *f)
{
	rt_buf_release(&f->dump);
	rt__arena_release(&f->arena);
	rt__db_close(f->db);
	rt_url_release(&f->url);
}

static void introspect(fixture *f)
{
	rt_error err;
	rt_error_clear(&err);
	int rc = f->db->ops->introspect(f->db, NULL, skip, 2, &f->schema, &err);
	if (rc)
		fail_msg("introspect: %s", err.message);
	assert_int_equal(rt__schema_dump(&f->schema, &f->dump), 0);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture f;
		rt_error err;
		open_memory(&f);
		if (f.db->ops->exec(f.db, cases[i].ddl, &err))
			fail_msg("%s: %s", cases[i].name, err.message);
		introspect(&f);
		if (strcmp(f.dump.data, cases[i].dump))
			fail_msg("%s: got\n%s\nwant\n%s", cases[i].name, f.dump.data,
			         cases[i].dump);
		close_memory(&f);
	}
}

/* The same catalog round trips for one table as for a hundred. */
static unsigned long queries_for(int ntables)
{
	fixture f;
	rt_error err;
	open_memory(&f);
	for (int i = 0; i < ntables; i++) {
		char sql[256];
		snprintf(sql, sizeof(sql),
		         "CREATE TABLE t%d (id INTEGER PRIMARY KEY, p INT REFERENCES t0 (id),"
		         " u TEXT UNIQUE); CREATE INDEX ix%d ON t%d (p);",
		         i, i, i);
		assert_int_equal(f.db->ops->exec(f.db, sql, &err), 0);
	}
	introspect(&f);
	assert_int_equal(f.schema.ntables, (size_t)ntables);
	unsigned long n = f.db->queries;
	close_memory(&f);
	return n;
}

static void test_constant_queries(void **state)
{
	(void)state;
	unsigned long one = queries_for(1);
	assert_true(one > 0);
	assert_int_equal(queries_for(100), one);
}

/* Parts of a model as PostgreSQL would report it, added in either order. */
static void add_enums(rt__schema *s)
{
	static const char *const defs[][3] = {{"mood", "sad", "it's"}, {"zeta", "b", "a"}};
	for (size_t i = 0; i < 2; i++) {
		rt__enum *e = rt__schema_add_enum(s, defs[i][0]);
		assert_non_null(e);
		assert_int_equal(rt__enum_add_value(s, e, defs[i][1]), 0);
		assert_int_equal(rt__enum_add_value(s, e, defs[i][2]), 0);
	}
}

static void add_columns(rt__schema *s, rt__table *t)
{
	rt__column *c = rt__table_add_column(s, t, "id", "bigint");
	assert_non_null(c);
	c->not_null = true;
	c->identity = "BY DEFAULT";
	c = rt__table_add_column(s, t, "email", "text");
	assert_non_null(c);
	c->default_expr = "'x'::text";
	c->comment = "address";
}

static void add_constraints(rt__schema *s, rt__table *t)
{
	rt__constraint *k = rt__table_add_constraint(s, t, RT__CON_FOREIGN, "fk");
	assert_non_null(k);
	assert_int_equal(rt__constraint_add_column(s, k, "email"), 0);
	assert_int_equal(rt__constraint_add_ref_column(s, k, "addr"), 0);
	k->ref_table = "mail";
	k->on_delete = "SET NULL";
	k->deferrable = k->initially_deferred = true;
	k = rt__table_add_constraint(s, t, RT__CON_PRIMARY, "Users_pkey");
	assert_non_null(k);
	assert_int_equal(rt__constraint_add_column(s, k, "id"), 0);
	k = rt__table_add_constraint(s, t, RT__CON_CHECK, "ck");
	assert_non_null(k);
	k->check_expr = "length(email) > 3";
}

static void add_indexes(rt__schema *s, rt__table *t)
{
	rt__index *ix = rt__table_add_index(s, t, "ix_plain", false);
	assert_non_null(ix);
	assert_int_equal(rt__index_add_key(s, ix, "id", false), 0);
	ix->method = "btree";
	ix = rt__table_add_index(s, t, "ix", true);
	assert_non_null(ix);
	assert_int_equal(rt__index_add_key(s, ix, "lower(email)", true), 0);
	assert_int_equal(rt__index_add_key(s, ix, "ID DESC NULLS LAST", false), 0);
	ix->method = "gin";
	ix->where = "id > 0";
}

/* The model with its parts in order, or with every kind of object added in
 * another order (and one more table that sorts after "Users"). */
static void build(rt__schema *s, bool reversed)
{
	if (!reversed)
		add_enums(s);
	rt__table *t = rt__schema_add_table(s, reversed ? "a_last" : "Users");
	assert_non_null(t);
	if (reversed)
		t = rt__schema_add_table(s, "Users");
	assert_non_null(t);
	assert_int_equal(rt__schema_set(s, &t->comment, "people\nand 'others'"), 0);
	if (!reversed) {
		add_columns(s, t);
		add_constraints(s, t);
		add_indexes(s, t);
		return;
	}
	add_indexes(s, t);
	add_constraints(s, t);
	add_columns(s, t);
	add_enums(s);
	rt__enum e = s->enums[0];
	s->enums[0] = s->enums[1];
	s->enums[1] = e;
	rt__column c = t->columns[0];
	t->columns[0] = t->columns[1];
	t->columns[1] = c;
	rt__index ix = t->indexes[0];
	t->indexes[0] = t->indexes[1];
	t->indexes[1] = ix;
}

static void test_dump_model(void **state)
{
	(void)state;
	static const char want[] =
	    "enum mood ('sad', 'it''s')\n"
	    "enum zeta ('b', 'a')\n"
	    "table \"Users\"\n"
	    "  check ck (length(email) > 3)\n"
	    "  column email text default 'x'::text comment 'address'\n"
	    "  column id bigint not null generated BY DEFAULT as identity\n"
	    "  comment 'people\\nand ''others'''\n"
	    "  foreign key fk (email) references mail (addr) on delete SET NULL deferrable"
	    " initially deferred\n"
	    "  index ix unique using gin ((lower(email)), \"ID\" DESC NULLS LAST) where id > 0\n"
	    "  index ix_plain (id)\n"
	    "  primary key (id)\n";
	rt_buf out[2] = {RT_BUF_INIT, RT_BUF_INIT};
	for (int r = 0; r < 2; r++) {
		rt__arena a;
		rt__arena_init(&a);
		rt__schema s;
		rt__schema_init(&s, &a, RT_DIALECT_POSTGRESQL);
		build(&s, r == 1);
		assert_int_equal(rt__schema_dump(&s, &out[r]), 0);
		rt__arena_release(&a);
	}
	assert_string_equal(out[0].data, want);
	rt_buf more = RT_BUF_INIT;
	assert_int_equal(rt_buf_printf(&more, "%stable a_last\n", want), 0);
	assert_string_equal(out[1].data, more.data);
	rt_buf_release(&more);
	rt_buf_release(&out[0]);
	rt_buf_release(&out[1]);
}

static void test_dump_empty(void **state)
{
	(void)state;
	rt__arena a;
	rt__arena_init(&a);
	rt__schema s;
	rt__schema_init(&s, &a, RT_DIALECT_SQLITE);
	rt_buf out = RT_BUF_INIT;
	assert_int_equal(rt__schema_dump(&s, &out), 0);
	assert_string_equal(out.data, "");
	rt_buf_release(&out);
	rt__arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_constant_queries),
	    cmocka_unit_test(test_dump_model),
	    cmocka_unit_test(test_dump_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
