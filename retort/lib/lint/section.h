/* section.h — linting one section of SQL text (internal): split, parse,
 * check each statement, then apply the lint-ignore annotations.
 */
#ifndef RETORT_LINT_SECTION_H
#define RETORT_LINT_SECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "lint/hits.h"
#include "retort/config.h"
#include "retort/error.h"
#include "schema/model.h"

typedef struct rt__lint_input {
	const char *file; /* for findings and parse errors */
	const char *sql;  /* the section body */
	size_t len;
	int first_line; /* file line of sql's first byte */
	rt_dialect dialect;
	bool transaction;         /* the section runs in a transaction */
	const rt__schema *before; /* the schema before the script, or NULL */
	const rt_config *cfg;     /* ownership; NULL: every table is ours */
} rt__lint_input;

/* Lints in into out (whose arena holds the hits), in file order, with
 * silenced hits marked and the annotations' own findings added. Errors:
 * RT_ERR_PARSE (file:line:col) for malformed SQL; RT_ERR_NOMEM. */
int rt__lint_section(const rt__lint_input *in, rt__lint_hits *out, rt_error *err);

#endif
