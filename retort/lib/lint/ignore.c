/* ignore.c — reading and applying lint-ignore annotations (see
 * lint/ignore.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lint/ignore.h"
#include "banned.h"

#define MARK "retort:lint-ignore"

/* The lines of a section: where each starts, and which statement (if any)
 * covers it. */
typedef struct lines {
	size_t n;
	size_t *start;     /* n + 1 entries: start[n] == len + 1 */
	size_t *stmt;      /* per line: SIZE_MAX between statements */
	bool *stmt_starts; /* per line: a statement's first token is on it */
} lines;

static int map_lines(rt__arena *a, const char *sql, size_t len, int first_line,
                     const rt__stmt *stmts, size_t n, lines *out)
{
	out->n = 1;
	for (size_t i = 0; i < len; i++)
		out->n += sql[i] == '\n';
	out->start = rt__arena_array(a, out->n + 1, sizeof(size_t));
	out->stmt = rt__arena_array(a, out->n, sizeof(size_t));
	out->stmt_starts = rt__arena_array(a, out->n, sizeof(bool));
	if (!out->start || !out->stmt || !out->stmt_starts)
		return -RT_ERR_NOMEM;
	for (size_t i = 0, k = 1; i < len; i++)
		if (sql[i] == '\n')
			out->start[k++] = i + 1;
	out->start[out->n] = len + 1;
	for (size_t l = 0; l < out->n; l++)
		out->stmt[l] = SIZE_MAX;
	for (size_t s = 0; s < n; s++) {
		size_t from = (size_t)(stmts[s].line - first_line), to = from;
		for (size_t k = 0; k < stmts[s].len; k++)
			to += stmts[s].sql[k] == '\n';
		for (size_t l = from; l <= to && l < out->n; l++)
			out->stmt[l] = s;
		if (from < out->n)
			out->stmt_starts[from] = true;
	}
	return 0;
}

/* The text of line l after leading blanks, when it is a "--" comment
 * between statements; NULL otherwise. *len is what remains of the line
 * (without "\r\n"). */
static const char *comment_line(const char *sql, const lines *ls, size_t l, size_t *len)
{
	if (ls->stmt[l] != SIZE_MAX)
		return NULL;
	size_t from = ls->start[l], to = ls->start[l + 1] - 1;
	while (from < to && (sql[from] == ' ' || sql[from] == '\t'))
		from++;
	while (to > from && (sql[to - 1] == '\r' || sql[to - 1] == ' ' || sql[to - 1] == '\t'))
		to--;
	if (to - from < 2 || sql[from] != '-' || sql[from + 1] != '-')
		return NULL;
	*len = to - from - 2;
	return sql + from + 2;
}

/* The statement the annotation on line l is about: the next line that is
 * not a comment must start one. */
static size_t target_of(const char *sql, const lines *ls, size_t l)
{
	size_t len;
	for (l++; l < ls->n && comment_line(sql, ls, l, &len); l++)
		;
	return l < ls->n && ls->stmt_starts[l] ? ls->stmt[l] : SIZE_MAX;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static int apply_one(rt__lint_hits *hits, int line, const char *code, const char *reason,
                     size_t target, rt_dialect dialect)
{
	const rt_lint_rule *rule = rt_lint_rule_find(code);
	if (!*code)
		return rt__lint_hit_add(hits, "RT901", SIZE_MAX, line,
		                        "lint-ignore names no code and gives no reason");
	if (!rule)
		return rt__lint_hit_add(hits, "RT902", SIZE_MAX, line, "lint-ignore %s", code);
	if (!*reason)
		return rt__lint_hit_add(hits, "RT901", SIZE_MAX, line, "lint-ignore %s", code);
	for (size_t i = 0; target != SIZE_MAX && i < hits->n; i++) {
		rt__lint_hit *h = &hits->v[i];
		if (h->stmt == target && !h->silenced && !strcmp(h->rule->code, code)) {
			h->silenced = true;
			return 0;
		}
	}
	if (rule->postgresql_only && dialect != RT_DIALECT_POSTGRESQL)
		return 0;
	return rt__lint_hit_add(hits, "RT903", SIZE_MAX, line, "lint-ignore %s", code);
}

int rt__lint_apply_ignores(const char *sql, size_t len, int first_line, const rt__stmt *stmts,
                           size_t n, rt_dialect dialect, rt__lint_hits *hits)
{
	lines ls;
	int rc = map_lines(hits->a, sql, len, first_line, stmts, n, &ls);
	for (size_t l = 0; !rc && l < ls.n; l++) {
		size_t rest;
		const char *s = comment_line(sql, &ls, l, &rest);
		if (!s)
			continue;
		while (rest && blank(*s))
			s++, rest--;
		if (rest < strlen(MARK) || memcmp(s, MARK, strlen(MARK)) ||
		    (rest > strlen(MARK) && !blank(s[strlen(MARK)])))
			continue;
		s += strlen(MARK), rest -= strlen(MARK);
		while (rest && blank(*s))
			s++, rest--;
		size_t cl = 0;
		while (cl < rest && !blank(s[cl]))
			cl++;
		char *code = rt__arena_strndup(hits->a, s, cl);
		s += cl, rest -= cl;
		while (rest && blank(*s))
			s++, rest--;
		char *reason = rt__arena_strndup(hits->a, s, rest);
		if (!code || !reason)
			return -RT_ERR_NOMEM;
		rc = apply_one(hits, first_line + (int)l, code, reason, target_of(sql, &ls, l),
		               dialect);
	}
	return rc;
}
