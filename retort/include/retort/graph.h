/* graph.h — the revision graph: scripts linked by down-revisions (the
 * version-table ancestry) and depends-on (ordering only), with Alembic's
 * targets and the plans that move a database between sets of heads.
 *
 * Targets (upgrade): head, heads, <rev or unique prefix>, <label>,
 *   <label>@head, +N, <rev>@+N, <label>@+N.
 * Targets (downgrade): base, <rev>, -N, <rev>@-N, <label>@base, <label>@-N.
 * Ranges (history, offline SQL): A:B with either side empty, base, head(s),
 *   current, a revision or a relative target.
 *
 * A graph owns its scripts; every pointer it returns lives until
 * rt_graph_free.
 */
#ifndef RETORT_GRAPH_H
#define RETORT_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/error.h"
#include "retort/script.h"

typedef struct rt_graph rt_graph;

/* Parses every *.sql in versions_dir and builds the graph. Errors: parse
 * errors with file:line; RT_ERR_GRAPH for a duplicate revision id, a
 * down-revision or dependency that names no script ("revision X referenced
 * by Y is not present"), a cycle, a branch label used twice. */
int rt_graph_load(const char *versions_dir, rt_graph **out, rt_error *err);
void rt_graph_free(rt_graph *g);

/* All scripts, parents before children (ties by revision id). */
size_t rt_graph_count(const rt_graph *g);
const rt_script *rt_graph_at(const rt_graph *g, size_t i);

/* Heads: scripts no other script names as a down-revision. Bases: roots. */
const rt_script *const *rt_graph_heads(const rt_graph *g, size_t *n);
const rt_script *const *rt_graph_bases(const rt_graph *g, size_t *n);
/* Scripts naming s as a down-revision. */
const rt_script *const *rt_graph_children(const rt_graph *g, const rt_script *s, size_t *n);

/* Exact id, unique id prefix, or branch label (a label resolves to the
 * script that declares it). RT_ERR_REVISION: "Can't locate revision
 * identified by 'x'"; "Multiple revisions start with 'ab': ab12..., ab34...". */
const rt_script *rt_graph_lookup(const rt_graph *g, const char *id, rt_error *err);

/* The script whose revision id is exactly id: no prefix, no label. NULL
 * when there is none (or id is NULL); no error to report, as for ids read
 * back from a version table the caller words its own. */
const rt_script *rt_graph_find(const rt_graph *g, const char *id);

/* The hint every command gives when the database records a revision that
 * rt_graph_lookup cannot find. */
#define RT_UNKNOWN_REVISION_HINT                                                              \
	"the database was stamped with a revision this project does not have; `retort stamp " \
	"--purge <rev>` resets it"

/* True when anc is desc or reachable from desc by down-revisions and
 * dependencies. */
bool rt_graph_is_ancestor(const rt_graph *g, const rt_script *anc, const rt_script *desc);

typedef struct rt_step {
	const rt_script *script;
	rt_direction direction;
} rt_step;

/* Heads as stored in a version table: a set of revision ids. The plan and
 * step functions take and return such sets as arrays of strings. */
typedef struct rt_plan {
	rt_step *steps;
	size_t n;
} rt_plan;

/* Plans the steps that bring a database whose version table holds
 * current[0..n_current) to target, in dir. Upgrade steps are parents first,
 * downgrade steps children first; each script at most once. An empty plan
 * means "already there". Errors:
 *  - RT_ERR_REVISION: a current revision or the target is unknown
 *    ("Can't locate revision identified by 'x'");
 *  - RT_ERR_HEADS: target "head" (or +N, -N) with several candidate heads:
 *    the message lists them and the hint is "retort merge heads" or naming
 *    a head explicitly;
 *  - RT_ERR_STATE: relative move past base/head ("Relative revision -3
 *    didn't produce 3 migrations"), or downgrade target that is not below
 *    the current revision.
 * On success the caller owns out->steps (free()). */
int rt_graph_plan(const rt_graph *g, const char *const *current, size_t n_current, rt_direction dir,
                  const char *target, rt_plan *out, rt_error *err);
void rt_plan_release(rt_plan *plan);

/* The version-table change of one step applied to heads[0..n): revision ids
 * to delete and to insert (Alembic's bookkeeping: an upgrade replaces the
 * script's down-revisions that are heads, or adds a row when its parent is
 * already superseded on another branch; a downgrade restores the
 * down-revisions that no remaining head descends from). The arrays point at
 * graph-owned strings and are valid until rt_graph_free; the caller frees
 * the two arrays themselves. */
typedef struct rt_version_change {
	const char **remove;
	size_t n_remove;
	const char **add;
	size_t n_add;
} rt_version_change;
int rt_graph_step_change(const rt_graph *g, const char *const *heads, size_t n_heads,
                         const rt_step *step, rt_version_change *out, rt_error *err);
void rt_version_change_release(rt_version_change *c);

/* Resolves a history range "A:B" (either side may be empty) against the
 * current heads (may be empty when not connected): fills a newly malloc'd
 * array of the scripts in it, newest first (caller frees the array). A range
 * without ':' is an error (RT_ERR_USAGE). "current" needs current heads. */
int rt_graph_range(const rt_graph *g, const char *const *current, size_t n_current,
                   const char *range, const rt_script ***out, size_t *n, rt_error *err);

/* The current heads after a whole plan: convenience for offline mode and
 * tests; fills a malloc'd array of graph-owned strings. */
int rt_graph_heads_after(const rt_graph *g, const char *const *current, size_t n_current,
                         const rt_plan *plan, const char ***out, size_t *n, rt_error *err);

#endif
