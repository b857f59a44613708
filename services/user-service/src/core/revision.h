/* revision.h — schema ownership: the database must be at the revision this
 * build was made for (the single head of migrations/versions/, embedded at
 * build time). retort owns the schema; the service only checks.
 */
#ifndef CORE_REVISION_H
#define CORE_REVISION_H

#include <stdbool.h>
#include <stddef.h>

/* The revision the build expects (static string). */
const char *core_revision_expected(void);

/* ALLOW_NEWER_SCHEMA: accept a database at a single revision this build
 * does not know, taken to be a later build's additive (expand) migration
 * applied ahead of a rolling deploy (docs/deploy.md). Call at start-up. */
void core_revision_allow_newer(bool allow);

/* Compares the version-table rows heads[0..n) with the expected revision.
 * Returns 0 when they match; otherwise -1 with one line in msg naming both
 * revisions and the fix: `retort upgrade head` when the database is behind
 * (or empty), rebuilding the service when the database is ahead of it (a
 * revision this build does not know). */
int core_revision_compare(const char *const *heads, size_t n, char *msg, size_t msglen);

/* Reads the version table of database_url with libretort and compares.
 * Returns 0, or -1 with msg filled (also when the database cannot be read). */
int core_revision_check(const char *database_url, const char *version_table, char *msg,
                        size_t msglen);

#endif
