/* hits.h — what the lint checks find inside libretort (internal): a list of
 * hits, each a rule, the statement it is about and a message, on an arena.
 * lint/lint.c turns the hits that survive the ignore annotations into the
 * public rt_lint_report.
 */
#ifndef RETORT_LINT_HITS_H
#define RETORT_LINT_HITS_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/lint.h"
#include "util/arena.h"

typedef struct rt__lint_hit {
	const rt_lint_rule *rule;
	size_t stmt;         /* index of the statement in its section; SIZE_MAX for
	                      * a finding about an annotation */
	int line;            /* file line */
	const char *message; /* arena string */
	bool silenced;       /* by a lint-ignore annotation */
} rt__lint_hit;

typedef struct rt__lint_hits {
	rt__arena *a; /* borrowed: where hits and messages live */
	rt__lint_hit *v;
	size_t n, cap;
} rt__lint_hits;

/* Appends a hit of rule code (which must be in the table: a wrong code is
 * a programming error caught by the unit tests, and is dropped) with a
 * formatted message. 0 or -RT_ERR_NOMEM. */
int rt__lint_hit_add(rt__lint_hits *h, const char *code, size_t stmt, int line, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));

#endif
