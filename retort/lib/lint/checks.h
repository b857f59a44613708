/* checks.h — the lint rules applied to one parsed statement (internal to
 * lint), in statement order, with what the earlier statements of the same
 * script showed kept in the scope.
 */
#ifndef RETORT_LINT_CHECKS_H
#define RETORT_LINT_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "lint/hits.h"
#include "retort/config.h"
#include "schema/model.h"
#include "sql/ddl.h"
#include "sql/lexer.h"

typedef struct rt__lint_names {
	const char **v;
	size_t n, cap;
} rt__lint_names;

typedef struct rt__lint_scope {
	rt__arena *a;
	const char *file;
	rt_dialect dialect;
	bool transaction;         /* the section runs in a transaction */
	const rt__schema *before; /* the schema before the script; NULL: unknown */
	const rt_config *cfg;     /* ownership; NULL: every table is owned */
	/* what earlier statements of this script did */
	rt__lint_names created;    /* tables created (and their new names) */
	rt__lint_names not_null;   /* "table.column" with a CHECK (column IS NOT NULL) */
	rt__lint_names validated;  /* tables with a VALIDATE CONSTRAINT */
	rt__lint_names backfilled; /* tables an UPDATE wrote to */
} rt__lint_scope;

/* Initialises sc on a (everything else zero); the caller sets the inputs. */
void rt__lint_scope_init(rt__lint_scope *sc, rt__arena *a);

/* Applies the rules to statement number stmt (parsed into st; its tokens in
 * lx, for the statements the parser runs verbatim), whose first token is on
 * file line `line`, appending hits to out, then records in sc what the
 * statement did. 0 or -RT_ERR_NOMEM. */
int rt__lint_statement(rt__lint_scope *sc, const rt__ddl_stmt *st, const rt__lexed *lx, size_t stmt,
                       int line, rt__lint_hits *out);

#endif
