/* rules.c — the lint rule table (see retort/lint.h) and the hit list the
 * checks append to.
 *
 * Adding a rule: one row here (a new code, never a reused one: people
 * write codes into lint-ignore annotations), the check that fires it in
 * lint/checks.c, a positive and a negative case in tests/unit/test_lint.c,
 * and a row in docs/retort.md's rule table.
 *
 * Severities: error for what cannot be taken back or breaks the build that
 * still serves (data loss, drops and renames the previous release still
 * uses, SQL PostgreSQL refuses), so `retort lint` fails CI on them; warning
 * for long locks, whose cost depends on the table's size and traffic,
 * which a script does not show, and for NOT NULL, which only the rows can
 * decide. `retort lint --strict` fails on warnings too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lint/hits.h"
#include "banned.h"

/* clang-format off */
static const rt_lint_rule rules[] = {
	{"RT101", RT_LINT_ERROR, "drop table", "data loss: its rows are gone for good",
	 "copy the rows somewhere first (CREATE TABLE ..._archive AS SELECT ...), or keep the "
	 "table until nobody needs them", false},
	{"RT102", RT_LINT_ERROR, "drop column", "data loss: its values are gone for good",
	 "copy the values first, or keep the column until nobody needs them", false},
	{"RT103", RT_LINT_ERROR, "type narrowing", "data loss: values that do not fit are cut or "
	 "make the migration fail",
	 "add a column of the new type, copy and check the values, then switch over", false},
	{"RT104", RT_LINT_WARNING, "set not null", "fails when a row holds NULL, which only the "
	 "data can tell",
	 "backfill first (UPDATE ... SET col = ... WHERE col IS NULL), in this or an earlier "
	 "migration", false},
	{"RT201", RT_LINT_WARNING, "create index without CONCURRENTLY",
	 "blocks writes to the table while the index builds",
	 "CREATE INDEX CONCURRENTLY in a section marked transaction=false", true},
	{"RT202", RT_LINT_WARNING, "type change rewrites the table",
	 "blocks reads and writes while every row is rewritten",
	 "add a column of the new type, backfill it in batches, switch reads, drop the old one "
	 "in a later release", true},
	{"RT203", RT_LINT_WARNING, "foreign key without NOT VALID",
	 "blocks writes to both tables while every row is checked",
	 "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later "
	 "statement or migration", true},
	{"RT204", RT_LINT_WARNING, "set not null without a CHECK first",
	 "blocks reads and writes while every row is scanned",
	 "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT c, then SET "
	 "NOT NULL (PostgreSQL 12+ skips the scan) and drop c", true},
	{"RT205", RT_LINT_WARNING, "volatile default on a new column",
	 "rewrites the whole table under an exclusive lock (a constant or now() does not)",
	 "add the column without a default, SET DEFAULT for new rows, backfill old rows in "
	 "batches", true},
	{"RT206", RT_LINT_ERROR, "CONCURRENTLY inside a transaction",
	 "PostgreSQL refuses it: the migration fails",
	 "put the statement in a section marked transaction=false", true},
	{"RT301", RT_LINT_ERROR, "drop table while the previous build serves",
	 "the running release still reads it and fails until the new one is out",
	 "expand/contract: first release code that no longer uses it, drop it in a later "
	 "release", false},
	{"RT302", RT_LINT_ERROR, "drop column while the previous build serves",
	 "the running release still reads or writes it and fails until the new one is out",
	 "expand/contract: first release code that no longer uses it, drop it in a later "
	 "release", false},
	{"RT303", RT_LINT_ERROR, "rename table", "the running release still uses the old name",
	 "expand/contract: create the new table (or a view under the old name), write both, "
	 "drop the old one in a later release", false},
	{"RT304", RT_LINT_ERROR, "rename column", "the running release still uses the old name",
	 "expand/contract: add the new column, write both and backfill, switch reads, drop the "
	 "old one in a later release", false},
	{"RT901", RT_LINT_ERROR, "lint-ignore without a reason",
	 "an ignore must say why the finding is safe here",
	 "write -- retort:lint-ignore CODE reason", false},
	{"RT902", RT_LINT_ERROR, "lint-ignore of an unknown code",
	 "it silences nothing", "name a code from the rule table", false},
	{"RT903", RT_LINT_WARNING, "lint-ignore that silences nothing",
	 "no such finding on the statement just below it",
	 "put it on the comment lines just above the statement, or remove it", false},
};
/* clang-format on */

const rt_lint_rule *rt_lint_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const rt_lint_rule *rt_lint_rule_find(const char *code)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].code, code))
			return &rules[i];
	return NULL;
}

const char *rt_lint_severity_name(rt_lint_severity s)
{
	return s == RT_LINT_ERROR ? "error" : "warning";
}

int rt__lint_hit_add(rt__lint_hits *h, const char *code, size_t stmt, int line, const char *fmt,
                     ...)
{
	const rt_lint_rule *rule = rt_lint_rule_find(code);
	if (!rule)
		return 0;
	if (h->n >= h->cap) {
		rt__lint_hit *grown = rt__arena_grow(h->a, h->v, h->n, &h->cap, sizeof(*h->v));
		if (!grown)
			return -RT_ERR_NOMEM;
		h->v = grown;
	}
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const char *msg = rt__arena_strdup(h->a, buf);
	if (!msg)
		return -RT_ERR_NOMEM;
	h->v[h->n++] = (rt__lint_hit){rule, stmt, line, msg, false};
	return 0;
}
