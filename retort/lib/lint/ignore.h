/* ignore.h — the "-- retort:lint-ignore CODE reason" annotations of a
 * section (internal to lint).
 *
 * An annotation sits on the comment lines just above a statement (other
 * comment lines may come between; a blank line or code ends the block) and
 * silences one hit of CODE on that statement. A reason is required: an
 * annotation without one silences nothing and is a hit itself (RT901), as
 * is one naming an unknown code (RT902); a well-formed one with nothing to
 * silence is RT903. Only comment lines between statements are read, so
 * text inside a string or a statement never counts.
 */
#ifndef RETORT_LINT_IGNORE_H
#define RETORT_LINT_IGNORE_H

#include <stddef.h>

#include "lint/hits.h"
#include "retort/url.h"
#include "sql/split.h"

/* Applies the annotations of sql[0..len) (first byte on file line
 * first_line, split into stmts[0..n)) to hits: marks silenced hits and
 * appends the annotations' own. An ignore of a PostgreSQL-only rule is
 * not RT903 on another dialect: the same generic section serves both.
 * 0 or -RT_ERR_NOMEM. */
int rt__lint_apply_ignores(const char *sql, size_t len, int first_line, const rt__stmt *stmts,
                           size_t n, rt_dialect dialect, rt__lint_hits *hits);

#endif
