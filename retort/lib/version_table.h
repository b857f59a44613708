/* version_table.h — the SQL of retort's two bookkeeping tables (internal).
 *
 * <vt>      version_num VARCHAR(32) PRIMARY KEY: one row per applied head,
 *           Alembic's shape, so `version_table = alembic_version` adopts an
 *           Alembic-managed database.
 * <vt>_log  what was applied: a sequence number (taken under the run's
 *           lock), revision, direction, script checksum, time and duration,
 *           so `check` can report scripts edited after they ran.
 *
 * The online path binds values as parameters ($1...); the offline path
 * (--sql) has to print literals, which it quotes with rt_buf_add_literal. */
#ifndef RETORT_VERSION_TABLE_H
#define RETORT_VERSION_TABLE_H

#include "retort/buf.h"
#include "retort/graph.h"

/* Statements, each ending in ";\n", creating both tables if missing. */
int rt__vt_create_sql(rt_buf *out, const char *vt);

/* One parameterised statement ($1 = revision) for each of the actions. */
int rt__vt_select_sql(rt_buf *out, const char *vt);
int rt__vt_insert_sql(rt_buf *out, const char *vt);
int rt__vt_delete_sql(rt_buf *out, const char *vt);
int rt__vt_delete_all_sql(rt_buf *out, const char *vt);
/* $1 revision, $2 direction, $3 checksum, $4 duration in ms */
int rt__vt_log_sql(rt_buf *out, const char *vt);

/* Literal statements (each ending ";\n") for a version change and for the
 * log row of one step (duration_sql: an SQL expression for its duration):
 * for offline scripts, and the log row for the pipeline. Revision ids and
 * checksums are plain [A-Za-z0-9_] text, quoted as literals. */
int rt__vt_change_literal(rt_buf *out, const char *vt, const rt_version_change *c);
int rt__vt_log_literal(rt_buf *out, const char *vt, const rt_step *step, const char *duration_sql);
/* The statements of rt__vt_change_literal one at a time, for a pipeline,
 * where each statement is sent on its own. */
int rt__vt_delete_literal(rt_buf *out, const char *vt, const char *rev);
int rt__vt_insert_literal(rt_buf *out, const char *vt, const char *rev);

/* A statement that fails unless version table vt holds exactly heads[0..n)
 * and does nothing otherwise: the guard of a pipelined migration
 * (PostgreSQL only: it fails by casting text to INTEGER, which SQLite
 * allows). */
int rt__vt_guard_literal(rt_buf *out, const char *vt, const char *const *heads, size_t n);

/* Latest upgrade checksum per revision: rows (revision, checksum). */
int rt__vt_checksums_sql(rt_buf *out, const char *vt);

const char *rt__direction_word(rt_direction dir); /* "upgrade" / "downgrade" */

#endif
