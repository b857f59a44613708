/* model.h — the schema model (internal): tables, columns, constraints,
 * indexes, enum types and comments, as read from model files, from a live
 * database, or from a scratch database the models were applied to.
 *
 * Every object lives in the schema's arena. Names are stored as the
 * database reports them (PostgreSQL folds unquoted names to lower case;
 * the parser does the same for model text). Types, defaults, CHECK
 * expressions and index predicates are kept as normalised text: on the
 * model side they come from introspecting a scratch database, so both
 * sides were normalised by the same database and compare exactly.
 *
 * Builders (rt__schema_add_*) are what the DDL parser and the
 * introspectors call; they copy their string arguments into the arena and
 * return NULL only on allocation failure.
 */
#ifndef RETORT_SCHEMA_MODEL_H
#define RETORT_SCHEMA_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/buf.h"
#include "retort/url.h"
#include "util/arena.h"

typedef struct rt__srcpos {
	const char *file; /* NULL when not from text */
	int line, col;
} rt__srcpos;

typedef struct rt__column {
	const char *name;
	const char *type; /* e.g. "character varying(20)", "integer", "VARCHAR(20)" */
	bool not_null;
	const char *default_expr; /* NULL: no server default */
	const char *identity;     /* NULL, "ALWAYS" or "BY DEFAULT" (PostgreSQL identity) */
	bool autoincrement;       /* SQLite INTEGER PRIMARY KEY AUTOINCREMENT */
	const char *comment;      /* NULL: none */
	const char *renamed_from; /* model annotation "-- retort:renamed-from x" */
	rt__srcpos pos;
} rt__column;

typedef enum rt__con_kind {
	RT__CON_PRIMARY,
	RT__CON_UNIQUE,
	RT__CON_FOREIGN,
	RT__CON_CHECK,
} rt__con_kind;

typedef struct rt__constraint {
	rt__con_kind kind;
	const char *name; /* NULL when the database has no name for it (SQLite) */
	const char **columns;
	size_t ncolumns;
	/* foreign keys */
	const char *ref_table;
	const char **ref_columns;
	size_t nref_columns;
	const char *on_delete; /* NULL for NO ACTION; else "CASCADE", "SET NULL",
	                        * "SET DEFAULT", "RESTRICT" */
	const char *on_update;
	bool deferrable, initially_deferred;
	bool not_valid; /* ALTER TABLE ... ADD ... NOT VALID (PostgreSQL): existing
	                 * rows not checked yet; what lint looks for */
	/* checks */
	const char *check_expr;
	rt__srcpos pos;
} rt__constraint;

typedef struct rt__index {
	const char *name;
	bool unique;
	const char **keys; /* column names or expression texts, in order; a key may
	                    * carry " DESC" */
	size_t nkeys;
	bool *key_is_expr;  /* per key: true for an expression */
	const char *where;  /* partial index predicate, or NULL */
	const char *method; /* NULL or "btree" for the default; else e.g. "gin" */
	rt__srcpos pos;
} rt__index;

typedef struct rt__table {
	const char *name;
	const char *comment;
	const char *renamed_from;
	rt__column *columns;
	size_t ncolumns, cap_columns;
	rt__constraint *constraints;
	size_t nconstraints, cap_constraints;
	rt__index *indexes;
	size_t nindexes, cap_indexes;
	rt__srcpos pos;
} rt__table;

typedef struct rt__enum {
	const char *name;
	const char **values;
	size_t nvalues, cap_values;
	rt__srcpos pos;
} rt__enum;

typedef struct rt__schema {
	rt__arena *arena; /* borrowed: owned by whoever made the schema */
	rt_dialect dialect;
	const char *schema_name; /* what introspect read ("public", "main"), or NULL */
	rt__table *tables;
	size_t ntables, cap_tables;
	rt__enum *enums;
	size_t nenums, cap_enums;
} rt__schema;

void rt__schema_init(rt__schema *s, rt__arena *a, rt_dialect dialect);

/* Builders: copy strings into the arena; NULL on allocation failure. The
 * returned pointers stay valid until the next add of the same kind to the
 * same parent (arrays may move); look objects up again by name after. */
rt__table *rt__schema_add_table(rt__schema *s, const char *name);
rt__enum *rt__schema_add_enum(rt__schema *s, const char *name);
int rt__enum_add_value(rt__schema *s, rt__enum *e, const char *value);
rt__column *rt__table_add_column(rt__schema *s, rt__table *t, const char *name, const char *type);
rt__constraint *rt__table_add_constraint(rt__schema *s, rt__table *t, rt__con_kind kind,
                                         const char *name);
rt__index *rt__table_add_index(rt__schema *s, rt__table *t, const char *name, bool unique);
/* Appends a key (column or expression) to an index / a column to a
 * constraint's column list / a referenced column. 0 or -RT_ERR_NOMEM. */
int rt__index_add_key(rt__schema *s, rt__index *ix, const char *key, bool is_expr);
int rt__constraint_add_column(rt__schema *s, rt__constraint *c, const char *column);
int rt__constraint_add_ref_column(rt__schema *s, rt__constraint *c, const char *column);
/* Sets a string field of any object to an arena copy (value may be NULL). */
int rt__schema_set(rt__schema *s, const char **field, const char *value);

/* Lookups by name (exact, case-sensitive); NULL when absent. */
rt__table *rt__schema_table(const rt__schema *s, const char *name);
rt__enum *rt__schema_enum(const rt__schema *s, const char *name);
rt__column *rt__table_column(const rt__table *t, const char *name);
rt__index *rt__table_index(const rt__table *t, const char *name);
/* The table's primary key constraint, or NULL. */
rt__constraint *rt__table_primary_key(const rt__table *t);

/* Appends the name a database gives c when it has none, PostgreSQL's
 * scheme (<table>_pkey, <table>_<cols>_key / _fkey / _check): what a
 * portable DROP CONSTRAINT says for a constraint SQLite keeps unnamed, and
 * how the SQLite rebuild finds it again. 0 or -RT_ERR_NOMEM. */
int rt__constraint_default_name(rt_buf *out, const char *table, const rt__constraint *c);

/* Deep copy of src into dst (initialised on arena a). 0 or -RT_ERR_NOMEM. */
int rt__schema_copy(rt__schema *dst, rt__arena *a, const rt__schema *src);

/* Sorts tables, columns keep their order; constraints and indexes by name;
 * so two schemas can be compared and printed deterministically. */
void rt__schema_sort(rt__schema *s);

#endif
