/* alembic_import.h — reading an Alembic history through Alembic itself
 * (internal; `adopt --from-alembic`). */
#ifndef RETORT_ALEMBIC_IMPORT_H
#define RETORT_ALEMBIC_IMPORT_H

#include <stddef.h>

#include "retort/error.h"
#include "util/arena.h"

/* One Alembic revision, as Alembic's ScriptDirectory reads it, with the SQL
 * of its upgrade() and downgrade() from Alembic's offline mode (its own
 * version-table statements and BEGIN/COMMIT left out). Arena strings. */
typedef struct rt__alembic_rev {
	const char *revision;
	const char *source; /* Alembic's script file */
	const char **downs; /* down_revision: none for a root, several for a merge */
	size_t n_down;
	const char **labels;
	size_t n_labels;
	const char **depends; /* depends_on, resolved to revision ids */
	size_t n_depends;
	const char *message;     /* the docstring's first paragraph */
	const char *create_date; /* the docstring's "Create Date:", or NULL */
	const char *upgrade_sql; /* "" when the function emits nothing */
	const char *downgrade_sql;
} rt__alembic_rev;

typedef struct rt__alembic_history {
	rt__alembic_rev *revs; /* parents before children */
	size_t n;
	const char *version_table; /* what env.py configures (alembic_version) */
} rt__alembic_history;

/* Runs python (an interpreter that can import alembic) on script_dir,
 * Alembic's script directory (env.py and versions/), with database_url
 * naming the dialect of the offline SQL: it becomes sqlalchemy.url and,
 * for env.py files that read it, DATABASE_URL. The alembic.ini beside
 * script_dir is used when there is one (logging, prepend_sys_path). Never
 * connects to a database. Errors (RT_ERR_CONFIG, one line, with a hint):
 * script_dir is not an Alembic script directory; python cannot be run or
 * cannot import alembic; Alembic's own error reading the scripts. */
int rt__alembic_read(rt__arena *a, const char *python, const char *script_dir,
                     const char *database_url, rt__alembic_history *out, rt_error *err);

#endif
