/* model_deps.h — which model files depend on which, and the cache key of
 * each (internal): what lets autogenerate apply to the scratch schema only
 * the files that changed.
 *
 * A file "owns" the tables and enum types it creates. Its share of the
 * scratch schema can change when its own bytes change, when a file that
 * alters, indexes or comments on what it owns changes (a contributor), or
 * when the owner or a contributor of a table or type it references changes
 * (a referenced table's primary key decides what a bare REFERENCES t
 * means, and whether the key can be created at all). The key of a file
 * hashes all of those files' paths and bytes, and the global part (server,
 * settings, retort's build, dialect). A file and its contributors are
 * applied together ("bonded"); the tables they reference but do not own
 * are recreated from the cache as bare stubs (columns, primary and unique
 * keys), which is all a foreign key needs.
 *
 * When the statements cannot be attributed so surely — a statement the
 * parser does not understand, a DROP, a rename of a table, a CREATE TABLE
 * whose text says INHERITS or LIKE (columns from another table), a reference to a
 * table no model creates, two objects whose names the database could mix
 * up (one name the prefix of another's "name_", as t and t_id_seq, or very
 * long names it might truncate) — doubt says why, and autogenerate
 * rebuilds everything. */
#ifndef RETORT_AUTOGEN_MODEL_DEPS_H
#define RETORT_AUTOGEN_MODEL_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "autogen/model_cache.h"
#include "sql/ddl.h"
#include "util/arena.h"

typedef struct rt__mdep_file {
	/* set by the caller */
	const char *path;
	const char *text;
	size_t len;
	/* set by rt__mdeps_build (arena arrays) */
	const char **tables, **enums; /* what the file creates */
	size_t ntables, nenums;
	const char **refs; /* tables its statements reference by foreign keys */
	size_t nrefs;
	size_t *bonds; /* files applied together with this one */
	size_t nbonds;
	unsigned char key[RT__MCACHE_KEY];
} rt__mdep_file;

typedef struct rt__mdep_stmt {
	const rt__ddl_stmt *ddl;
	size_t file;     /* index into the files */
	const char *sql; /* its text (the parser skips what CREATE TABLE has after
	                  * its columns, such as INHERITS) */
	size_t len;
} rt__mdep_stmt;

/* Fills files[0..nfiles) (path, text, len set) from the statements (in
 * file order), with global the hash of what every key shares. Returns 0
 * with *doubt NULL when every file can be cached on its own, 0 with *doubt
 * a reason (arena or static text) when not, or -RT_ERR_NOMEM. */
int rt__mdeps_build(rt__arena *a, rt__mdep_file *files, size_t nfiles, const rt__mdep_stmt *st,
                    size_t nst, const unsigned char global[RT__MCACHE_KEY], const char **doubt);

/* Extends in[0..nfiles) (files to apply) to every file bonded to one in it. */
int rt__mdeps_bond_closure(const rt__mdep_file *files, size_t nfiles, bool *in);

#endif
