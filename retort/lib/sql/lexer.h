/* lexer.h — SQL tokens for the DDL parser (internal).
 *
 * One pass over a statement's text yields its tokens, each with the line and
 * column it starts at. Comments are skipped, except that a
 * "-- retort:renamed-from old" comment is surfaced as an annotation so the
 * parser can attach it to the column or table it describes. Unquoted
 * identifiers fold to lower case on both dialects (PostgreSQL does; SQLite
 * compares them case-insensitively, so folding loses nothing).
 */
#ifndef RETORT_SQL_LEXER_H
#define RETORT_SQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/error.h"
#include "retort/url.h"
#include "util/arena.h"

typedef enum rt__tok_kind {
	RT__TOK_END,    /* after the last token; text "" */
	RT__TOK_WORD,   /* identifier or keyword, unquoted; value is lower case */
	RT__TOK_QIDENT, /* "quoted" ([x] and `x` on SQLite); value is the name */
	RT__TOK_NUMBER,
	RT__TOK_STRING, /* 'x', E'x', X'..', $tag$x$tag$; value is the content */
	RT__TOK_OP,     /* operators: + - * / < > = :: || ... and stray bytes */
	RT__TOK_PUNCT,  /* ( ) [ ] , ; . */
} rt__tok_kind;

typedef struct rt__token {
	rt__tok_kind kind;
	const char *text;  /* the source text, NUL-terminated arena copy */
	const char *value; /* WORD: folded; QIDENT/STRING: unquoted content;
	                    * otherwise == text */
	int line, col;
} rt__token;

typedef struct rt__annotation {
	const char *old_name; /* the name after "retort:renamed-from" */
	int line, col;
	bool standalone; /* no token before it on its line */
} rt__annotation;

typedef struct rt__lexed {
	rt__token *toks; /* ntoks tokens, then one RT__TOK_END */
	size_t ntoks;
	rt__annotation *annots;
	size_t nannots;
} rt__lexed;

/* Tokenises sql[0..len), whose first byte is at file:line:1. Everything is
 * allocated on a. Errors (RT_ERR_PARSE, at the opening token): unterminated
 * string, quoted identifier, dollar quote or block comment; a malformed
 * renamed-from annotation. */
int rt__lex(rt__arena *a, const char *file, int line, const char *sql, size_t len,
            rt_dialect dialect, rt__lexed *out, rt_error *err);

/* True when tok is the unquoted word kw (kw in lower case). */
bool rt__tok_is(const rt__token *tok, const char *kw);

/* What a lower-case word is to us: any of these bits, or 0 for a plain
 * identifier. KEYWORD words are written upper-case in normalised text;
 * RESERVED ones must be quoted to be used as names; FUNC ones take their
 * '(' without a space (types, CAST, COALESCE); TYPE ones may continue a
 * multi-word type name (DOUBLE PRECISION, TIMESTAMP WITH TIME ZONE). */
enum {
	RT__KW_KEYWORD = 1,
	RT__KW_RESERVED = 2,
	RT__KW_FUNC = 4,
	RT__KW_TYPE = 8,
};
unsigned rt__keyword(const char *word);

/* Normalised text of toks[0..n): keywords upper-case, other unquoted words
 * as folded, quoted names quoted only when they must be, single spaces
 * between tokens, none inside parentheses or brackets, before ',' or
 * around '.' and '::', nor between a function name and its '('. Arena
 * string; NULL on allocation failure. */
char *rt__tok_text(rt__arena *a, const rt__token *toks, size_t n);

/* True when name can be written without quotes: [a-z_][a-z0-9_]* and not a
 * reserved word. */
bool rt__ident_is_plain(const char *name);

#endif
