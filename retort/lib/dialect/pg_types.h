/* pg_types.h — PostgreSQL's type and default texts in the spelling models
 * use, so that introspected schemas render as portable SQL: a script
 * generated against PostgreSQL says VARCHAR(20), not "character
 * varying(20)", and runs on SQLite too. Both sides of a comparison go
 * through the same functions, so comparisons stay exact.
 */
#ifndef RETORT_DIALECT_PG_TYPES_H
#define RETORT_DIALECT_PG_TYPES_H

#include "util/arena.h"

/* "character varying(20)" -> "VARCHAR(20)", "timestamp(3) with time zone"
 * -> "TIMESTAMPTZ(3)", "numeric(10,2)" -> "NUMERIC(10,2)", "integer[]" ->
 * "INTEGER[]"; a type without a short form (an enum, "bit varying(8)",
 * "interval year to month", ...) is returned as given.
 * Returns `type` itself or a string in `a`; NULL when out of memory. */
const char *rt__pg_type_spelling(rt__arena *a, const char *type);

/* A default that is a literal cast to its column's own type, as the server
 * prints it ("'student'::character varying", "NULL::text", "'ab'::bpchar"
 * for character(3), "'x'::character varying::text" after a type change),
 * without the redundant casts ("'student'"); any other default, and any
 * cast that could change the value (to another type, or through a length),
 * is returned as given.
 * `type` is the column's type as format_type() prints it. Returns `def`
 * itself or a string in `a`; NULL when out of memory. */
const char *rt__pg_default_spelling(rt__arena *a, const char *def, const char *type);

#endif
