/* repo.h — helpers every repository uses: SQL text derived from schema
 * tables (built once, at start-up, and kept: the statement cache is keyed
 * by text), and JSON values turned into bound parameters. Values never
 * enter SQL text.
 *
 * A repository (repositories/<noun>.c) typically holds a struct of SQL
 * strings built by its repo_<noun>_init from the schemas, e.g.
 *
 *   repo_select_sql(&b, "users", &schema_user, "id = $1");
 *     -> SELECT "id", "email", ... FROM "users" WHERE id = $1
 *
 * and functions that run them through core/db.h and hand back the rows,
 * whose columns are repo_columns(s) of the schema they were selected with
 * (the API layer serialises them with that schema).
 */
#ifndef REPOSITORIES_REPO_H
#define REPOSITORIES_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/db.h"
#include "retort/buf.h"
#include "schemas/schema.h"

/* The quoted columns of s's fields that have a column and are not
 * write-only, comma-separated, in table order (the order
 * schema_serialize_row reads). */
int repo_columns(rt_buf *b, const schema *s);

/* SELECT <repo_columns(s)> FROM table [WHERE where]. where is trusted SQL
 * text with $n placeholders (NULL: none). */
int repo_select_sql(rt_buf *b, const char *table, const schema *s, const char *where);

/* INSERT INTO table (c1, ..., cn) VALUES ($1, ..., $n) RETURNING
 * <repo_columns(returning)> (no RETURNING when returning is NULL). */
int repo_insert_sql(rt_buf *b, const char *table, const char *const *columns, size_t n,
                    const schema *returning);

/* UPDATE for the fields of v that were sent and have a column:
 *   UPDATE table SET c1 = $1, ..., updated_at = $k WHERE <key> = $k+1
 *   RETURNING <repo_columns(returning)>
 * Fills params[0..*n) (capacity cap): the sent values, then now (an RFC 3339
 * time, borrowed) for updated_at when touch is true, then key_value. The
 * text depends on which fields were sent, which bounds the statements the
 * cache sees to the subsets of an update schema. Returns 0, or -1 (out of
 * memory, too many params). */
int repo_update_sql(rt_buf *b, const char *table, const schema_values *v, bool touch,
                    const char *now, const char *key, const char *key_value,
                    const schema *returning, core_db_param *params, size_t cap, size_t *n);

/* Records "out of memory" in err; returns CORE_DB_NOMEM. */
int repo_nomem(core_db_error *err);

/* A validated JSON value as a parameter (strings are borrowed from v). */
core_db_param repo_param(const json_t *v);

#endif
