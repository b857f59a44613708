/* script.h — one migration script, as parsed from
 * <script_location>/versions/<rev>_<slug>.sql:
 *
 *   -- add_phone_number_to_users
 *   --
 *   -- Revision ID: 96f087ac5e97
 *   -- Revises: 4ac6063c6f0a            (empty for a root, "a, b" for a merge)
 *   -- Create Date: 2026-02-11 09:19:55.294917
 *   -- Branch Labels: a, b              (optional)
 *   -- Depends On: rev, ...             (optional)
 *
 *   -- retort:upgrade [transaction=false] [dialect=postgresql|sqlite]
 *   ...SQL...
 *   -- retort:downgrade [options]
 *   ...SQL...
 *
 * Scripts are read-only values owned by the graph that loaded them.
 */
#ifndef RETORT_SCRIPT_H
#define RETORT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/url.h"

typedef enum rt_direction {
	RT_DOWN = -1,
	RT_UP = 1,
} rt_direction;

typedef struct rt_section {
	rt_direction direction;
	rt_dialect dialect; /* RT_DIALECT_NONE: the generic section */
	bool transaction;   /* false with transaction=false */
	const char *sql;    /* the body: text after the marker line up to the next
	                     * marker or end of file (NUL-terminated copy) */
	size_t len;
	int line; /* file line of the first body line */
} rt_section;

typedef struct rt_script {
	const char *path;     /* as loaded (versions_dir/filename) */
	const char *filename; /* base name */
	const char *revision;
	const char *message;     /* first header line ("" if none) */
	const char *create_date; /* NULL when absent */
	const char **down_revisions;
	size_t n_down;
	const char **branch_labels;
	size_t n_labels;
	const char **depends_on;
	size_t n_depends;
	rt_section *sections;
	size_t n_sections;
	const char *header; /* the header comment block, "-- " stripped, for show */
	char checksum[65];  /* SHA-256 of the file bytes, lowercase hex */
} rt_script;

/* The section to run for direction on dialect: a section naming the dialect
 * wins over the generic one. NULL when the script has neither (an empty
 * migration is valid: a script with an empty section returns it). */
const rt_section *rt_script_section(const rt_script *s, rt_direction dir, rt_dialect dialect);

#endif
