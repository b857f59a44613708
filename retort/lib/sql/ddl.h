/* ddl.h — the DDL retort reads (internal): model files, migration
 * statements retort renders per dialect, and SQLite's stored CREATE
 * statements.
 *
 * Understood: CREATE TABLE [IF NOT EXISTS] with column and table
 * constraints; CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] (multi-
 * column; expression keys and WHERE predicates kept as token text); ALTER
 * TABLE ... ADD/DROP/RENAME COLUMN, ALTER COLUMN TYPE / SET|DROP NOT NULL /
 * SET|DROP DEFAULT, ADD/DROP CONSTRAINT, RENAME TO; DROP TABLE/INDEX/TYPE;
 * on PostgreSQL CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE and
 * COMMENT ON TABLE/COLUMN. Anything else parses as RT__DDL_OTHER (run
 * verbatim, never an error). Expressions (defaults, checks, predicates) are
 * normalised token text: keywords upper-case, single spaces between tokens,
 * no space inside parentheses.
 *
 * Model annotations: a "-- retort:renamed-from old" comment on a column's
 * line (or the line before it) or just before CREATE TABLE sets
 * renamed_from on that column or table.
 */
#ifndef RETORT_SQL_DDL_H
#define RETORT_SQL_DDL_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/buf.h"

#include "retort/error.h"
#include "retort/url.h"
#include "schema/model.h"
#include "util/arena.h"

typedef enum rt__ddl_kind {
	RT__DDL_OTHER,        /* not understood: run verbatim */
	RT__DDL_CREATE_TABLE, /* table: the whole table (columns, constraints) */
	RT__DDL_CREATE_INDEX, /* table + index */
	RT__DDL_CREATE_ENUM,  /* enum_type */
	RT__DDL_ALTER_TABLE,  /* table name + actions */
	RT__DDL_ALTER_ENUM,   /* enum_type name + value (ADD VALUE) */
	RT__DDL_DROP_TABLE,
	RT__DDL_DROP_INDEX,
	RT__DDL_DROP_TYPE,
	RT__DDL_COMMENT, /* table name, column (NULL for the table), text (NULL clears) */
} rt__ddl_kind;

typedef enum rt__alter_kind {
	RT__ALTER_ADD_COLUMN,      /* column */
	RT__ALTER_DROP_COLUMN,     /* name */
	RT__ALTER_RENAME_COLUMN,   /* name -> new_name */
	RT__ALTER_RENAME_TABLE,    /* new_name */
	RT__ALTER_TYPE,            /* name, type (USING expression kept in using) */
	RT__ALTER_SET_NOT_NULL,    /* name */
	RT__ALTER_DROP_NOT_NULL,   /* name */
	RT__ALTER_SET_DEFAULT,     /* name, expr */
	RT__ALTER_DROP_DEFAULT,    /* name */
	RT__ALTER_ADD_CONSTRAINT,  /* constraint */
	RT__ALTER_DROP_CONSTRAINT, /* name */
} rt__alter_kind;

typedef struct rt__alter {
	rt__alter_kind kind;
	const char *name;
	const char *new_name;
	const char *type;
	const char *using_expr;
	const char *expr;
	rt__column *column; /* ADD COLUMN (constraints declared inline on the column
	                     * are in column_constraints) */
	rt__constraint *column_constraints;
	size_t ncolumn_constraints;
	rt__constraint *constraint; /* ADD CONSTRAINT */
	bool if_exists;             /* DROP ... IF EXISTS */
	bool if_not_exists;         /* ADD COLUMN IF NOT EXISTS */
} rt__alter;

typedef struct rt__ddl_stmt {
	rt__ddl_kind kind;
	const char *name; /* table / index / type named by the statement */
	rt__table *table; /* CREATE TABLE: the table; CREATE INDEX: table holding
	                   * just the index (table->indexes[0]) */
	rt__enum *enum_type;
	rt__alter *actions; /* ALTER TABLE */
	size_t nactions;
	const char *column; /* COMMENT ON COLUMN */
	const char *text;   /* COMMENT text, ALTER TYPE ADD VALUE value */
	const char *anchor; /* ALTER TYPE ADD VALUE ... BEFORE/AFTER anchor, or NULL */
	bool anchor_before;
	bool if_exists, if_not_exists;
	bool concurrently; /* CREATE/DROP INDEX CONCURRENTLY (PostgreSQL) */
	rt__srcpos pos;
} rt__ddl_stmt;

/* Parses one statement (as split by sql/split.h, without its ';') whose
 * first byte is at file:line:1. The objects are allocated with scratch's
 * builders on arena a (scratch->arena must be a) but are not added to
 * scratch's lists: out->table and friends stay valid while a lives.
 * Inline column PRIMARY KEY / UNIQUE / REFERENCES / CHECK become table
 * constraints (name NULL unless CONSTRAINT gave one). Leading comments are
 * allowed, so a renamed-from annotation just before CREATE TABLE is seen.
 * Errors (RT_ERR_PARSE, with err->file/line/col) only for statements the
 * grammar claims (CREATE TABLE, CREATE INDEX, ALTER TABLE, ...) but finds
 * malformed: "expected ')' after column list, found 'x'"; and for text the
 * lexer cannot read (unterminated string, ...). Not understood:
 * CREATE INDEX without a name, DROP of several objects at once, ALTER
 * TABLE actions other than those above (all RT__DDL_OTHER). */
int rt__ddl_parse(rt__arena *a, rt__schema *scratch, const char *file, int line, const char *sql,
                  size_t len, rt_dialect dialect, rt__ddl_stmt *out, rt_error *err);

/* Splits a whole model file (sql/split.h) and parses each statement into
 * *out (n of them, arena array), giving each CREATE TABLE the
 * renamed-from annotation on the comment lines just before it. */
int rt__ddl_parse_script(rt__arena *a, rt__schema *scratch, const char *file, const char *sql,
                         size_t len, rt_dialect dialect, rt__ddl_stmt **out, size_t *n,
                         rt_error *err);

/* Applies a parsed statement to schema s (copying into s's arena): what the
 * database would do. Used to run model files into a model without a
 * database, and for SQLite table rebuilds. RT_ERR_STATE for a reference to
 * a missing table/column ("table 'x' has no column 'y'"). */
int rt__ddl_apply(rt__schema *s, const rt__ddl_stmt *st, rt_error *err);

/* Renders CREATE TABLE for t on dialect, with all its columns and
 * constraints (no indexes), into out. Used by SQLite rebuilds and by
 * autogenerate. */
int rt__ddl_render_create_table(rt_buf *out, const rt__table *t, rt_dialect dialect);

/* One table constraint as CREATE TABLE holds it ("[CONSTRAINT name]
 * FOREIGN KEY (a) REFERENCES t (id) ..."), into out; also what ALTER TABLE
 * ... ADD takes. */
int rt__ddl_render_constraint(rt_buf *out, const rt__constraint *c);

#endif
