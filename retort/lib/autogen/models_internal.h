/* models_internal.h — the steps of loading model files (models.c), for
 * models_load.c, which decides which files reach the scratch schema. */
#ifndef RETORT_AUTOGEN_MODELS_INTERNAL_H
#define RETORT_AUTOGEN_MODELS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "schema/model.h"
#include "sql/ddl.h"
#include "sql/split.h"

typedef struct rt__model_stmt {
	rt__stmt text;
	const char *file;
	size_t fileno; /* the file's index in the list */
	rt__ddl_stmt ddl;
	int rank; /* 0 enum types, 1 tables, 2 everything else */
	bool placed;
	bool cyclic; /* a table on a foreign-key cycle: its keys are added last */
} rt__model_stmt;

typedef struct rt__model_set {
	rt__model_stmt *v;
	size_t n, cap;
} rt__model_set;

/* The model files at models (a directory: its *.sql sorted; or a glob), as
 * an arena array of paths. */
int rt__models_list(rt__arena *a, const char *models, char ***paths, size_t *n, rt_error *err);

/* Reads and parses one model file, appending its statements to set (each
 * with fileno) and returning its bytes in *text, *len (arena). Refuses
 * transaction control. */
int rt__models_parse_file(rt__arena *a, rt__schema *scratch, rt_dialect dialect, const char *path,
                          size_t fileno, rt__model_set *set, char **text, size_t *len,
                          rt_error *err);

/* The statements of set in the order to apply them (enum types, tables by
 * foreign-key dependency, the rest in file order), as an arena array; marks
 * tables on foreign-key cycles. */
int rt__models_order(rt__arena *a, rt__model_set *set, rt__model_stmt ***out, rt_error *err);

/* Applies seq[0..n) to a scratch schema (PostgreSQL: a temporary schema in a
 * transaction rolled back, on ctx's connection; SQLite: an in-memory
 * database) and introspects it into *out (initialised here on a). A refused
 * statement is reported at its model file and line. */
int rt__models_apply(rt_ctx *ctx, rt__arena *a, rt_dialect dialect, rt__model_stmt **seq, size_t n,
                     rt__schema *out, rt_error *err);

/* Carries renamed-from annotations of the parsed statements onto out (its
 * tables sorted by name). 0 or -RT_ERR_NOMEM. */
int rt__models_annotate(rt__schema *out, const rt__model_set *set);

#endif
