/* config.h — retort.ini.
 *
 *   [retort]
 *   script_location = migrations      ; holds versions/
 *   models = models                   ; directory of *.sql, or a glob
 *   database_url = ${DATABASE_URL}    ; ${VAR} and ${VAR:-default}
 *   version_table = retort_version
 *   include_tables = *                ; fnmatch globs of the tables we own
 *   exclude_tables = courses*         ; never ours
 *
 * Values expand ${VAR} / ${VAR:-default} from the process environment, then
 * from a `.env` file beside the config (KEY=VALUE lines, optional quotes,
 * `export ` prefix and # comments, as pydantic-settings reads them; the real
 * environment wins). The library never modifies the process environment.
 * Relative script_location and models are resolved against the directory of
 * the config file.
 */
#ifndef RETORT_CONFIG_H
#define RETORT_CONFIG_H

#include <stdbool.h>

#include "retort/error.h"

typedef struct rt_config rt_config;

/* Loads the config at path. url_override, when non-NULL, replaces
 * database_url (the --url option). On success *out is a new config owned by
 * the caller (rt_config_free). Errors: RT_ERR_IO (missing/unreadable file),
 * RT_ERR_CONFIG with file:line (no [retort] section, malformed line,
 * unterminated ${, undefined variable without default, missing
 * script_location, a malformed include_tables / exclude_tables list). */
int rt_config_load(const char *path, const char *url_override, rt_config **out, rt_error *err);

/* A config with no file behind it (for tools and tests): script_location and
 * database_url given, everything else defaulted. */
int rt_config_new(const char *script_location, const char *database_url, rt_config **out,
                  rt_error *err);

void rt_config_free(rt_config *cfg);

/* Accessors return strings owned by cfg, valid until rt_config_free. */
const char *rt_config_path(const rt_config *cfg);            /* "" for rt_config_new */
const char *rt_config_script_location(const rt_config *cfg); /* resolved */
const char *rt_config_versions_dir(const rt_config *cfg);    /* script_location/versions */
const char *rt_config_models(const rt_config *cfg);          /* resolved, or NULL */
const char *rt_config_database_url(const rt_config *cfg);    /* NULL when not set */
const char *rt_config_version_table(const rt_config *cfg);   /* default retort_version */
/* Whether the history owns table (in schema, NULL when unknown): it
 * matches an include_tables glob (default *) and no exclude_tables glob, and
 * is neither retort's version table, its <version_table>_log, nor an
 * alembic_version* table. A glob with a '.' matches "schema.table". */
bool rt_config_owns_table(const rt_config *cfg, const char *schema, const char *table);
/* Any key of the [retort] section after expansion, or NULL. */
const char *rt_config_get(const rt_config *cfg, const char *key);

#endif
