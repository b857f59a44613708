/* types.h — what a column type change does to the values and, on
 * PostgreSQL, to the table (internal to lint).
 *
 * Types are read from their text as the DDL parser keeps it ("VARCHAR(50)",
 * "character varying(255)", "BIGINT", "NUMERIC(10,2)") into a family and a
 * size, with the synonyms of both dialects. Only families with an order
 * (integers, floating point, exact numerics, character strings) can narrow.
 */
#ifndef RETORT_LINT_TYPES_H
#define RETORT_LINT_TYPES_H

#include <stdbool.h>

/* True when changing a column from old_type to new_type can lose or reject
 * values: a smaller integer or float, a shorter string (text to
 * varchar(n) included), fewer numeric digits, a fraction to an integer. */
bool rt__lint_type_narrows(const char *old_type, const char *new_type);

/* True when PostgreSQL rewrites the table for the change. Without an old
 * type (unknown) the answer is true unless new_type is unbounded text:
 * only a few widenings (varchar(n) to varchar(m >= n) or text, numeric
 * precision up at the same scale) are free. */
bool rt__lint_type_rewrites(const char *old_type, const char *new_type);

/* True for an ADD COLUMN type that fills itself from a sequence
 * (serial, bigserial, smallserial): a volatile default in disguise. */
bool rt__lint_type_is_serial(const char *type);

#endif
