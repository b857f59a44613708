/* version.h — the version table retort keeps (RETORT_VERSION_TABLE):
 * which revision the database is at, for /ready. The service only reads
 * it; retort owns the schema.
 */
#ifndef REPOSITORIES_VERSION_H
#define REPOSITORIES_VERSION_H

#include "core/db.h"

/* The SQL text; read-only after repo_version_init. */
typedef struct repo_version {
	char *heads; /* SELECT version_num FROM <table> ORDER BY version_num */
} repo_version;

/* Builds the SQL for the version table named table (quoted as an
 * identifier). Returns 0, or -1 when out of memory. Release with
 * repo_version_release. */
int repo_version_init(repo_version *r, const char *table);
void repo_version_release(repo_version *r);

/* The version table's rows (one column, version_num, sorted) into *out,
 * which the caller frees with core_db_result_free. Returns CORE_DB_OK or a
 * negative core_db_status with err filled. */
int repo_version_heads(const repo_version *r, core_db *db, core_db_result **out,
                       core_db_error *err);

#endif
