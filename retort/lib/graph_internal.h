/* graph_internal.h — the inside of rt_graph, shared by graph.c (building,
 * lookup) and graph_plan.c (targets, plans, version-table bookkeeping), and
 * the builder unit tests call directly with hand-made scripts.
 *
 * Scripts are stored in topological order (parents and dependencies before
 * children, ties by revision id), so a script's index is also its rank:
 * every ancestor has a smaller index. Closures over ancestors/descendants are
 * then one pass over a bool array, O(n + edges).
 */
#ifndef RETORT_GRAPH_INTERNAL_H
#define RETORT_GRAPH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/graph.h"
#include "util/arena.h"

#define RT__NO_NODE ((size_t)-1)

typedef struct rt__gnode {
	size_t *parents; /* down-revisions, as indices */
	size_t n_parents;
	size_t *deps; /* depends_on, as indices */
	size_t n_deps;
	const rt_script **children; /* scripts naming this one as a down-revision */
	size_t n_children;
} rt__gnode;

typedef struct rt__glabel {
	const char *label;
	size_t node;
} rt__glabel;

struct rt_graph {
	rt__arena arena; /* owns the scripts and everything below */
	size_t n;
	rt_script *scripts; /* topological order */
	rt__gnode *nodes;   /* parallel to scripts */
	const rt_script **heads;
	size_t n_heads;
	const rt_script **bases;
	size_t n_bases;
	size_t *by_id;      /* node indices sorted by revision id (bytewise) */
	rt__glabel *labels; /* sorted by label */
	size_t n_labels;
};

/* Builds a graph from scripts[0..n), which live in *owned together with
 * their strings. Takes ownership of the arena in every case: on success the
 * graph releases it in rt_graph_free, on failure it is released here (and
 * *owned is left empty). Errors: RT_ERR_GRAPH, RT_ERR_NOMEM. */
int rt__graph_build(rt__arena *owned, rt_script *scripts, size_t n, rt_graph **out, rt_error *err);

/* Index of s in g, or RT__NO_NODE when s is not one of g's scripts. */
size_t rt__graph_index(const rt_graph *g, const rt_script *s);

/* Index of the script whose revision id is exactly id, or RT__NO_NODE. */
size_t rt__graph_find(const rt_graph *g, const char *id);

/* Index of the script declaring branch label, or RT__NO_NODE. */
size_t rt__graph_find_label(const rt_graph *g, const char *label);

/* Closures over set[0..g->n): marks every ancestor (descendant) of a marked
 * node; with_deps follows depends_on edges as well as down-revisions. */
void rt__graph_close_up(const rt_graph *g, bool *set, bool with_deps);
void rt__graph_close_down(const rt_graph *g, bool *set, bool with_deps);

#endif
