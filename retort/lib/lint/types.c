/* types.c — type families and sizes for the narrowing and rewrite rules
 * (see lint/types.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lint/types.h"
#include "banned.h"

typedef enum family {
	FAM_OTHER,   /* unordered: only "same text" is known to be a no-op */
	FAM_INT,     /* size: bytes */
	FAM_FLOAT,   /* size: bytes */
	FAM_NUMERIC, /* size: precision, scale; -1 unconstrained */
	FAM_TEXT,    /* size: length; -1 unbounded */
	FAM_CHAR,    /* blank-padded char(n): ordered like text, stored apart */
} family;

typedef struct type_info {
	family fam;
	long size, scale;
	bool serial;
} type_info;

/* clang-format off */
static const struct {
	const char *name; /* lower case, single spaces, without parameters */
	family fam;
	long size; /* INT/FLOAT bytes; TEXT/CHAR default length (-1: unbounded) */
	bool serial;
} names[] = {
	{"smallint", FAM_INT, 2, false},  {"int2", FAM_INT, 2, false},
	{"smallserial", FAM_INT, 2, true}, {"serial2", FAM_INT, 2, true},
	{"integer", FAM_INT, 4, false},   {"int", FAM_INT, 4, false},   {"int4", FAM_INT, 4, false},
	{"mediumint", FAM_INT, 4, false},
	{"serial", FAM_INT, 4, true},     {"serial4", FAM_INT, 4, true},
	{"bigint", FAM_INT, 8, false},    {"int8", FAM_INT, 8, false},
	{"bigserial", FAM_INT, 8, true},  {"serial8", FAM_INT, 8, true},
	{"real", FAM_FLOAT, 4, false},    {"float4", FAM_FLOAT, 4, false},
	{"double precision", FAM_FLOAT, 8, false}, {"float8", FAM_FLOAT, 8, false},
	{"float", FAM_FLOAT, 8, false},   {"double", FAM_FLOAT, 8, false},
	{"numeric", FAM_NUMERIC, -1, false}, {"decimal", FAM_NUMERIC, -1, false},
	{"text", FAM_TEXT, -1, false},    {"varchar", FAM_TEXT, -1, false},
	{"character varying", FAM_TEXT, -1, false}, {"char varying", FAM_TEXT, -1, false},
	{"clob", FAM_TEXT, -1, false},
	{"character", FAM_CHAR, 1, false}, {"char", FAM_CHAR, 1, false},
	{"bpchar", FAM_CHAR, -1, false},
};
/* clang-format on */

/* The type's name (lower case, runs of spaces as one, up to '(') into buf,
 * and the parameters after it into p[0..2] (-1 when absent). */
static void split_type(const char *type, char *buf, size_t cap, long p[2])
{
	size_t n = 0;
	bool space = false;
	const char *s = type;
	for (; *s && *s != '('; s++) {
		if (isspace((unsigned char)*s)) {
			space = n > 0;
			continue;
		}
		if (space && n + 1 < cap)
			buf[n++] = ' ';
		space = false;
		if (n + 1 < cap)
			buf[n++] = (char)tolower((unsigned char)*s);
	}
	buf[n] = '\0';
	p[0] = p[1] = -1;
	for (int k = 0; k < 2 && (*s == '(' || *s == ','); k++) {
		char *end;
		long v = strtol(s + 1, &end, 10);
		if (end == s + 1)
			break;
		p[k] = v;
		s = end;
		while (isspace((unsigned char)*s))
			s++;
	}
}

static type_info classify(const char *type)
{
	char name[64];
	long p[2];
	split_type(type, name, sizeof(name), p);
	type_info t = {FAM_OTHER, -1, -1, false};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name))
			continue;
		t = (type_info){names[i].fam, names[i].size, -1, names[i].serial};
		if (t.fam == FAM_TEXT || t.fam == FAM_CHAR)
			t.size = p[0] >= 0 ? p[0] : t.size;
		else if (t.fam == FAM_NUMERIC)
			t.size = p[0], t.scale = p[0] >= 0 ? (p[1] >= 0 ? p[1] : 0) : -1;
		else if (t.fam == FAM_FLOAT && p[0] >= 0)
			t.size = p[0] <= 24 ? 4 : 8; /* float(p): real up to 24 bits */
		break;
	}
	return t;
}

/* a < b where -1 stands for "no bound" (infinity). */
static bool bound_less(long a, long b)
{
	return a >= 0 && (b < 0 || a < b);
}

static bool stringish(family f)
{
	return f == FAM_TEXT || f == FAM_CHAR;
}

bool rt__lint_type_narrows(const char *old_type, const char *new_type)
{
	type_info o = classify(old_type), n = classify(new_type);
	if (stringish(o.fam) && stringish(n.fam))
		return bound_less(n.size, o.size);
	if ((o.fam == FAM_FLOAT || o.fam == FAM_NUMERIC) && n.fam == FAM_INT)
		return o.fam == FAM_FLOAT || o.scale != 0;
	if (o.fam != n.fam)
		return false;
	if (o.fam == FAM_NUMERIC)
		return bound_less(n.size, o.size) || bound_less(n.scale, o.scale) ||
		       (o.scale < 0 && n.scale >= 0);
	return (o.fam == FAM_INT || o.fam == FAM_FLOAT) && n.size < o.size;
}

bool rt__lint_type_rewrites(const char *old_type, const char *new_type)
{
	type_info n = classify(new_type);
	if (!old_type)
		return !(n.fam == FAM_TEXT && n.size < 0);
	if (!strcmp(old_type, new_type))
		return false;
	type_info o = classify(old_type);
	if (o.fam == FAM_TEXT && n.fam == FAM_TEXT)
		return bound_less(n.size, o.size); /* shorter: every value is checked */
	if (o.fam == FAM_NUMERIC && n.fam == FAM_NUMERIC)
		return !(n.size < 0 || (o.size >= 0 && n.size >= o.size && n.scale == o.scale));
	if (o.fam == n.fam && o.fam != FAM_OTHER && o.size == n.size && o.scale == n.scale)
		return false; /* synonyms: int4 / integer */
	return true;
}

bool rt__lint_type_is_serial(const char *type)
{
	return classify(type).serial;
}
