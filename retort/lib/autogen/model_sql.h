/* model_sql.h — a schema model written back as model files (internal):
 * the plain SQL autogenerate reads (models.h), for `retort inspect --sql`.
 *
 * The text is what autogenerate would write to create the schema from an
 * empty database: the same comparison, ordering and renderer (compare.h,
 * order.h, render.h), so a model file and a generated migration say a
 * table the same way and the loader reads back exactly what it was given.
 */
#ifndef RETORT_AUTOGEN_MODEL_SQL_H
#define RETORT_AUTOGEN_MODEL_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/error.h"
#include "schema/model.h"
#include "util/arena.h"

/* One model file: its name inside the models directory and its text. */
typedef struct rt__model_file {
	const char *name; /* "users.sql"; arena string */
	const char *sql;  /* arena string; empty for an empty schema */
	size_t len;
} rt__model_file;

/* Renders s (read during the call only: the text is copied) as model
 * files on arena a, sorted by name, the same bytes for the same schema:
 *
 * - split false: one file, "schema.sql", holding everything in the order
 *   a database can run it (enum types, tables referenced-first, each with
 *   its indexes and comments, blank lines between tables).
 * - split true: one file per table, <table>.sql (characters other than
 *   letters, digits, '_' and '-' become '_'; tables whose names map to one
 *   file share it), holding its CREATE TABLE, indexes and comments;
 *   PostgreSQL enum types in types.sql. The loader orders statements
 *   across files (models.h), so the files may be read in any order.
 *
 * Foreign-key cycles: on PostgreSQL, which checks a reference when the key
 * is made, the key that closes the cycle is an ALTER TABLE ... ADD
 * CONSTRAINT after the tables (in the file of the table holding it);
 * SQLite checks references only when rows change and cannot add a
 * constraint with ALTER TABLE, so there every key stays in its CREATE
 * TABLE. *files is an arena array of *n files. 0 or a negative code
 * (RT_ERR_NOMEM) with err set. */
int rt__model_sql(rt__arena *a, const rt__schema *s, bool split, rt__model_file **files, size_t *n,
                  rt_error *err);

#endif
