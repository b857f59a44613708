/* ddl_parse.h — the parser state and token helpers shared by the DDL
 * grammar files (internal to lib/sql/ddl*.c): ddl_table.c parses column
 * definitions and constraints, ddl.c the statements around them.
 */
#ifndef RETORT_SQL_DDL_PARSE_H
#define RETORT_SQL_DDL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sql/ddl.h"
#include "sql/lexer.h"

/* Returned by grammar functions for "not ours after all": not an error. */
#define OTHER_STMT 1

typedef struct parser {
	rt__arena *a;
	rt__schema *s;
	const char *file;
	rt__lexed lx;
	size_t pos;
	rt_error *err;
	const char *table_annot; /* renamed-from given before the statement */
} parser;

static inline const rt__token *cur(const parser *p)
{
	return &p->lx.toks[p->pos];
}

static inline const rt__token *ahead(const parser *p, size_t k)
{
	return p->pos + k < p->lx.ntoks ? &p->lx.toks[p->pos + k] : &p->lx.toks[p->lx.ntoks];
}

static inline bool at_end(const parser *p)
{
	return cur(p)->kind == RT__TOK_END;
}

static inline bool is_kw(const parser *p, const char *kw)
{
	return rt__tok_is(cur(p), kw);
}

static inline bool is_punct(const parser *p, const char *s)
{
	return cur(p)->kind == RT__TOK_PUNCT && !strcmp(cur(p)->text, s);
}

static inline bool accept(parser *p, const char *kw)
{
	if (!is_kw(p, kw))
		return false;
	p->pos++;
	return true;
}

/* Accepts a run of keywords only when all of them are there. */
static inline bool accept2(parser *p, const char *kw1, const char *kw2)
{
	if (!is_kw(p, kw1) || !rt__tok_is(ahead(p, 1), kw2))
		return false;
	p->pos += 2;
	return true;
}

static inline bool accept_punct(parser *p, const char *s)
{
	if (!is_punct(p, s))
		return false;
	p->pos++;
	return true;
}

static inline bool accept_if_not_exists(parser *p)
{
	if (!is_kw(p, "if") || !rt__tok_is(ahead(p, 1), "not") ||
	    !rt__tok_is(ahead(p, 2), "exists"))
		return false;
	p->pos += 3;
	return true;
}

static inline rt__srcpos pos_of(const parser *p, const rt__token *t)
{
	return (rt__srcpos){p->file, t->line, t->col};
}

int rt__ddlp_nomem(parser *p);
int rt__ddlp_fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rt__ddlp_expect(parser *p, const char *kw, const char *what);
int rt__ddlp_expect_punct(parser *p, const char *s, const char *what);
const char *rt__ddlp_ident(parser *p);
const char *rt__ddlp_qualified(parser *p);
int rt__ddlp_need_name(parser *p, const char **out, const char *what);
char *rt__ddlp_text_of(parser *p, size_t from, size_t to);
int rt__ddlp_skip_group(parser *p);
int rt__ddlp_expr_until(parser *p, const char *const *stops, const char *what, const char **out);
rt__table *rt__ddlp_new_table(parser *p, const char *name);
int rt__ddlp_type_name(parser *p, rt_dialect dialect, const char **out);
int rt__ddlp_column_def(parser *p, rt__table *t, rt_dialect dialect);
int rt__ddlp_table_constraint(parser *p, rt__table *t);
bool rt__ddlp_at_table_constraint(const parser *p);
int rt__ddlp_skip_element(parser *p);

#endif
