/* test_compare.c — rt__compare, rt__ops_order and rt__ops_inverse on
 * hand-built schemas. Each case starts both sides from the same base
 * schema, changes the database side and/or the model side, and lists the
 * summary lines of the ops it expects, in order. Every case also checks
 * that inverting twice gives the ops back and, where no rename annotation
 * is involved, that the downgrade holds the same ops as comparing the other
 * way round. A new case is a new row in the table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "autogen/compare.h"
#include "autogen/order.h"
#include "autogen/render.h"
#include "banned.h"

/* ---- builders ------------------------------------------------------------ */

static rt__table *T(rt__schema *s, const char *name)
{
	rt__table *t = rt__schema_table(s, name);
	if (!t)
		t = rt__schema_add_table(s, name);
	assert_non_null(t);
	return t;
}

static rt__column *col(rt__schema *s, const char *table, const char *name, const char *type,
                       bool not_null, const char *def)
{
	rt__column *c = rt__table_add_column(s, T(s, table), name, type);
	assert_non_null(c);
	c->not_null = not_null;
	assert_int_equal(rt__schema_set(s, &c->default_expr, def), 0);
	return c;
}

static rt__constraint *con(rt__schema *s, const char *table, rt__con_kind kind, const char *name,
                           const char *column)
{
	rt__constraint *c = rt__table_add_constraint(s, T(s, table), kind, name);
	assert_non_null(c);
	if (column)
		assert_int_equal(rt__constraint_add_column(s, c, column), 0);
	return c;
}

static rt__constraint *fk(rt__schema *s, const char *table, const char *name, const char *column,
                          const char *ref, const char *on_delete)
{
	rt__constraint *c = con(s, table, RT__CON_FOREIGN, name, column);
	assert_int_equal(rt__schema_set(s, &c->ref_table, ref), 0);
	assert_int_equal(rt__constraint_add_ref_column(s, c, "id"), 0);
	assert_int_equal(rt__schema_set(s, &c->on_delete, on_delete), 0);
	return c;
}

static rt__index *idx(rt__schema *s, const char *table, const char *name, const char *key,
                      const char *where)
{
	rt__index *ix = rt__table_add_index(s, T(s, table), name, false);
	assert_non_null(ix);
	assert_int_equal(rt__index_add_key(s, ix, key, false), 0);
	assert_int_equal(rt__schema_set(s, &ix->where, where), 0);
	return ix;
}

static void enm(rt__schema *s, const char *name, const char *values)
{
	rt__enum *e = rt__schema_add_enum(s, name);
	assert_non_null(e);
	for (const char *v = values; *v; v += strlen(v) + 1)
		assert_int_equal(rt__enum_add_value(s, e, v), 0);
}

/* Removes the named table / column / constraint / index / enum. */
static void drop_table(rt__schema *s, const char *name)
{
	rt__table *t = rt__schema_table(s, name);
	assert_non_null(t);
	size_t i = (size_t)(t - s->tables);
	memmove(t, t + 1, (s->ntables - i - 1) * sizeof(*t));
	s->ntables--;
}

static void drop_column(rt__schema *s, const char *table, const char *name)
{
	rt__table *t = T(s, table);
	rt__column *c = rt__table_column(t, name);
	assert_non_null(c);
	memmove(c, c + 1, (t->ncolumns - (size_t)(c - t->columns) - 1) * sizeof(*c));
	t->ncolumns--;
}

static void drop_constraint(rt__schema *s, const char *table, size_t i)
{
	rt__table *t = T(s, table);
	assert_true(i < t->nconstraints);
	memmove(&t->constraints[i], &t->constraints[i + 1],
	        (t->nconstraints - i - 1) * sizeof(rt__constraint));
	t->nconstraints--;
}

/* users(id pk, email unique, name) and posts(id pk, user_id -> users). */
static void base(rt__schema *s)
{
	col(s, "users", "id", "integer", true, NULL);
	col(s, "users", "email", "character varying(255)", true, NULL);
	col(s, "users", "name", "text", false, NULL);
	con(s, "users", RT__CON_PRIMARY, "users_pkey", "id");
	con(s, "users", RT__CON_UNIQUE, "users_email_key", "email");
	idx(s, "users", "users_name_idx", "name", NULL);
	col(s, "posts", "id", "integer", true, NULL);
	col(s, "posts", "user_id", "integer", false, NULL);
	col(s, "posts", "title", "text", false, NULL);
	con(s, "posts", RT__CON_PRIMARY, "posts_pkey", "id");
	fk(s, "posts", "posts_user_id_fkey", "user_id", "users", "CASCADE");
}

/* ---- changes ------------------------------------------------------------- */

static void add_tags(rt__schema *s)
{
	col(s, "tags", "id", "integer", true, NULL);
	con(s, "tags", RT__CON_PRIMARY, "tags_pkey", "id");
	idx(s, "tags", "tags_id_idx", "id", NULL);
}

static void drop_posts(rt__schema *s)
{
	drop_table(s, "posts");
}

static void rename_users(rt__schema *s)
{
	rt__table *t = T(s, "users");
	assert_int_equal(rt__schema_set(s, &t->name, "people"), 0);
	assert_int_equal(rt__schema_set(s, &t->renamed_from, "users"), 0);
	rt__constraint *f = &T(s, "posts")->constraints[1];
	assert_int_equal(rt__schema_set(s, &f->ref_table, "people"), 0);
}

static void add_phone(rt__schema *s)
{
	col(s, "users", "phone", "character varying(20)", false, NULL);
}

static void drop_name(rt__schema *s)
{
	drop_column(s, "users", "name");
	T(s, "users")->nindexes = 0;
}

static void name_to_full_name(rt__schema *s)
{
	drop_column(s, "users", "name");
	col(s, "users", "full_name", "text", false, NULL);
	T(s, "users")->nindexes = 0;
	idx(s, "users", "users_name_idx", "full_name", NULL);
}

static void name_to_number(rt__schema *s)
{
	drop_column(s, "users", "name");
	col(s, "users", "number", "integer", false, NULL);
	T(s, "users")->nindexes = 0;
}

static void annotated_rename(rt__schema *s)
{
	rt__column *c = rt__table_column(T(s, "users"), "name");
	assert_int_equal(rt__schema_set(s, &c->name, "full_name"), 0);
	assert_int_equal(rt__schema_set(s, &c->renamed_from, "name"), 0);
	assert_int_equal(rt__schema_set(s, &T(s, "users")->indexes[0].keys[0], "full_name"), 0);
}

static void annotated_rename_not_null(rt__schema *s)
{
	annotated_rename(s);
	rt__table_column(T(s, "users"), "full_name")->not_null = true;
}

static void name_varchar(rt__schema *s)
{
	rt__table_column(T(s, "users"), "name")->type = "character varying(100)";
}

static void name_not_null(rt__schema *s)
{
	rt__table_column(T(s, "users"), "name")->not_null = true;
}

static void name_default(rt__schema *s)
{
	rt__table_column(T(s, "users"), "name")->default_expr = "'anon'::text";
}

static void name_other_default(rt__schema *s)
{
	rt__table_column(T(s, "users"), "name")->default_expr = "'nobody'::text";
}

static void no_email_key(rt__schema *s)
{
	drop_constraint(s, "users", 1);
}

static void email_key_on_name(rt__schema *s)
{
	T(s, "users")->constraints[1].columns[0] = "name";
}

static void fk_set_null(rt__schema *s)
{
	T(s, "posts")->constraints[1].on_delete = "SET NULL";
}

static void check_title(rt__schema *s)
{
	con(s, "posts", RT__CON_CHECK, "posts_title_check", NULL)->check_expr =
	    "(length(title) > 0)";
}

static void unnamed(rt__schema *s)
{
	for (size_t i = 0; i < s->ntables; i++)
		for (size_t j = 0; j < s->tables[i].nconstraints; j++)
			s->tables[i].constraints[j].name = NULL;
}

static void unnamed_fk_restrict(rt__schema *s)
{
	unnamed(s);
	fk_set_null(s);
}

static void title_index(rt__schema *s)
{
	idx(s, "posts", "posts_title_idx", "title", NULL);
}

static void partial_name_index(rt__schema *s)
{
	T(s, "users")->indexes[0].where = "(name IS NOT NULL)";
}

static void mood(rt__schema *s)
{
	enm(s, "mood", "sad\0ok\0");
	col(s, "users", "mood", "mood", false, "'ok'::mood");
}

static void mood_more(rt__schema *s)
{
	enm(s, "mood", "meh\0sad\0ok\0happy\0");
	col(s, "users", "mood", "mood", false, "'ok'::mood");
}

static void mood_fewer(rt__schema *s)
{
	enm(s, "mood", "ok\0");
	col(s, "users", "mood", "mood", false, "'ok'::mood");
}

static void mood_reordered(rt__schema *s)
{
	enm(s, "mood", "ok\0sad\0");
	col(s, "users", "mood", "mood", false, "'ok'::mood");
}

static void mood_only_type(rt__schema *s)
{
	enm(s, "mood", "sad\0ok\0");
}

static void comments(rt__schema *s)
{
	T(s, "users")->comment = "people who log in";
	rt__table_column(T(s, "users"), "email")->comment = "login name";
}

/* c -> b -> a, declared referencing-first. */
static void chain(rt__schema *s)
{
	col(s, "c", "id", "integer", true, NULL);
	fk(s, "c", "c_b_fkey", "id", "b", NULL);
	col(s, "b", "id", "integer", true, NULL);
	fk(s, "b", "b_a_fkey", "id", "a", NULL);
	col(s, "a", "id", "integer", true, NULL);
	con(s, "a", RT__CON_PRIMARY, "a_pkey", "id");
}

static void cycle(rt__schema *s)
{
	col(s, "x", "id", "integer", true, NULL);
	fk(s, "x", "x_y_fkey", "id", "y", NULL);
	col(s, "y", "id", "integer", true, NULL);
	fk(s, "y", "y_x_fkey", "id", "x", NULL);
}

/* Declared w, x, y, z: w waits for z and y for w, so the first ready table
 * in declared order goes next: x, z, w, y. */
static void waiting(rt__schema *s)
{
	col(s, "w", "id", "integer", true, NULL);
	fk(s, "w", "w_z_fkey", "id", "z", NULL);
	col(s, "x", "id", "integer", true, NULL);
	col(s, "y", "id", "integer", true, NULL);
	fk(s, "y", "y_w_fkey", "id", "w", NULL);
	col(s, "z", "id", "integer", true, NULL);
}

/* A cycle m <-> n, and o waiting for m: m goes first without its key to n. */
static void cycle_and_waiting(rt__schema *s)
{
	col(s, "m", "id", "integer", true, NULL);
	fk(s, "m", "m_n_fkey", "id", "n", NULL);
	col(s, "n", "id", "integer", true, NULL);
	fk(s, "n", "n_m_fkey", "id", "m", NULL);
	col(s, "o", "id", "integer", true, NULL);
	fk(s, "o", "o_m_fkey", "id", "m", NULL);
}

static void posts_author(rt__schema *s)
{
	add_tags(s);
	col(s, "posts", "tag_id", "integer", false, NULL);
	fk(s, "posts", "posts_tag_id_fkey", "tag_id", "tags", NULL);
}

typedef void (*change)(rt__schema *s);

typedef struct diff_case {
	const char *name;
	change db, models;
	bool symmetric; /* comparing models to db gives the downgrade's ops */
	size_t nwarnings;
	const char *want[8];
} diff_case;

static const diff_case cases[] = {
    {"no change", NULL, NULL, true, 0, {NULL}},
    {"create table", NULL, add_tags, true, 0, {"create table tags"}},
    {"drop table", NULL, drop_posts, true, 0, {"drop table posts (drops data)"}},
    {"drop referenced table after its fk, before the column",
     posts_author,
     NULL,
     true,
     0,
     {"drop foreign key posts_tag_id_fkey on posts", "drop table tags (drops data)",
      "drop column posts.tag_id (drops data)"}},
    {"applied annotation is ignored", annotated_rename, annotated_rename, true, 0, {NULL}},
    {"rename table", NULL, rename_users, false, 0, {"rename table users to people"}},
    {"add column", NULL, add_phone, true, 0, {"add column users.phone"}},
    {"drop column",
     NULL,
     drop_name,
     true,
     0,
     {"drop index users_name_idx on users", "drop column users.name (drops data)"}},
    {"unannotated rename warns",
     NULL,
     name_to_full_name,
     true,
     1,
     {"drop index users_name_idx on users", "drop column users.name (drops data)",
      "add column users.full_name", "create index users_name_idx on users"}},
    {"drop+add of another type does not warn",
     NULL,
     name_to_number,
     true,
     0,
     {"drop index users_name_idx on users", "drop column users.name (drops data)",
      "add column users.number"}},
    {"annotated rename",
     NULL,
     annotated_rename,
     false,
     0,
     {"rename column users.name to full_name"}},
    {"annotated rename then compared",
     NULL,
     annotated_rename_not_null,
     false,
     0,
     {"rename column users.name to full_name", "set not null on users.full_name"}},
    {"alter type",
     NULL,
     name_varchar,
     true,
     0,
     {"alter column users.name type text -> character varying(100)"}},
    {"set not null", NULL, name_not_null, true, 0, {"set not null on users.name"}},
    {"drop not null", name_not_null, NULL, true, 0, {"drop not null on users.name"}},
    {"set default", NULL, name_default, true, 0, {"set default on users.name"}},
    {"drop default", name_default, NULL, true, 0, {"drop default on users.name"}},
    {"change default", name_default, name_other_default, true, 0, {"set default on users.name"}},
    {"add unique", no_email_key, NULL, true, 0, {"add unique constraint users_email_key on users"}},
    {"drop unique",
     NULL,
     no_email_key,
     true,
     0,
     {"drop unique constraint users_email_key on users"}},
    {"changed unique is drop+add",
     NULL,
     email_key_on_name,
     true,
     0,
     {"drop unique constraint users_email_key on users",
      "add unique constraint users_email_key on users"}},
    {"fk action change",
     NULL,
     fk_set_null,
     true,
     0,
     {"drop foreign key posts_user_id_fkey on posts",
      "add foreign key posts_user_id_fkey on posts"}},
    {"add check", NULL, check_title, true, 0, {"add check constraint posts_title_check on posts"}},
    {"unnamed side matches by definition", unnamed, NULL, true, 0, {NULL}},
    {"unnamed changed",
     unnamed,
     unnamed_fk_restrict,
     true,
     0,
     {"drop foreign key (user_id) on posts", "add foreign key (user_id) on posts"}},
    {"create index", NULL, title_index, true, 0, {"create index posts_title_idx on posts"}},
    {"drop index", title_index, NULL, true, 0, {"drop index posts_title_idx on posts"}},
    {"changed index is drop+create",
     NULL,
     partial_name_index,
     true,
     0,
     {"drop index users_name_idx on users", "create index users_name_idx on users"}},
    {"create enum before its column",
     NULL,
     mood,
     true,
     0,
     {"create enum type mood", "add column users.mood"}},
    {"drop enum after its column",
     mood,
     NULL,
     true,
     0,
     {"drop column users.mood (drops data)", "drop enum type mood"}},
    {"enum values added", mood, mood_more, true, 0, {"add 'meh', 'happy' to enum type mood"}},
    {"enum value removed", mood, mood_fewer, true, 0, {"recreate enum type mood (drops data)"}},
    {"enum reordered", mood, mood_reordered, true, 0, {"recreate enum type mood"}},
    {"unused enum", NULL, mood_only_type, true, 0, {"create enum type mood"}},
    {"comments",
     NULL,
     comments,
     true,
     0,
     {"set comment on table users", "set comment on column users.email"}},
    {"fk chain created referenced-first",
     NULL,
     chain,
     true,
     0,
     {"create table a", "create table b", "create table c"}},
    {"fk order takes the first ready table",
     NULL,
     waiting,
     true,
     0,
     {"create table x", "create table z", "create table w", "create table y"}},
    {"fk cycle broken at the first waiting table",
     NULL,
     cycle_and_waiting,
     false,
     0,
     {"create table m", "create table n", "create table o", "add foreign key m_n_fkey on m"}},
    {"fk chain dropped referencing-first",
     chain,
     NULL,
     true,
     0,
     {"drop table c (drops data)", "drop table b (drops data)", "drop table a (drops data)"}},
    {"fk cycle created",
     NULL,
     cycle,
     false,
     0,
     {"create table x", "create table y", "add foreign key x_y_fkey on x"}},
    {"fk cycle dropped",
     cycle,
     NULL,
     false,
     0,
     {"drop foreign key y_x_fkey on y", "drop table x (drops data)", "drop table y (drops data)"}},
    {"new fk column to new table",
     NULL,
     posts_author,
     true,
     0,
     {"create table tags", "add column posts.tag_id",
      "add foreign key posts_tag_id_fkey on posts"}},
};

/* ---- checks -------------------------------------------------------------- */

typedef struct fixture {
	rt__arena arena;
	rt__schema db, models;
	rt__ops ops;
	rt__diags warnings;
} fixture;

static void setup_case(fixture *f, change db, change models)
{
	rt__arena_init(&f->arena);
	rt__schema_init(&f->db, &f->arena, RT_DIALECT_POSTGRESQL);
	rt__schema_init(&f->models, &f->arena, RT_DIALECT_POSTGRESQL);
	base(&f->db);
	base(&f->models);
	if (db)
		db(&f->db);
	if (models)
		models(&f->models);
	rt__ops_init(&f->ops, &f->arena);
	rt__diags_init(&f->warnings, &f->arena);
	rt_error err;
	rt_error_clear(&err);
	assert_int_equal(rt__compare(&f->db, &f->models, &f->ops, &f->warnings, &err), 0);
	assert_int_equal(rt__ops_order(&f->ops, &err), 0);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The summary lines of ops, one per line, optionally sorted; free() it. */
static char *summaries(const rt__ops *ops, bool sorted)
{
	char **lines = calloc(ops->n + 1, sizeof(char *));
	assert_non_null(lines);
	for (size_t i = 0; i < ops->n; i++) {
		rt_buf b = RT_BUF_INIT;
		assert_int_equal(rt__render_summary(&b, &ops->ops[i]), 0);
		lines[i] = rt_buf_detach(&b);
		assert_non_null(lines[i]);
	}
	if (sorted && ops->n)
		qsort(lines, ops->n, sizeof(char *), by_string);
	rt_buf all = RT_BUF_INIT;
	for (size_t i = 0; i < ops->n; i++) {
		assert_int_equal(rt_buf_printf(&all, "%s\n", lines[i]), 0);
		free(lines[i]);
	}
	free(lines);
	char *s = rt_buf_detach(&all);
	assert_non_null(s);
	return s;
}

static void assert_same_op(const rt__op *a, const rt__op *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_ptr_equal(a->table, b->table);
	assert_ptr_equal(a->column, b->column);
	assert_ptr_equal(a->new_name, b->new_name);
	assert_memory_equal(&a->before, &b->before, sizeof(a->before));
	assert_memory_equal(&a->after, &b->after, sizeof(a->after));
	assert_ptr_equal(a->rename_peer, b->rename_peer);
	assert_ptr_equal(a->uses, b->uses);
	assert_int_equal(a->nuses, b->nuses);
	assert_int_equal(a->destroys_data, b->destroys_data);
}

static void run_case(void **state)
{
	const diff_case *c = *state;
	fixture f;
	setup_case(&f, c->db, c->models);

	rt_buf want = RT_BUF_INIT;
	for (size_t i = 0; c->want[i]; i++)
		assert_int_equal(rt_buf_printf(&want, "%s\n", c->want[i]), 0);
	char *got = summaries(&f.ops, false);
	assert_string_equal(got, want.data);
	assert_int_equal(f.warnings.n, c->nwarnings);

	/* inverting twice gives the same ops back */
	rt_error err;
	rt_error_clear(&err);
	rt__ops down, up;
	rt__ops_init(&down, &f.arena);
	rt__ops_init(&up, &f.arena);
	assert_int_equal(rt__ops_inverse(&f.ops, &down, &err), 0);
	assert_int_equal(rt__ops_inverse(&down, &up, &err), 0);
	assert_int_equal(up.n, f.ops.n);
	for (size_t i = 0; i < up.n; i++)
		assert_same_op(&up.ops[i], &f.ops.ops[i]);

	/* the downgrade holds what comparing the other way finds */
	if (c->symmetric) {
		rt__ops back;
		rt__diags w;
		rt__ops_init(&back, &f.arena);
		rt__diags_init(&w, &f.arena);
		assert_int_equal(rt__compare(&f.models, &f.db, &back, &w, &err), 0);
		assert_int_equal(rt__ops_order(&back, &err), 0);
		char *a = summaries(&down, true), *b = summaries(&back, true);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	free(got);
	rt_buf_release(&want);
	rt__arena_release(&f.arena);
}

static void test_rename_pair_is_offered(void **state)
{
	(void)state;
	fixture f;
	setup_case(&f, NULL, name_to_full_name);
	const rt__op *drop = NULL, *add = NULL;
	for (size_t i = 0; i < f.ops.n; i++) {
		if (f.ops.ops[i].kind == RT__OP_DROP_COLUMN)
			drop = &f.ops.ops[i];
		if (f.ops.ops[i].kind == RT__OP_ADD_COLUMN)
			add = &f.ops.ops[i];
	}
	assert_non_null(drop);
	assert_non_null(add);
	assert_string_equal(drop->rename_peer, "full_name");
	assert_string_equal(add->rename_peer, "name");
	assert_true(drop->destroys_data);
	assert_false(add->destroys_data);
	assert_string_equal(f.warnings.items[0].message,
	                    "possible rename: users.name -> users.full_name (annotate the column "
	                    "with '-- retort:renamed-from name' to rename it)");
	rt__arena_release(&f.arena);
}

static void test_rename_inverse(void **state)
{
	(void)state;
	fixture f;
	setup_case(&f, NULL, rename_users);
	rt__ops down;
	rt__ops_init(&down, &f.arena);
	assert_int_equal(rt__ops_inverse(&f.ops, &down, NULL), 0);
	assert_int_equal(down.n, 1);
	assert_int_equal(down.ops[0].kind, RT__OP_RENAME_TABLE);
	assert_string_equal(down.ops[0].table, "people");
	assert_string_equal(down.ops[0].new_name, "users");
	rt__arena_release(&f.arena);
}

static void test_enum_recreate_uses(void **state)
{
	(void)state;
	fixture f;
	setup_case(&f, mood, mood_fewer);
	assert_int_equal(f.ops.n, 1);
	const rt__op *op = &f.ops.ops[0];
	assert_int_equal(op->kind, RT__OP_RECREATE_ENUM);
	assert_true(op->destroys_data);
	assert_int_equal(op->nuses, 1);
	assert_string_equal(op->uses[0].table, "users");
	assert_string_equal(op->uses[0].column, "mood");
	assert_string_equal(op->uses[0].default_expr, "'ok'::mood");
	/* the inverse only adds the value back: ADD VALUE, no data lost */
	rt__ops down;
	rt__ops_init(&down, &f.arena);
	assert_int_equal(rt__ops_inverse(&f.ops, &down, NULL), 0);
	assert_int_equal(down.ops[0].kind, RT__OP_ADD_ENUM_VALUE);
	assert_false(down.ops[0].destroys_data);
	rt__arena_release(&f.arena);
}

/* The stripped cycle table no longer holds the moved-out foreign key, and
 * the original models are untouched. */
static void test_cycle_strips_copy(void **state)
{
	(void)state;
	fixture f;
	setup_case(&f, NULL, cycle);
	assert_int_equal(f.ops.ops[0].kind, RT__OP_CREATE_TABLE);
	assert_int_equal(f.ops.ops[0].after.table->nconstraints, 0);
	assert_int_equal(f.ops.ops[1].after.table->nconstraints, 1);
	assert_int_equal(rt__schema_table(&f.models, "x")->nconstraints, 1);
	assert_ptr_equal(f.ops.ops[2].after.constraint,
	                 &rt__schema_table(&f.models, "x")->constraints[0]);
	rt__arena_release(&f.arena);
}

int main(void)
{
	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	struct CMUnitTest tests[NCASES + 4];
	for (size_t i = 0; i < NCASES; i++)
		tests[i] =
		    (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
	tests[NCASES] = (struct CMUnitTest)cmocka_unit_test(test_rename_pair_is_offered);
	tests[NCASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_rename_inverse);
	tests[NCASES + 2] = (struct CMUnitTest)cmocka_unit_test(test_enum_recreate_uses);
	tests[NCASES + 3] = (struct CMUnitTest)cmocka_unit_test(test_cycle_strips_copy);
	return _cmocka_run_group_tests("compare", tests, NCASES + 4, NULL, NULL);
}
