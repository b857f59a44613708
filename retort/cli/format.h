/* format.h — how revisions are printed by history, heads, branches, show
 * and current: Alembic's one-line form and its verbose block. */
#ifndef RETORT_CLI_FORMAT_H
#define RETORT_CLI_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "retort/retort.h"

/* What a one-line entry shows besides the revision id. */
enum {
	FMT_PARENTS = 1 << 0,  /* "<down> -> " before the id */
	FMT_BRANCHES = 1 << 1, /* " (label, ...)" */
	FMT_HEAD = 1 << 2,     /* " (head)", and " (current)" when current */
	FMT_TREE = 1 << 3,     /* " (branchpoint)" / " (mergepoint)" */
	FMT_DOC = 1 << 4,      /* ", message" */
};

/* Prints one line (with its newline). */
void fmt_line(FILE *out, const rt_graph *g, const rt_script *s, unsigned flags, bool current);

/* Prints the verbose block: Rev, Parent or Merges, Also depends on,
 * Branches into, Branch names, Path, then the header indented by 4. */
void fmt_verbose(FILE *out, const rt_graph *g, const rt_script *s, bool current);

/* "Generating <absolute path> ...  done", Alembic's line for a new script. */
void fmt_generated(FILE *out, const char *path);

/* True when some current revision id equals s's. */
bool fmt_is_current(const rt_script *s, const char *const *current, size_t n);

#endif
