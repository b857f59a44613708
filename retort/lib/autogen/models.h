/* models.h — the desired schema: model files applied to a scratch database
 * of the configured dialect and introspected with the same code as the live
 * database (internal). */
#ifndef RETORT_AUTOGEN_MODELS_H
#define RETORT_AUTOGEN_MODELS_H

#include "ctx.h"
#include "schema/model.h"

/* Reads every model file (config `models`: a directory, all *.sql sorted,
 * or a glob), orders the statements so files may refer to each other in
 * any order (enum types, then tables by foreign-key dependency, then the
 * rest in file order), applies them to a scratch schema (PostgreSQL: a
 * temporary schema in a transaction that is rolled back, on ctx's
 * connection; SQLite: an in-memory database), and introspects it into
 * *out (on arena a). renamed-from annotations are carried over from the
 * parsed files. Errors name the model file and line: parse errors, and
 * statements the database refused ("models/users.sql:4: type "nosuch" does
 * not exist"). */
int rt__models_load(rt_ctx *ctx, rt__arena *a, rt__schema *out, rt_error *err);

/* rt__models_load on the model files at models (a directory or a glob)
 * instead of the config's: adopt loads the models it is about to write. */
int rt__models_load_from(rt_ctx *ctx, rt__arena *a, const char *models, rt__schema *out,
                         rt_error *err);

#endif
