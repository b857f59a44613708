/* split.c — cutting a script section into statements at top-level ';'.
 *
 * A hand-written scanner rather than a grammar: all it needs to know is where
 * text is opaque (comments, strings, quoted identifiers, dollar quotes) and
 * where a body owns its semicolons (SQLite trigger BEGIN ... END, PostgreSQL
 * BEGIN ATOMIC ... END, with CASE ... END nested). Keywords are recognised
 * as whole words outside opaque text. Lines are counted with a cursor that
 * only moves forward, so the whole split stays linear in the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/split.h"
#include "banned.h"

/* Where offsets fall in the file: advanced monotonically. */
typedef struct cursor {
	size_t pos;
	size_t line_start;
	int line;
} cursor;

typedef struct scanner {
	const char *file;
	const char *s;
	size_t len;
	size_t i;
	rt_dialect dialect;
	cursor cur;
	rt_error *err;
} scanner;

enum keyword {
	KW_NONE,
	KW_CREATE,
	KW_TEMP,
	KW_TRIGGER,
	KW_BEGIN,
	KW_ATOMIC,
	KW_CASE,
	KW_END,
};

static const struct {
	const char *word;
	enum keyword kw;
} keywords[] = {
    {"create", KW_CREATE}, {"temp", KW_TEMP},     {"temporary", KW_TEMP}, {"trigger", KW_TRIGGER},
    {"begin", KW_BEGIN},   {"atomic", KW_ATOMIC}, {"case", KW_CASE},      {"end", KW_END},
};

/* What the current statement has shown so far about bodies it may own. */
typedef struct stmt_state {
	size_t start;       /* offset of the first token; SIZE_MAX while none */
	int nwords;         /* words seen, for the CREATE [TEMP] TRIGGER prefix */
	enum keyword first; /* the first word's keyword */
	bool trigger;       /* SQLite: statement is CREATE TRIGGER */
	enum keyword prev;  /* previous word's keyword, for BEGIN ATOMIC */
	size_t prev_at;     /* offset of the previous word */
	int depth;          /* open BEGIN/CASE blocks inside a body */
	size_t body_at;     /* offset of the BEGIN that opened the body */
} stmt_state;

static bool is_word_start(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool is_word_char(unsigned char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void cursor_to(scanner *sc, size_t off)
{
	for (; sc->cur.pos < off; sc->cur.pos++) {
		if (sc->s[sc->cur.pos] == '\n') {
			sc->cur.line++;
			sc->cur.line_start = sc->cur.pos + 1;
		}
	}
}

static int fail_at(scanner *sc, size_t off, const char *what)
{
	cursor_to(sc, off);
	return rt_error_at(sc->err, RT_ERR_PARSE, sc->file, sc->cur.line,
	                   (int)(off - sc->cur.line_start) + 1, "%s", what);
}

static enum keyword keyword_of(const char *w, size_t n)
{
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (strlen(keywords[k].word) == n && !strncasecmp(keywords[k].word, w, n))
			return keywords[k].kw;
	return KW_NONE;
}

/* Skips a quoted run opened at sc->i by `open`, closed by `close`; a doubled
 * close is an escaped one, and with backslash a '\' escapes the next byte. */
static int skip_quoted(scanner *sc, size_t open_at, char close, bool backslash, const char *what)
{
	size_t i = sc->i + 1;
	while (i < sc->len) {
		char c = sc->s[i];
		if (backslash && c == '\\' && i + 1 < sc->len) {
			i += 2;
		} else if (c == close) {
			if (close != ']' && i + 1 < sc->len && sc->s[i + 1] == close) {
				i += 2;
			} else {
				sc->i = i + 1;
				return 0;
			}
		} else {
			i++;
		}
	}
	return fail_at(sc, open_at, what);
}

static int skip_block_comment(scanner *sc)
{
	size_t open_at = sc->i;
	bool nests = sc->dialect == RT_DIALECT_POSTGRESQL;
	int depth = 1;
	size_t i = sc->i + 2;
	while (i < sc->len) {
		if (sc->s[i] == '*' && i + 1 < sc->len && sc->s[i + 1] == '/') {
			i += 2;
			if (--depth == 0) {
				sc->i = i;
				return 0;
			}
		} else if (nests && sc->s[i] == '/' && i + 1 < sc->len && sc->s[i + 1] == '*') {
			depth++;
			i += 2;
		} else {
			i++;
		}
	}
	return fail_at(sc, open_at, "unterminated block comment: '/*' has no matching '*/'");
}

/* Length of a dollar-quote opener "$tag$" at sc->i, or 0 when the '$' is
 * something else (a parameter such as $1, or a stray character). */
static size_t dollar_tag_len(const scanner *sc)
{
	size_t i = sc->i + 1;
	if (i < sc->len && sc->s[i] != '$') {
		if (!is_word_start((unsigned char)sc->s[i]))
			return 0;
		while (i < sc->len && is_word_char((unsigned char)sc->s[i]) && sc->s[i] != '$')
			i++;
	}
	if (i >= sc->len || sc->s[i] != '$')
		return 0;
	return i + 1 - sc->i;
}

static int skip_dollar_quote(scanner *sc, size_t taglen)
{
	const char *tag = sc->s + sc->i;
	for (size_t i = sc->i + taglen; i + taglen <= sc->len; i++) {
		if (sc->s[i] == '$' && !memcmp(sc->s + i, tag, taglen)) {
			sc->i = i + taglen;
			return 0;
		}
	}
	char msg[160];
	snprintf(msg, sizeof(msg),
	         "unterminated dollar-quoted string: '%.*s' has no closing '%.*s'", (int)taglen,
	         tag, (int)taglen, tag);
	return fail_at(sc, sc->i, msg);
}

/* Tracks the keywords that decide whether ';' ends the statement. */
static void see_word(stmt_state *st, const scanner *sc, size_t at, enum keyword kw)
{
	if (st->nwords == 0)
		st->first = kw;
	if (sc->dialect == RT_DIALECT_SQLITE && st->first == KW_CREATE && kw == KW_TRIGGER &&
	    (st->nwords == 1 || (st->nwords == 2 && st->prev == KW_TEMP)))
		st->trigger = true;
	st->nwords++;
	if (st->depth > 0) {
		if (kw == KW_CASE)
			st->depth++;
		else if (kw == KW_END)
			st->depth--;
	} else if (st->trigger && kw == KW_BEGIN) {
		st->depth = 1;
		st->body_at = at;
	} else if (sc->dialect == RT_DIALECT_POSTGRESQL && kw == KW_ATOMIC &&
	           st->prev == KW_BEGIN) {
		st->depth = 1;
		st->body_at = st->prev_at;
	}
	st->prev = kw;
	st->prev_at = at;
}

static void reset_stmt(stmt_state *st)
{
	memset(st, 0, sizeof(*st));
	st->start = SIZE_MAX;
}

typedef struct stmt_list {
	rt__stmt *v;
	size_t n, cap;
} stmt_list;

static int emit(scanner *sc, rt__arena *a, stmt_list *out, const stmt_state *st, size_t end)
{
	if (st->start == SIZE_MAX)
		return 0;
	while (end > st->start && is_space((unsigned char)sc->s[end - 1]))
		end--;
	if (out->n == out->cap) {
		rt__stmt *v = rt__arena_grow(a, out->v, out->n, &out->cap, sizeof(*v));
		if (!v)
			return rt_error_set(sc->err, RT_ERR_NOMEM, "out of memory");
		out->v = v;
	}
	char *text = rt__arena_strndup(a, sc->s + st->start, end - st->start);
	if (!text)
		return rt_error_set(sc->err, RT_ERR_NOMEM, "out of memory");
	cursor_to(sc, st->start);
	out->v[out->n++] = (rt__stmt){text, end - st->start, sc->cur.line};
	return 0;
}

/* Consumes one lexical item at sc->i that is not whitespace, a comment or
 * ';'. Returns 0 or an error. */
static int scan_token(scanner *sc, stmt_state *st)
{
	bool pg = sc->dialect == RT_DIALECT_POSTGRESQL;
	bool lite = sc->dialect == RT_DIALECT_SQLITE;
	unsigned char c = (unsigned char)sc->s[sc->i];
	size_t at = sc->i;
	if (is_word_start(c)) {
		size_t j = sc->i;
		while (j < sc->len && is_word_char((unsigned char)sc->s[j]))
			j++;
		if (pg && j - at == 1 && (c == 'E' || c == 'e') && j < sc->len &&
		    sc->s[j] == '\'') {
			sc->i = j;
			return skip_quoted(sc, at, '\'', true, "unterminated quoted string");
		}
		sc->i = j;
		see_word(st, sc, at, keyword_of(sc->s + at, j - at));
		return 0;
	}
	if (c >= '0' && c <= '9') {
		while (sc->i < sc->len && is_word_char((unsigned char)sc->s[sc->i]))
			sc->i++;
		return 0;
	}
	if (c == '\'')
		return skip_quoted(sc, at, '\'', false, "unterminated quoted string");
	if (c == '"')
		return skip_quoted(sc, at, '"', false, "unterminated quoted identifier");
	if (lite && c == '[')
		return skip_quoted(sc, at, ']', false,
		                   "unterminated quoted identifier: '[' has no ']'");
	if (lite && c == '`')
		return skip_quoted(sc, at, '`', false, "unterminated quoted identifier");
	if (pg && c == '$') {
		size_t taglen = dollar_tag_len(sc);
		if (taglen)
			return skip_dollar_quote(sc, taglen);
	}
	sc->i++;
	return 0;
}

int rt__sql_split(rt__arena *a, const char *file, const char *sql, size_t len, int first_line,
                  rt_dialect dialect, rt__stmt **out, size_t *n, rt_error *err)
{
	scanner sc = {file, sql, len, 0, dialect, {0, 0, first_line}, err};
	stmt_list list = {NULL, 0, 0};
	stmt_state st;
	reset_stmt(&st);
	*out = NULL;
	*n = 0;
	while (sc.i < len) {
		char c = sql[sc.i];
		char next = sc.i + 1 < len ? sql[sc.i + 1] : '\0';
		int rc = 0;
		if (is_space((unsigned char)c)) {
			sc.i++;
		} else if (c == '-' && next == '-') {
			while (sc.i < len && sql[sc.i] != '\n')
				sc.i++;
		} else if (c == '/' && next == '*') {
			rc = skip_block_comment(&sc);
		} else if (c == ';' && st.depth == 0) {
			rc = emit(&sc, a, &list, &st, sc.i);
			reset_stmt(&st);
			sc.i++;
		} else {
			if (st.start == SIZE_MAX)
				st.start = sc.i;
			rc = scan_token(&sc, &st);
		}
		if (rc)
			return rc;
	}
	if (st.depth > 0)
		return fail_at(&sc, st.body_at,
		               st.trigger ? "unterminated trigger body: BEGIN has no matching END"
		                          : "unterminated BEGIN ATOMIC body: no matching END");
	int rc = emit(&sc, a, &list, &st, len);
	if (rc)
		return rc;
	*out = list.v;
	*n = list.n;
	return 0;
}

int rt__sql_put(rt_buf *out, const char *sql, size_t len)
{
	const char *last_line = sql;
	for (size_t i = 0; i < len; i++)
		if (sql[i] == '\n')
			last_line = sql + i + 1;
	size_t rest = len - (size_t)(last_line - sql);
	bool comment = false;
	for (size_t i = 0; i + 1 < rest; i++)
		comment = comment || (last_line[i] == '-' && last_line[i + 1] == '-');
	if (rt_buf_add(out, sql, len) || rt_buf_puts(out, comment ? "\n;\n\n" : ";\n\n"))
		return -RT_ERR_NOMEM;
	return 0;
}
