/* script_file.h — reading and writing migration script files (internal).
 * The format is described in retort/script.h. */
#ifndef RETORT_SCRIPT_FILE_H
#define RETORT_SCRIPT_FILE_H

#include "retort/buf.h"
#include "retort/script.h"
#include "util/arena.h"

/* Parses text (len bytes) read from path into *out; all strings are arena
 * copies. Errors are RT_ERR_PARSE with file:line: missing "Revision ID:",
 * invalid revision id characters, unknown "retort:" marker, unknown or
 * malformed section option (e.g. "transaction=maybe", "dialect=oracle"), a
 * direction+dialect section given twice, SQL before the first marker. */
int rt__script_parse(rt__arena *a, const char *path, const char *text, size_t len, rt_script *out,
                     rt_error *err);

/* What a new script says. */
typedef struct rt__script_spec {
	const char *revision;
	const char *message; /* may be NULL or "" */
	const char *create_date;
	const char *const *down_revisions;
	size_t n_down;
	const char *const *branch_labels;
	size_t n_labels;
	const char *const *depends_on;
	size_t n_depends;
	const char *upgrade_sql;   /* body text, may be NULL for empty */
	const char *downgrade_sql; /* body text, may be NULL for empty */
} rt__script_spec;

/* Appends the full file text for spec to out; parsing it back yields the
 * same fields. */
int rt__script_render(rt_buf *out, const rt__script_spec *spec);

/* "Add phone number!" -> "add_phone_number" (words of [A-Za-z0-9], joined
 * by '_', lowercased, cut to 40 characters at a word boundary). Arena string;
 * may be "" for a message with no word characters. */
char *rt__script_slug(rt__arena *a, const char *message);

#endif
