/* ownership.h — which tables a history owns (internal): the include_tables
 * and exclude_tables keys of retort.ini.
 *
 * A table is owned when it matches some include glob (none given: "*") and
 * no exclude glob. Globs are fnmatch patterns; one containing a '.' is
 * matched against "schema.table", any other against the bare table name.
 * Retort's own tables (the version table and <version_table>_log) and
 * alembic_version* (other tools' version tables) are never owned, whatever
 * the globs say.
 */
#ifndef RETORT_OWNERSHIP_H
#define RETORT_OWNERSHIP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

typedef struct rt__globs {
	const char **items;
	size_t n;
} rt__globs;

typedef struct rt__ownership {
	rt__globs include; /* n == 0: every table */
	rt__globs exclude;
	const char *version_table; /* it and "<it>_log" are never owned; may be NULL */
} rt__ownership;

/* Splits a comma-separated glob list into trimmed arena strings. Returns 0,
 * -RT_ERR_NOMEM, or -RT_ERR_CONFIG for a malformed list (an empty item, or
 * an item holding whitespace, which is a forgotten comma); then *why is a
 * static description of the problem. */
int rt__globs_parse(rt__arena *a, const char *value, rt__globs *out, const char **why);

/* Whether table (in schema, which may be NULL when unknown: dotted globs
 * then match nothing) is owned under o. */
bool rt__table_owned(const rt__ownership *o, const char *schema, const char *table);

#endif
