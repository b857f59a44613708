/* pg_types.c — short spellings of PostgreSQL's type names (see pg_types.h). */
#include "dialect/pg_types.h"

#include <stdbool.h>
#include <string.h>

#include "banned.h"

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

/* type without its "(...)" modifier, wherever it sits ("timestamp(3) with
 * time zone" -> "timestamp with time zone"), into out; false when too long. */
static bool without_modifier(const char *type, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (type[i] == '(') {
			while (i < len && type[i] != ')')
				i++;
			continue;
		}
		if (n + 1 >= cap)
			return false;
		out[n++] = type[i];
	}
	out[n] = '\0';
	return true;
}

/* Whether a cast to cast[0..len) is a cast to the column's own type: the
 * type itself, its name without the modifier (the server prints
 * "'x'::character varying" for a varchar(10) column), or bpchar, the
 * internal name of character(n). */
static bool casts_to(const char *cast, size_t len, const char *type)
{
	char c[128], t[128];
	if (len == strlen(type) && !strncmp(cast, type, len))
		return true;
	if (!without_modifier(cast, len, c, sizeof c) ||
	    !without_modifier(type, strlen(type), t, sizeof t))
		return false;
	if (!strncmp(c, "bpchar", 6) && !strncmp(t, "character", 9) &&
	    strncmp(t, "character varying", 17))
		return !strcmp(c + 6, t + 9);
	return !strcmp(c, t);
}

/* A cast that changes no literal's value on the way to a string column: a
 * string type without a length (the server writes 'x'::character
 * varying::text for a text column whose default was set on a varchar). On
 * the way to any other type it matters: 'now'::text::date is evaluated at
 * each insert, 'now'::date once. */
static bool neutral_cast(const char *cast, size_t len, const char *type)
{
	static const char *const strings[] = {"character varying", "text"};
	bool to_string = !strncmp(type, "character", 9) || !strncmp(type, "text", 4);
	for (size_t i = 0; to_string && i < sizeof(strings) / sizeof(strings[0]); i++)
		if (len == strlen(strings[i]) && !strncmp(cast, strings[i], len))
			return true;
	return false;
}

const char *rt__pg_default_spelling(rt__arena *a, const char *def, const char *type)
{
	const char *end = literal_end(def);
	if (!end || strncmp(end, "::", 2))
		return def;
	/* a chain of casts, each neutral or, the last, to the column's type (after
	 * ALTER TYPE text a varchar column's default stays 'x'::character varying) */
	const char *cast = end + 2;
	for (;;) {
		const char *next = strstr(cast, "::");
		size_t len = next ? (size_t)(next - cast) : strlen(cast);
		if (!next) {
			if (!casts_to(cast, len, type) && !neutral_cast(cast, len, type))
				return def;
			break;
		}
		if (!neutral_cast(cast, len, type))
			return def;
		cast = next + 2;
	}
	char *out = rt__arena_alloc(a, (size_t)(end - def) + 1);
	if (!out)
		return NULL;
	memcpy(out, def, (size_t)(end - def));
	return out;
}
