/* pg_types.c — short spellings of PostgreSQL's type names (see pg_types.h). */
#include "dialect/pg_types.h"

#include <stdbool.h>
#include <string.h>

#include "util/banned.h"

/* format_type()'s names and the spelling models use. A modifier such as
 * "(20)" follows the name ("character varying(20)"), or sits inside it for
 * the time types ("timestamp(3) with time zone"): `head` is the part before
 * the modifier, `tail` the part after it. */
static const struct {
	const char *head, *tail, *spelling;
} spellings[] = {
    {"character varying", "", "VARCHAR"},
    {"character", "", "CHAR"},
    {"timestamp", " with time zone", "TIMESTAMPTZ"},
    {"timestamp", " without time zone", "TIMESTAMP"},
    {"time", " with time zone", "TIMETZ"},
    {"time", " without time zone", "TIME"},
    {"integer", "", "INTEGER"},
    {"bigint", "", "BIGINT"},
    {"smallint", "", "SMALLINT"},
    {"boolean", "", "BOOLEAN"},
    {"text", "", "TEXT"},
    {"uuid", "", "UUID"},
    {"date", "", "DATE"},
    {"real", "", "REAL"},
    {"double precision", "", "DOUBLE PRECISION"},
    {"numeric", "", "NUMERIC"},
    {"json", "", "JSON"},
    {"jsonb", "", "JSONB"},
    {"bytea", "", "BYTEA"},
    {"interval", "", "INTERVAL"},
    {"serial", "", "SERIAL"},
    {"bigserial", "", "BIGSERIAL"},
    {"smallserial", "", "SMALLSERIAL"},
};

/* Length of a "(...)" modifier at s, 0 when there is none. */
static size_t modifier_len(const char *s)
{
	if (*s != '(')
		return 0;
	const char *close = strchr(s, ')');
	return close ? (size_t)(close - s) + 1 : 0;
}

const char *rt__pg_type_spelling(rt__arena *a, const char *type)
{
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		size_t hl = strlen(spellings[i].head), tl = strlen(spellings[i].tail);
		if (strncmp(type, spellings[i].head, hl))
			continue;
		const char *mod = type + hl;
		size_t ml = modifier_len(mod);
		const char *rest = mod + ml;
		if (strncmp(rest, spellings[i].tail, tl))
			continue;
		rest += tl;
		if (*rest && strspn(rest, "[]") != strlen(rest))
			continue; /* a longer name: "character varying" is not "character" */
		size_t sl = strlen(spellings[i].spelling), rl = strlen(rest);
		char *out = rt__arena_alloc(a, sl + ml + rl + 1);
		if (!out)
			return NULL;
		memcpy(out, spellings[i].spelling, sl);
		memcpy(out + sl, mod, ml);
		memcpy(out + sl + ml, rest, rl + 1);
		return out;
	}
	return type;
}

/* The end of the literal at s ('...' with '' escapes, or NULL), or NULL. */
static const char *literal_end(const char *s)
{
	if (!strncmp(s, "NULL", 4))
		return s + 4;
	if (*s != '\'')
		return NULL;
	for (s++; *s; s++)
		if (*s == '\'') {
			if (s[1] != '\'')
				return s + 1;
			s++;
		}
	return NULL;
}

const char *rt__pg_default_spelling(rt__arena *a, const char *def, const char *type)
{
	const char *end = literal_end(def);
	if (!end || strncmp(end, "::", 2))
		return def;
	const char *cast = end + 2;
	/* the column's type, or its name without the modifier */
	size_t tl = strlen(type), cl = strlen(cast);
	const char *mod = strchr(type, '(');
	bool same =
	    (cl == tl && !strcmp(cast, type)) ||
	    (mod && !strchr(mod, ' ') && cl == (size_t)(mod - type) && !strncmp(cast, type, cl));
	if (!same)
		return def;
	char *out = rt__arena_alloc(a, (size_t)(end - def) + 1);
	if (!out)
		return NULL;
	memcpy(out, def, (size_t)(end - def));
	return out;
}
