/* revision.c — the start-up revision check (see revision.h). The expected
 * head and the list of known revisions come from expected_revision.h, which
 * meson generates from migrations/versions/ (tools/expected_revision.py). */
#include "core/revision.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "expected_revision.h"
#include "retort/migrate.h"
#include "banned.h"

static const char *const known[] = CORE_KNOWN_REVISIONS;

/* Set once at start-up, before any thread reads it. */
static bool allow_newer;

void core_revision_allow_newer(bool allow)
{
	allow_newer = allow;
}

const char *core_revision_expected(void)
{
	return CORE_EXPECTED_REVISION;
}

static bool is_known(const char *rev)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i], rev) == 0)
			return true;
	return false;
}

/* A version row may be NULL (a table made by hand or by another tool). */
static const char *rev_at(const char *const *heads, size_t i)
{
	return heads[i] ? heads[i] : "";
}

int core_revision_compare(const char *const *heads, size_t n, char *msg, size_t msglen)
{
	const char *want = CORE_EXPECTED_REVISION;
	if (n == 1 && strcmp(rev_at(heads, 0), want) == 0)
		return 0;
	char have[256] = "";
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof have; i++)
		len += (size_t)snprintf(have + len, sizeof have - len, "%s%s", i ? ", " : "",
		                        rev_at(heads, i));
	if (n == 0) {
		snprintf(msg, msglen,
		         "database has no revision (empty or not migrated) but this build expects "
		         "%s; run `retort upgrade head`",
		         want);
		return -1;
	}
	bool all_known = true;
	for (size_t i = 0; i < n; i++)
		all_known = all_known && is_known(rev_at(heads, i));
	/* one head this build has never seen: a later build's expand step */
	if (allow_newer && n == 1 && !all_known)
		return 0;
	if (all_known)
		snprintf(
		    msg, msglen,
		    "database is at revision %s but this build expects %s; run `retort upgrade "
		    "head`",
		    have, want);
	else
		snprintf(
		    msg, msglen,
		    "database is at revision %s, which this build does not know, but this build "
		    "expects %s; rebuild the service from the source that has the migration (or "
		    "`retort downgrade %s` with that source)",
		    have, want, want);
	return -1;
}

int core_revision_check(const char *database_url, const char *version_table, char *msg,
                        size_t msglen)
{
	char **heads = NULL;
	size_t n = 0;
	rt_error err;
	rt_error_clear(&err);
	if (rt_read_heads(database_url, version_table, &heads, &n, &err)) {
		snprintf(msg, msglen, "cannot read the database's revision: %s%s%s", err.message,
		         err.detail[0] ? ": " : "", err.detail);
		return -1;
	}
	int rc = core_revision_compare((const char *const *)heads, n, msg, msglen);
	rt_strings_free(heads, n);
	return rc;
}
