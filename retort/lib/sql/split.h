/* split.h — splitting a script section into statements (internal).
 *
 * Understands -- and nested block comments, 'strings' (with '' and, on
 * PostgreSQL, E'\'' escapes), "quoted identifiers", [brackets] and
 * `backticks` on SQLite, PostgreSQL $tag$ dollar quoting, and bodies that
 * contain semicolons: SQLite CREATE TRIGGER ... BEGIN ... END (CASE ... END
 * nested inside) and PostgreSQL BEGIN ATOMIC ... END.
 */
#ifndef RETORT_SQL_SPLIT_H
#define RETORT_SQL_SPLIT_H

#include <stddef.h>

#include "retort/buf.h"
#include "retort/error.h"
#include "retort/url.h"
#include "util/arena.h"

typedef struct rt__stmt {
	const char *sql; /* arena copy, without the final ';', surrounding
	                  * whitespace trimmed; comments inside are kept */
	size_t len;
	int line; /* file line where the statement's first token is */
} rt__stmt;

/* Splits sql[0..len) whose first byte is on file line first_line. Statements
 * that are empty or only comments are dropped. Errors (RT_ERR_PARSE, with
 * file:line:col of the opening token): unterminated string, quoted
 * identifier, dollar quote, block comment, or trigger/atomic body. */
int rt__sql_split(rt__arena *a, const char *file, const char *sql, size_t len, int first_line,
                  rt_dialect dialect, rt__stmt **out, size_t *n, rt_error *err);

/* Appends one statement as a script holds it: its text, ';' (on a line of
 * its own when the text ends in a -- comment) and a blank line. Returns 0 or
 * -RT_ERR_NOMEM. */
int rt__sql_put(rt_buf *out, const char *sql, size_t len);

#endif
