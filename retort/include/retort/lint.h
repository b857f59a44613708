/* lint.h — reviewing a migration script before it runs: what it would do
 * to data, to a busy PostgreSQL table, and to the previous build that still
 * serves while it runs.
 *
 * Lint reads a script's upgrade section for one dialect (the one its
 * database URL names) with retort's own SQL splitter and DDL parser; it
 * never connects. What existed before the script is known from the
 * history: the upgrade sections of the script's ancestors are replayed into
 * a schema model, so a type change is compared with the column's type
 * before it. A table created earlier in the same script is new: nothing
 * reads it and it holds no rows, so no rule fires on it. Tables the
 * history does not own (include_tables / exclude_tables) are not looked at.
 *
 * "-- retort:lint-ignore CODE reason" in the comment lines just above a
 * statement silences that statement's finding CODE. An ignore without a
 * reason or naming an unknown code is itself a finding (RT901, RT902), and
 * so is one that silences nothing (RT903).
 */
#ifndef RETORT_LINT_H
#define RETORT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/error.h"
#include "retort/migrate.h"
#include "retort/script.h"
#include "retort/url.h"

typedef enum rt_lint_severity {
	RT_LINT_WARNING,
	RT_LINT_ERROR,
} rt_lint_severity;

typedef struct rt_lint_rule {
	const char *code; /* "RT101": stable, what lint-ignore names */
	rt_lint_severity severity;
	const char *what;  /* "drop table" */
	const char *why;   /* the harm, one clause: "data loss" */
	const char *safer; /* the safer way, one sentence */
	bool postgresql_only;
} rt_lint_rule;

/* The rule table, in code order (static; *n its length). */
const rt_lint_rule *rt_lint_rules(size_t *n);
/* The rule named code (exact), or NULL. */
const rt_lint_rule *rt_lint_rule_find(const char *code);
/* "error" / "warning"; static strings. */
const char *rt_lint_severity_name(rt_lint_severity s);

typedef struct rt_lint_finding {
	const rt_lint_rule *rule;
	char *file;    /* the script's path as loaded; malloc'd */
	int line;      /* the statement's first line in that file */
	char *message; /* what it does to what: "drop column users.phone"; malloc'd */
} rt_lint_finding;

/* Findings in file order. Zero-initialise; release frees what it holds. */
typedef struct rt_lint_report {
	rt_lint_finding *findings;
	size_t n, cap;
} rt_lint_report;

void rt_lint_report_release(rt_lint_report *r);
/* How many findings of r are errors. */
size_t rt_lint_errors(const rt_lint_report *r);

/* Lints script s (a script of ctx's graph) for dialect (RT_DIALECT_NONE:
 * the dialect of the configured database URL, read without connecting),
 * appending its findings to out. Errors: RT_ERR_CONFIG / RT_ERR_URL when the
 * dialect must come from a URL that is missing or malformed; RT_ERR_PARSE
 * (file:line:col) for SQL the parser claims but finds malformed, in s or in
 * an ancestor; RT_ERR_NOMEM. */
int rt_ctx_lint(rt_ctx *ctx, const rt_script *s, rt_dialect dialect, rt_lint_report *out,
                rt_error *err);

#endif
