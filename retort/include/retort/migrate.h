/* migrate.h — the migration context: a config, its revision graph and
 * (opened on first use) a database connection. Every command of the CLI is
 * one call here.
 *
 * The library never prints: progress lines ("Running upgrade a -> b, msg",
 * Alembic's wording) go to the log callback. Online operations serialise
 * with other processes (PostgreSQL advisory lock, SQLite write lock), re-read
 * the version table under the lock, and run each migration in its own
 * transaction together with its version-table update.
 */
#ifndef RETORT_MIGRATE_H
#define RETORT_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/buf.h"
#include "retort/config.h"
#include "retort/error.h"
#include "retort/graph.h"

typedef struct rt_ctx rt_ctx;

typedef enum rt_log_level {
	RT_LOG_INFO,
	RT_LOG_WARNING,
} rt_log_level;

/* msg has no trailing newline. */
typedef void (*rt_log_fn)(void *ud, rt_log_level level, const char *msg);

/* Loads the graph from cfg's versions dir (cfg is borrowed and must outlive
 * the context). Does not connect. Caller frees with rt_ctx_free. */
int rt_ctx_open(const rt_config *cfg, rt_ctx **out, rt_error *err);
void rt_ctx_free(rt_ctx *ctx);
void rt_ctx_set_log(rt_ctx *ctx, rt_log_fn fn, void *ud);
/* Whether autogenerate may take model files' results from the model cache
 * (.retort-cache/ beside the config file; on by default). Off: every model
 * file is applied to the scratch schema, and the cache is written afresh. */
void rt_ctx_set_model_cache(rt_ctx *ctx, bool use);
const rt_graph *rt_ctx_graph(const rt_ctx *ctx);
const rt_config *rt_ctx_config(const rt_ctx *ctx);

/* The configured database's dialect (parses database_url; RT_ERR_CONFIG when
 * none is configured, RT_ERR_URL when it is malformed). */
int rt_ctx_dialect(rt_ctx *ctx, rt_dialect *out, rt_error *err);

/* The version table's rows, sorted. *heads is a ctx-owned array of
 * ctx-owned strings, valid until the next call on ctx. A database without a
 * version table has no rows. */
int rt_ctx_current(rt_ctx *ctx, const char *const **heads, size_t *n, rt_error *err);

int rt_ctx_upgrade(rt_ctx *ctx, const char *target, rt_error *err);
int rt_ctx_downgrade(rt_ctx *ctx, const char *target, rt_error *err);
/* Sets the version table to targets without running scripts; purge first
 * empties it (needed when it holds unknown revisions). */
int rt_ctx_stamp(rt_ctx *ctx, const char *const *targets, size_t n, bool purge, rt_error *err);

/* Offline mode: appends to out the SQL for dir over range "A:B" (upgrade:
 * from A, default base, to B; downgrade: from A to B, both required),
 * including the version-table statements, for the configured dialect,
 * without connecting. */
int rt_ctx_offline_sql(rt_ctx *ctx, rt_direction dir, const char *range, rt_buf *out,
                       rt_error *err);

/* Autogenerate: the models compared with the database, which must be at
 * head (RT_ERR_STATE "Target database is not up to date." otherwise).
 * Strings are malloc'd and owned by the result (rt_autogen_release). An
 * empty summary means no changes. */
typedef struct rt_autogen {
	char *upgrade_sql;   /* statements for the script's upgrade section */
	char *downgrade_sql; /* the exact inverse, for the downgrade section */
	char **summary;      /* one line per operation: "add column users.phone_number" */
	size_t nsummary;
	char **warnings; /* what a person must review: data loss, possible renames */
	size_t nwarnings;
	unsigned long catalog_queries; /* round trips introspection made (both sides) */
} rt_autogen;
int rt_ctx_autogenerate(rt_ctx *ctx, rt_autogen *out, rt_error *err);
void rt_autogen_release(rt_autogen *ag);

/* Appends the live database's schema (without retort's own tables) as
 * canonical text, one fact per line, as autogenerate sees it; with models,
 * the schema the model files make instead. */
int rt_ctx_inspect(rt_ctx *ctx, bool models, rt_buf *out, rt_error *err);

/* Model SQL (the plain SQL the models directory holds) for the live
 * database's owned schema: tables, columns, keys, checks, indexes, enum
 * types and comments, sorted, the same bytes for the same schema; `retort
 * check` against it exits 0. split_dir NULL: all of it is appended to out.
 * Otherwise one file per table, split_dir/<table>.sql (enum types in
 * types.sql), split_dir created if missing, and out gets each path written,
 * one a line. An existing target file is an error (RT_ERR_IO, nothing
 * written) unless force, which replaces it. */
int rt_ctx_inspect_sql(rt_ctx *ctx, const char *split_dir, bool force, rt_buf *out, rt_error *err);

/* Applied scripts whose file changed since they ran: "rev (path)" lines,
 * malloc'd; free with rt_strings_free. Compares the checksum of the last
 * upgrade logged for each revision still in the version table's history. */
int rt_ctx_edited_scripts(rt_ctx *ctx, char ***lines, size_t *n, rt_error *err);

/* A new revision file. parents: the down-revisions; NULL/0 means the
 * current single head (RT_ERR_HEADS when there are several: "Multiple heads
 * are present; ..." with a hint naming --head or merge). head: a target
 * naming the parent (--head; "base" starts a new root); splice allows a
 * parent that is not a head. */
typedef struct rt_revision_opts {
	const char *message;
	const char *rev_id; /* NULL: 12 random hex digits */
	const char *head;
	bool splice;
	const char *const *parents; /* merge: explicit parents */
	size_t n_parents;
	const char *const *branch_labels;
	size_t n_labels;
	const char *const *depends_on;
	size_t n_depends;
	const char *upgrade_sql;   /* body, NULL for an empty section */
	const char *downgrade_sql; /* body, NULL for an empty section */
} rt_revision_opts;

/* Writes <versions>/<rev>_<slug>.sql; *path_out (malloc'd, caller frees)
 * names it. The graph is reloaded afterwards so the context sees it. */
int rt_ctx_revision(rt_ctx *ctx, const rt_revision_opts *opts, char **path_out, rt_error *err);

/* `adopt`: taking over what Alembic managed. With from_alembic (Alembic's
 * script directory), imports its history: one script per Alembic revision,
 * same revision id, down-revisions, branch labels, depends-on and message,
 * bodies from Alembic's offline SQL for the configured dialect (run by the
 * interpreter named by retort.ini's alembic_python, RETORT_ALEMBIC_PYTHON,
 * or python3); the database is not touched. Refuses a versions directory
 * that already holds scripts unless force (which replaces files of the same
 * name). Nothing is written unless everything was read and checked. Then
 * sets retort.ini's version_table to Alembic's (editing only that key).
 * Without from_alembic, a baseline of the live database, under the
 * migration lock: one root revision whose id is the revision in the
 * configured version table (or, when that has none, in alembic_version),
 * whose upgrade creates the owned schema from empty and whose downgrade
 * drops it; the models written into the models directory
 * (rt_ctx_inspect_sql; existing *.sql there refused unless force); and
 * version_table set to that table. The models are first loaded back from
 * a scratch copy and compared with the database: a schema they would not
 * reproduce is refused (RT_ERR_STATE, the differences in the detail). The
 * database is not changed. Several
 * rows (Alembic heads): RT_ERR_HEADS listing them. No row: a new id, and
 * the database is stamped with it. A versions directory that holds scripts
 * is refused (RT_ERR_STATE). On success the caller owns the result
 * (rt_adopt_release). */
typedef struct rt_adopt_opts {
	const char *from_alembic; /* NULL: a baseline of the live database */
	bool force;
} rt_adopt_opts;
typedef struct rt_adopt_result {
	char **written; /* paths of the files written, in order */
	size_t n_written;
	char *version_table; /* what retort.ini's version_table says now */
	bool ini_changed;    /* whether adopt edited it */
	char *revision;      /* baseline: its id; import: the head(s), ", "-joined */
	bool stamped;        /* baseline: the version table was stamped with it */
} rt_adopt_result;
int rt_ctx_adopt(rt_ctx *ctx, const rt_adopt_opts *opts, rt_adopt_result *out, rt_error *err);
void rt_adopt_release(rt_adopt_result *r);

/* The version table's rows of the database at database_url, without a
 * project (no scripts needed): what a service checks at start-up. *heads is
 * a malloc'd array of malloc'd strings, sorted; free with rt_strings_free.
 * A database without the table has no rows. */
int rt_read_heads(const char *database_url, const char *version_table, char ***heads, size_t *n,
                  rt_error *err);
void rt_strings_free(char **v, size_t n);

/* Creates dir/versions and, when config_path does not exist, a retort.ini
 * there pointing at dir. Refuses a non-empty existing dir. */
int rt_init(const char *dir, const char *config_path, rt_error *err);

#endif
