/* ownership.c — table ownership: glob lists and the owned-table test (see
 * ownership.h). Kept apart from config.c so the rule is one function that
 * unit tests drive with cases as data. */
#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

#include "retort/error.h"
#include "ownership.h"
#include "banned.h"

int rt__globs_parse(rt__arena *a, const char *value, rt__globs *out, const char **why)
{
	out->items = NULL;
	out->n = 0;
	*why = NULL;
	size_t count = 1;
	for (const char *p = value; *p; p++)
		count += *p == ',';
	const char **items = rt__arena_array(a, count + 1, sizeof(char *));
	if (!items)
		return -RT_ERR_NOMEM;
	size_t n = 0;
	for (const char *p = value;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (!len) {
			*why = "empty item in the list (expected GLOB, GLOB, ...)";
			return -RT_ERR_CONFIG;
		}
		for (size_t i = 0; i < len; i++)
			if (isspace((unsigned char)p[i])) {
				*why = "a glob holds whitespace (separate globs with commas)";
				return -RT_ERR_CONFIG;
			}
		if (!(items[n++] = rt__arena_strndup(a, p, len)))
			return -RT_ERR_NOMEM;
		if (!comma)
			break;
		p = comma + 1;
	}
	out->items = items;
	out->n = n;
	return 0;
}

static bool matches(const rt__globs *g, const char *qualified, const char *table)
{
	for (size_t i = 0; i < g->n; i++) {
		const char *name = strchr(g->items[i], '.') ? qualified : table;
		if (name && !fnmatch(g->items[i], name, 0))
			return true;
	}
	return false;
}

/* Retort's bookkeeping and other tools' version tables. */
static bool never_owned(const rt__ownership *o, const char *table)
{
	if (!fnmatch("alembic_version*", table, 0))
		return true;
	const char *vt = o->version_table;
	if (!vt)
		return false;
	size_t n = strlen(vt);
	return !strncmp(table, vt, n) && (!table[n] || !strcmp(table + n, "_log"));
}

bool rt__table_owned(const rt__ownership *o, const char *schema, const char *table)
{
	if (never_owned(o, table))
		return false;
	char qualified[256];
	const char *q = NULL;
	if (schema && strlen(schema) + strlen(table) + 2 <= sizeof(qualified)) {
		size_t s = strlen(schema);
		memcpy(qualified, schema, s);
		qualified[s] = '.';
		memcpy(qualified + s + 1, table, strlen(table) + 1);
		q = qualified;
	}
	bool included = o->include.n ? matches(&o->include, q, table) : true;
	return included && !matches(&o->exclude, q, table);
}
