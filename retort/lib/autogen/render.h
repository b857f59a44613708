/* render.h — autogenerate's operations as SQL text and as one-line
 * summaries (internal).
 *
 * The SQL is the portable DDL of a migration script (DESIGN.md §3): the
 * same text on both dialects, rendered for the target at apply time; on
 * SQLite what ALTER cannot do becomes a table rebuild then. Identifiers are
 * quoted only when they need it.
 */
#ifndef RETORT_AUTOGEN_RENDER_H
#define RETORT_AUTOGEN_RENDER_H

#include "autogen/ops.h"
#include "retort/buf.h"
#include "retort/url.h"

/* Appends the statements of ops, in order, one direction (render the
 * result of rt__ops_inverse for the downgrade). Each statement ends with
 * ";\n". A data-losing op is preceded by "-- WARNING: drops data"; a
 * DROP COLUMN of an unannotated drop+add pair by a "-- WARNING: possible
 * rename" line and the commented-out RENAME that would keep the data.
 * 0 or -RT_ERR_NOMEM (out keeps what was appended before). */
int rt__render_sql(rt_buf *out, const rt__ops *ops, rt_dialect dialect);

/* Appends one line for `retort check`, without a newline: e.g.
 * "add column users.phone_number", "drop table x (drops data)". */
int rt__render_summary(rt_buf *out, const rt__op *op);

/* Appends name as an SQL identifier: bare when it is a lower-case word that
 * is not a reserved keyword, else double-quoted. */
int rt__render_ident(rt_buf *out, const char *name);

#endif
