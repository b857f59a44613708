/* lexer.c — tokenising SQL text for the DDL parser (see sql/lexer.h).
 *
 * The lexer is a scanner over bytes with one function per token family,
 * chosen by the first byte. It never fails on bytes it does not know: they
 * become one-byte operator tokens, because statements the parser does not
 * claim must still pass through. Only constructs that swallow the rest of
 * the text when unterminated are errors, reported where they open.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "retort/buf.h"
#include "sql/lexer.h"
#include "banned.h"

typedef struct lexer {
	rt__arena *a;
	const char *file;
	const char *s;
	size_t len, i;
	int line, col;
	int last_tok_line; /* line of the last token emitted, for annotations */
	rt_dialect dialect;
	rt__lexed *out;
	size_t cap_toks, cap_annots;
	rt_error *err;
} lexer;

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static unsigned char peek(const lexer *lx, size_t ahead)
{
	return lx->i + ahead < lx->len ? (unsigned char)lx->s[lx->i + ahead] : 0;
}

/* Moves over n bytes keeping line and column right. */
static void advance(lexer *lx, size_t n)
{
	for (; n && lx->i < lx->len; n--, lx->i++) {
		if (lx->s[lx->i] == '\n') {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
	}
}

static int nomem(lexer *lx)
{
	return rt_error_set(lx->err, RT_ERR_NOMEM, "out of memory while reading SQL");
}

static int unterminated(lexer *lx, const char *what, int line, int col)
{
	return rt_error_at(lx->err, RT_ERR_PARSE, lx->file, line, col, "unterminated %s", what);
}

static int emit(lexer *lx, rt__tok_kind kind, size_t start, int line, int col, const char *value)
{
	rt__lexed *o = lx->out;
	if (o->ntoks + 1 >= lx->cap_toks) {
		rt__token *grown =
		    rt__arena_grow(lx->a, o->toks, o->ntoks, &lx->cap_toks, sizeof(rt__token));
		if (!grown)
			return nomem(lx);
		o->toks = grown;
	}
	char *text = rt__arena_strndup(lx->a, lx->s + start, lx->i - start);
	if (!text)
		return nomem(lx);
	rt__token *t = &o->toks[o->ntoks++];
	t->kind = kind;
	t->text = text;
	t->value = value ? value : text;
	t->line = line;
	t->col = col;
	lx->last_tok_line = lx->line;
	return 0;
}

/* Copies s[from..to) dropping the second of each doubled quote q (and, for
 * E'' strings, the backslash of each escape). */
static char *unquote(lexer *lx, size_t from, size_t to, char q, bool backslash)
{
	char *v = rt__arena_alloc(lx->a, to - from + 1);
	if (!v)
		return NULL;
	size_t n = 0;
	for (size_t k = from; k < to; k++) {
		if (backslash && lx->s[k] == '\\' && k + 1 < to)
			k++;
		else if (lx->s[k] == q && k + 1 < to && lx->s[k + 1] == q)
			k++;
		v[n++] = lx->s[k];
	}
	v[n] = '\0';
	return v;
}

/* A quoted run closed by `close`, where a doubled close stands for itself.
 * Leaves lx->i after the closing byte; returns false when unterminated. */
static bool scan_quoted(lexer *lx, char close, bool backslash)
{
	advance(lx, 1);
	while (lx->i < lx->len) {
		char c = lx->s[lx->i];
		if (backslash && c == '\\') {
			advance(lx, 2);
		} else if (c == close) {
			if (peek(lx, 1) == (unsigned char)close && close != ']') {
				advance(lx, 2);
				continue;
			}
			advance(lx, 1);
			return true;
		} else {
			advance(lx, 1);
		}
	}
	return false;
}

static int lex_string(lexer *lx, size_t prefix)
{
	size_t start = lx->i;
	int line = lx->line, col = lx->col;
	bool backslash = prefix && lower(lx->s[start]) == 'e' && lx->dialect != RT_DIALECT_SQLITE;
	advance(lx, prefix);
	size_t open = lx->i;
	if (!scan_quoted(lx, '\'', backslash))
		return unterminated(lx, "string", line, col);
	char *v = unquote(lx, open + 1, lx->i - 1, '\'', backslash);
	if (!v)
		return nomem(lx);
	return emit(lx, RT__TOK_STRING, start, line, col, v);
}

static int lex_qident(lexer *lx, char close)
{
	size_t start = lx->i;
	int line = lx->line, col = lx->col;
	if (!scan_quoted(lx, close, false))
		return unterminated(lx, "quoted identifier", line, col);
	char *v = unquote(lx, start + 1, lx->i - 1, close, false);
	if (!v)
		return nomem(lx);
	return emit(lx, RT__TOK_QIDENT, start, line, col, v);
}

/* $tag$...$tag$ on PostgreSQL; returns 1 when s[i] does not open one. */
static int lex_dollar(lexer *lx)
{
	size_t t = lx->i + 1;
	while (t < lx->len && (is_ident_start((unsigned char)lx->s[t]) ||
	                       (t > lx->i + 1 && is_digit((unsigned char)lx->s[t]))))
		t++;
	if (t >= lx->len || lx->s[t] != '$')
		return 1;
	size_t taglen = t + 1 - lx->i, start = lx->i;
	int line = lx->line, col = lx->col;
	for (size_t k = t + 1; k + taglen <= lx->len; k++) {
		if (!memcmp(lx->s + k, lx->s + start, taglen)) {
			char *v = rt__arena_strndup(lx->a, lx->s + t + 1, k - t - 1);
			if (!v)
				return nomem(lx);
			advance(lx, k + taglen - start);
			return emit(lx, RT__TOK_STRING, start, line, col, v);
		}
	}
	return unterminated(lx, "dollar-quoted string", line, col);
}

static int lex_word(lexer *lx)
{
	size_t start = lx->i;
	int line = lx->line, col = lx->col;
	while (lx->i < lx->len && is_ident_char((unsigned char)lx->s[lx->i]))
		advance(lx, 1);
	char *v = rt__arena_strndup(lx->a, lx->s + start, lx->i - start);
	if (!v)
		return nomem(lx);
	for (char *p = v; *p; p++)
		*p = lower(*p);
	return emit(lx, RT__TOK_WORD, start, line, col, v);
}

static int lex_number(lexer *lx)
{
	size_t start = lx->i;
	int line = lx->line, col = lx->col;
	while (lx->i < lx->len) {
		unsigned char c = peek(lx, 0);
		if (is_digit(c) || c == '.' || c == '_' || is_ident_start(c))
			advance(lx, 1);
		else if ((c == '+' || c == '-') && lower(lx->s[lx->i - 1]) == 'e' &&
		         !(lx->s[start] == '0' && lower(lx->s[start + 1]) == 'x'))
			advance(lx, 1);
		else
			break;
	}
	return emit(lx, RT__TOK_NUMBER, start, line, col, NULL);
}

static bool is_op_char(unsigned char c)
{
	return c && strchr("+-*/<>=~!@#%^&|`?:", c) != NULL;
}

/* Operators are maximal runs of operator bytes, cut before a comment. */
static int lex_op(lexer *lx)
{
	size_t start = lx->i;
	int line = lx->line, col = lx->col;
	advance(lx, 1);
	while (is_op_char(peek(lx, 0)) && !(peek(lx, 0) == '-' && peek(lx, 1) == '-') &&
	       !(peek(lx, 0) == '/' && peek(lx, 1) == '*'))
		advance(lx, 1);
	return emit(lx, RT__TOK_OP, start, line, col, NULL);
}

static int add_annotation(lexer *lx, const char *name, int line, int col)
{
	rt__lexed *o = lx->out;
	if (o->nannots >= lx->cap_annots) {
		rt__annotation *grown = rt__arena_grow(lx->a, o->annots, o->nannots,
		                                       &lx->cap_annots, sizeof(rt__annotation));
		if (!grown)
			return nomem(lx);
		o->annots = grown;
	}
	rt__annotation *an = &o->annots[o->nannots++];
	an->old_name = name;
	an->line = line;
	an->col = col;
	an->standalone = lx->last_tok_line != line;
	return 0;
}

/* The name in an annotation, from s[k..end): "Quoted" kept as is, bare
 * folded. NULL with *why set when there is none, NULL alone on NOMEM. */
static char *annotation_name(lexer *lx, size_t k, size_t end, const char **why)
{
	size_t from = k;
	if (k < end && lx->s[k] == '"') {
		size_t close = k + 1;
		while (close < end && lx->s[close] != '"')
			close++;
		if (close >= end || close == k + 1) {
			*why = "bad name";
			return NULL;
		}
		return rt__arena_strndup(lx->a, lx->s + k + 1, close - k - 1);
	}
	while (k < end && is_ident_char((unsigned char)lx->s[k]))
		k++;
	if (k == from || !is_ident_start((unsigned char)lx->s[from])) {
		*why = "no name";
		return NULL;
	}
	char *name = rt__arena_strndup(lx->a, lx->s + from, k - from);
	for (char *p = name; p && *p; p++)
		*p = lower(*p);
	return name;
}

/* "-- retort:renamed-from name": the name is one identifier, quoted or not. */
static int line_comment(lexer *lx)
{
	static const char marker[] = "retort:renamed-from";
	int line = lx->line, col = lx->col;
	size_t end = lx->i;
	while (end < lx->len && lx->s[end] != '\n')
		end++;
	size_t k = lx->i + 2;
	while (k < end && (lx->s[k] == ' ' || lx->s[k] == '\t'))
		k++;
	size_t mlen = sizeof(marker) - 1;
	if (end - k < mlen || memcmp(lx->s + k, marker, mlen)) {
		advance(lx, end - lx->i);
		return 0;
	}
	k += mlen;
	while (k < end && (lx->s[k] == ' ' || lx->s[k] == '\t'))
		k++;
	const char *why = NULL;
	char *name = annotation_name(lx, k, end, &why);
	if (!name && !why)
		return nomem(lx);
	if (!name)
		return rt_error_at(lx->err, RT_ERR_PARSE, lx->file, line, col,
		                   "expected a column or table name after 'retort:renamed-from'");
	advance(lx, end - lx->i);
	return add_annotation(lx, name, line, col);
}

static int block_comment(lexer *lx)
{
	int line = lx->line, col = lx->col, depth = 0;
	while (lx->i < lx->len) {
		if (peek(lx, 0) == '/' && peek(lx, 1) == '*') {
			depth++;
			advance(lx, 2);
		} else if (peek(lx, 0) == '*' && peek(lx, 1) == '/') {
			advance(lx, 2);
			if (--depth == 0)
				return 0;
		} else {
			advance(lx, 1);
		}
	}
	return unterminated(lx, "block comment", line, col);
}

/* One token or comment starting at lx->i (not whitespace). */
static int lex_one(lexer *lx)
{
	unsigned char c = peek(lx, 0), n = peek(lx, 1);
	bool sqlite = lx->dialect == RT_DIALECT_SQLITE;
	if (c == '-' && n == '-')
		return line_comment(lx);
	if (c == '/' && n == '*')
		return block_comment(lx);
	if (c == '\'')
		return lex_string(lx, 0);
	if (strchr("eEbBxXnN", c) && n == '\'')
		return lex_string(lx, 1);
	if (c == '"')
		return lex_qident(lx, '"');
	if (sqlite && c == '[')
		return lex_qident(lx, ']');
	if (sqlite && c == '`')
		return lex_qident(lx, '`');
	if (c == '$' && !sqlite && !is_digit(n)) {
		int rc = lex_dollar(lx);
		if (rc <= 0)
			return rc;
	}
	if (is_ident_start(c))
		return lex_word(lx);
	if (is_digit(c) || (c == '.' && is_digit(n)))
		return lex_number(lx);
	if (strchr("()[],;.", c)) {
		size_t start = lx->i;
		int line = lx->line, col = lx->col;
		advance(lx, 1);
		return emit(lx, RT__TOK_PUNCT, start, line, col, NULL);
	}
	return lex_op(lx);
}

int rt__lex(rt__arena *a, const char *file, int line, const char *sql, size_t len,
            rt_dialect dialect, rt__lexed *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	lexer lx = {.a = a,
	            .file = file,
	            .s = sql,
	            .len = len,
	            .line = line,
	            .col = 1,
	            .last_tok_line = 0,
	            .dialect = dialect,
	            .out = out,
	            .err = err};
	/* Neither database reads past a NUL, and token texts are C strings. */
	const char *nul = memchr(sql, '\0', len);
	if (nul) {
		advance(&lx, (size_t)(nul - sql));
		return rt_error_at(err, RT_ERR_PARSE, file, lx.line, lx.col, "unexpected NUL byte");
	}
	while (lx.i < lx.len) {
		unsigned char c = peek(&lx, 0);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			advance(&lx, 1);
			continue;
		}
		int rc = lex_one(&lx);
		if (rc)
			return rc;
	}
	size_t start = lx.i;
	int rc = emit(&lx, RT__TOK_END, start, lx.line, lx.col, NULL);
	if (rc)
		return rc;
	out->ntoks--; /* the END token is there but not counted */
	return 0;
}

bool rt__tok_is(const rt__token *tok, const char *kw)
{
	return tok->kind == RT__TOK_WORD && !strcmp(tok->value, kw);
}

/* ---- keywords and normalised text ------------------------------------ */

#define K RT__KW_KEYWORD
#define R (RT__KW_KEYWORD | RT__KW_RESERVED)
#define F (RT__KW_KEYWORD | RT__KW_FUNC)
#define T (RT__KW_KEYWORD | RT__KW_FUNC | RT__KW_TYPE)

/* Sorted: looked up by binary search. Reserved words are PostgreSQL's
 * reserved ones (which SQLite reserves too, or tolerates quoted). */
static const struct keyword {
	const char *word;
	unsigned flags;
} keywords[] = {
    {"action", K},
    {"all", R},
    {"always", K},
    {"analyse", R},
    {"analyze", R},
    {"and", R},
    {"any", R},
    {"array", R},
    {"as", R},
    {"asc", R},
    {"asymmetric", R},
    {"authorization", R},
    {"autoincrement", R},
    {"between", K},
    {"bigint", T},
    {"bigserial", T},
    {"binary", R},
    {"bit", T},
    {"blob", T},
    {"bool", T},
    {"boolean", T},
    {"both", R},
    {"by", K},
    {"bytea", T},
    {"cascade", K},
    {"case", R},
    {"cast", R | F},
    {"char", T},
    {"character", T},
    {"check", R},
    {"coalesce", F},
    {"collate", R},
    {"collation", R},
    {"column", R},
    {"concurrently", R},
    {"constraint", R},
    {"create", R},
    {"cross", R},
    {"current_catalog", R},
    {"current_date", R},
    {"current_role", R},
    {"current_time", R},
    {"current_timestamp", R},
    {"current_user", R},
    {"date", T},
    {"day", T},
    {"decimal", T},
    {"default", R},
    {"deferrable", R},
    {"deferred", K},
    {"desc", R},
    {"distinct", R},
    {"do", R},
    {"double", T},
    {"else", R},
    {"end", R},
    {"escape", K},
    {"except", R},
    {"exists", F},
    {"extract", F},
    {"false", R},
    {"fetch", R},
    {"first", K},
    {"float", T},
    {"float4", T},
    {"float8", T},
    {"for", R},
    {"foreign", R},
    {"freeze", R},
    {"from", R},
    {"full", R},
    {"generated", K},
    {"glob", K},
    {"grant", R},
    {"greatest", F},
    {"group", R},
    {"having", R},
    {"hour", T},
    {"identity", K},
    {"ilike", R},
    {"immediate", K},
    {"in", R},
    {"index", R},
    {"initially", R},
    {"inner", R},
    {"int", T},
    {"int2", T},
    {"int4", T},
    {"int8", T},
    {"integer", T},
    {"intersect", R},
    {"interval", T},
    {"into", R},
    {"is", R},
    {"isnull", R},
    {"join", R},
    {"json", T},
    {"jsonb", T},
    {"key", K},
    {"last", K},
    {"lateral", R},
    {"leading", R},
    {"least", F},
    {"left", R},
    {"like", R},
    {"limit", R},
    {"localtime", R},
    {"localtimestamp", R},
    {"match", K},
    {"minute", T},
    {"month", T},
    {"natural", R},
    {"no", K},
    {"not", R},
    {"notnull", R},
    {"null", R},
    {"nullif", F},
    {"nulls", K},
    {"numeric", T},
    {"offset", R},
    {"on", R},
    {"only", R},
    {"or", R},
    {"order", R},
    {"outer", R},
    {"overlaps", R},
    {"placing", R},
    {"precision", T},
    {"primary", R},
    {"real", T},
    {"references", R},
    {"regexp", K},
    {"restrict", K},
    {"returning", R},
    {"right", R},
    {"second", T},
    {"select", R},
    {"serial", T},
    {"session_user", R},
    {"set", K},
    {"similar", R},
    {"smallint", T},
    {"smallserial", T},
    {"some", R},
    {"stored", K},
    {"symmetric", R},
    {"table", R},
    {"tablesample", R},
    {"text", T},
    {"then", R},
    {"time", T},
    {"timestamp", T},
    {"timestamptz", T},
    {"to", R | T},
    {"trailing", R},
    {"true", R},
    {"union", R},
    {"unique", R},
    {"user", R},
    {"using", R},
    {"uuid", T},
    {"varchar", T},
    {"variadic", R},
    {"varying", T},
    {"verbose", R},
    {"virtual", K},
    {"when", R},
    {"where", R},
    {"window", R},
    {"with", R | T},
    {"without", K | T},
    {"year", T},
    {"zone", T},
};

#undef K
#undef R
#undef F
#undef T

static int by_word(const void *key, const void *elem)
{
	return strcmp(key, ((const struct keyword *)elem)->word);
}

unsigned rt__keyword(const char *word)
{
	const struct keyword *k = bsearch(word, keywords, sizeof(keywords) / sizeof(keywords[0]),
	                                  sizeof(keywords[0]), by_word);
	return k ? k->flags : 0;
}

bool rt__ident_is_plain(const char *name)
{
	if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z')))
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || is_digit((unsigned char)*p)))
			return false;
	return !(rt__keyword(name) & RT__KW_RESERVED);
}

static bool tok_punct(const rt__token *t, const char *s)
{
	return (t->kind == RT__TOK_PUNCT || t->kind == RT__TOK_OP) && !strcmp(t->text, s);
}

/* A sign is unary after nothing, an operator, an opening or a separator,
 * or a keyword that is not a value (AND, THEN, DEFAULT's context...). */
static bool is_unary(const rt__token *toks, size_t i)
{
	if (!(tok_punct(&toks[i], "-") || tok_punct(&toks[i], "+")))
		return false;
	if (i == 0)
		return true;
	const rt__token *prev = &toks[i - 1];
	if (prev->kind == RT__TOK_OP)
		return true;
	if (prev->kind == RT__TOK_PUNCT)
		return !tok_punct(prev, ")") && !tok_punct(prev, "]");
	return prev->kind == RT__TOK_WORD && (rt__keyword(prev->value) & RT__KW_RESERVED) &&
	       !rt__tok_is(prev, "null") && !rt__tok_is(prev, "true") &&
	       !rt__tok_is(prev, "false") && strncmp(prev->value, "current_", 8) != 0;
}

/* Joining two tokens must not make different tokens: "-" "-" is a
 * comment, "." "5" a number, "<" "=" one operator. */
static bool must_space(const rt__token *prev, const rt__token *t)
{
	size_t n = strlen(prev->text);
	char last = n ? prev->text[n - 1] : '\0', next = t->text[0];
	if ((last == '-' && next == '-') || (last == '/' && next == '*'))
		return true;
	if ((prev->kind == RT__TOK_NUMBER && next == '.') ||
	    (last == '.' && t->kind == RT__TOK_NUMBER))
		return true;
	return prev->kind == RT__TOK_OP && t->kind == RT__TOK_OP;
}

static bool space_between(const rt__token *toks, size_t i)
{
	const rt__token *prev = &toks[i - 1], *t = &toks[i];
	if (must_space(prev, t))
		return true;
	if (tok_punct(prev, "(") || tok_punct(prev, "[") || tok_punct(prev, ".") ||
	    tok_punct(prev, "::"))
		return false;
	if (tok_punct(t, ")") || tok_punct(t, "]") || tok_punct(t, ",") || tok_punct(t, ".") ||
	    tok_punct(t, "::") || tok_punct(t, "["))
		return false;
	if (is_unary(toks, i - 1))
		return false;
	if (tok_punct(t, "(")) {
		if (prev->kind == RT__TOK_QIDENT)
			return false;
		if (prev->kind == RT__TOK_WORD) {
			unsigned kw = rt__keyword(prev->value);
			return kw && !(kw & RT__KW_FUNC);
		}
	}
	return true;
}

static int put_token(rt_buf *b, const rt__token *t)
{
	if (t->kind == RT__TOK_WORD) {
		if (!rt__keyword(t->value))
			return rt_buf_puts(b, t->value);
		for (const char *p = t->value; *p; p++)
			if (rt_buf_putc(b, (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p))
				return -RT_ERR_NOMEM;
		return 0;
	}
	if (t->kind == RT__TOK_QIDENT) {
		if (rt__ident_is_plain(t->value) && !rt__keyword(t->value))
			return rt_buf_puts(b, t->value);
		return rt_buf_add_ident(b, t->value);
	}
	return rt_buf_puts(b, t->text);
}

char *rt__tok_text(rt__arena *a, const rt__token *toks, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (i && space_between(toks, i))
			rc = rt_buf_putc(&b, ' ');
		if (!rc)
			rc = put_token(&b, &toks[i]);
	}
	char *s = rc ? NULL : rt__arena_strndup(a, b.data, b.len);
	rt_buf_release(&b);
	return s;
}
