/* graph.c — building the revision graph from migration scripts and querying
 * it: load, consistency checks, topological order, heads, bases, children,
 * lookup by id / label / prefix, ancestry. Plans live in graph_plan.c.
 *
 * Lookups are binary searches over arrays sorted once at build time, so a
 * history of thousands of scripts loads and resolves in O(n log n).
 */
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "retort/buf.h"
#include "script_file.h"
#include "util/fs.h"
#include "banned.h"

/* Working state of one build; the index arrays are relative to the caller's
 * script order until the topological sort renumbers them. */
typedef struct builder {
	rt__arena *a;
	rt_script *in;
	size_t n;
	size_t **par, *npar, **dep, *ndep;
	size_t *order; /* topological position -> input index */
	size_t *rank;  /* input index -> topological position */
	rt_error *err;
} builder;

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
}

static const char *script_name(const rt_script *s)
{
	return s->filename && *s->filename ? s->filename : s->revision;
}

/* ---- sorting and searching ---------------------------------------------- */

typedef struct id_key {
	const char *revision;
	size_t index;
} id_key;

static int cmp_id_key(const void *x, const void *y)
{
	return strcmp(((const id_key *)x)->revision, ((const id_key *)y)->revision);
}

/* Fills out[0..n) with the indices of s sorted by revision id. */
static int sort_by_id(const rt_script *s, size_t n, size_t *out)
{
	id_key *keys = malloc((n + 1) * sizeof(*keys));
	if (!keys)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		keys[i] = (id_key){s[i].revision, i};
	qsort(keys, n, sizeof(*keys), cmp_id_key);
	for (size_t i = 0; i < n; i++)
		out[i] = keys[i].index;
	free(keys);
	return 0;
}

static int cmp_label(const void *x, const void *y)
{
	const rt__glabel *p = x, *q = y;
	return strcmp(p->label, q->label);
}

/* First position in by_id[0..n) whose id is >= key: where an exact match
 * or the run of ids starting with key begins. */
static size_t lower_bound(const rt_script *s, const size_t *by_id, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s[by_id[mid]].revision, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t find_in(const rt_script *s, const size_t *by_id, size_t n, const char *id)
{
	size_t i = lower_bound(s, by_id, n, id);
	return i < n && !strcmp(s[by_id[i]].revision, id) ? by_id[i] : RT__NO_NODE;
}

static size_t find_label_in(const rt__glabel *labels, size_t n, const char *label)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(labels[mid].label, label);
		if (c == 0)
			return labels[mid].node;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return RT__NO_NODE;
}

/* ---- build: ids, labels, references ------------------------------------- */

static int check_duplicate_ids(builder *b, size_t *by_id)
{
	if (sort_by_id(b->in, b->n, by_id))
		return nomem(b->err);
	for (size_t i = 1; i < b->n; i++) {
		const rt_script *x = &b->in[by_id[i - 1]], *y = &b->in[by_id[i]];
		if (!strcmp(x->revision, y->revision))
			return rt_error_set(b->err, RT_ERR_GRAPH,
			                    "Revision %s is present more than once: in %s and %s",
			                    x->revision, script_name(x), script_name(y));
	}
	return 0;
}

static int collect_labels(builder *b, rt__glabel **out, size_t *nout)
{
	size_t total = 0;
	for (size_t i = 0; i < b->n; i++)
		total += b->in[i].n_labels;
	rt__glabel *labels = rt__arena_array(b->a, total ? total : 1, sizeof(*labels));
	if (!labels)
		return nomem(b->err);
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		for (size_t j = 0; j < b->in[i].n_labels; j++)
			labels[k++] = (rt__glabel){b->in[i].branch_labels[j], i};
	qsort(labels, total, sizeof(*labels), cmp_label);
	for (size_t i = 1; i < total; i++) {
		if (strcmp(labels[i - 1].label, labels[i].label))
			continue;
		const rt_script *x = &b->in[labels[i - 1].node], *y = &b->in[labels[i].node];
		if (x == y)
			return rt_error_set(b->err, RT_ERR_GRAPH,
			                    "Branch label '%s' is declared twice in %s",
			                    labels[i].label, script_name(x));
		return rt_error_set(b->err, RT_ERR_GRAPH,
		                    "Branch label '%s' is declared by both %s and %s",
		                    labels[i].label, script_name(x), script_name(y));
	}
	*out = labels;
	*nout = total;
	return 0;
}

/* Turns the id lists of every script into input indices. A dependency may
 * also name a branch label, as Alembic allows. */
static int resolve_refs(builder *b, const size_t *by_id, const rt__glabel *labels, size_t n_labels)
{
	for (size_t i = 0; i < b->n; i++) {
		const rt_script *s = &b->in[i];
		b->par[i] = rt__arena_array(b->a, s->n_down + 1, sizeof(size_t));
		b->dep[i] = rt__arena_array(b->a, s->n_depends + 1, sizeof(size_t));
		if (!b->par[i] || !b->dep[i])
			return nomem(b->err);
		b->npar[i] = s->n_down;
		b->ndep[i] = s->n_depends;
		for (size_t k = 0; k < s->n_down + s->n_depends; k++) {
			bool down = k < s->n_down;
			const char *ref =
			    down ? s->down_revisions[k] : s->depends_on[k - s->n_down];
			size_t j = find_in(b->in, by_id, b->n, ref);
			if (j == RT__NO_NODE && !down)
				j = find_label_in(labels, n_labels, ref);
			if (j == RT__NO_NODE)
				return rt_error_set(
				    b->err, RT_ERR_GRAPH,
				    "Revision %s referenced from script %s is not present", ref,
				    script_name(s));
			if (down)
				b->par[i][k] = j;
			else
				b->dep[i][k - s->n_down] = j;
		}
	}
	return 0;
}

/* ---- build: topological order ------------------------------------------- */

/* A min-heap of input indices ordered by revision id gives "parents first,
 * ties by revision id" in one Kahn pass. */
typedef struct heap {
	size_t *v;
	size_t n;
	const rt_script *s;
} heap;

static bool heap_less(const heap *h, size_t i, size_t j)
{
	return strcmp(h->s[h->v[i]].revision, h->s[h->v[j]].revision) < 0;
}

static void heap_swap(heap *h, size_t i, size_t j)
{
	size_t t = h->v[i];
	h->v[i] = h->v[j];
	h->v[j] = t;
}

static void heap_push(heap *h, size_t x)
{
	size_t i = h->n++;
	h->v[i] = x;
	while (i && heap_less(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static size_t heap_pop(heap *h)
{
	size_t top = h->v[0];
	h->v[0] = h->v[--h->n];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (r < h->n && heap_less(h, r, m))
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

/* Names the scripts of one cycle among the nodes left unsorted (pending[i]
 * > 0): walking to an unsorted parent always succeeds and must repeat. */
static int cycle_error(builder *b, const size_t *pending)
{
	size_t *seen = calloc(b->n, sizeof(*seen)); /* step number + 1 */
	size_t u = 0;
	while (u < b->n && !pending[u])
		u++;
	for (size_t step = 1; seen && !seen[u]; step++) {
		seen[u] = step;
		size_t next = u;
		for (size_t k = 0; next == u && k < b->npar[u] + b->ndep[u]; k++) {
			size_t p = k < b->npar[u] ? b->par[u][k] : b->dep[u][k - b->npar[u]];
			if (pending[p])
				next = p;
		}
		u = next;
	}
	free(seen);
	int rc = rt_error_set(b->err, RT_ERR_GRAPH, "Cycle is detected in revisions (%s)",
	                      b->in[u].revision);
	rt_buf list = RT_BUF_INIT;
	for (size_t i = 0; i < b->n; i++)
		if (pending[i] &&
		    rt_buf_printf(&list, "%s%s", list.len ? ", " : "", b->in[i].revision))
			break;
	rt_error_detail(b->err, "revisions on or after the cycle: %s", list.data);
	rt_buf_release(&list);
	return rc;
}

static int topo_sort(builder *b)
{
	size_t *pending = calloc(b->n + 1, sizeof(size_t));
	size_t **kids = calloc(b->n + 1, sizeof(size_t *));
	size_t *nkids = calloc(b->n + 1, sizeof(size_t));
	heap h = {malloc((b->n + 1) * sizeof(size_t)), 0, b->in};
	int rc = pending && kids && nkids && h.v ? 0 : nomem(b->err);
	/* forward edges (parent -> child, dependency -> dependent) */
	for (size_t i = 0; !rc && i < b->n; i++)
		for (size_t k = 0; k < b->npar[i] + b->ndep[i]; k++)
			nkids[k < b->npar[i] ? b->par[i][k] : b->dep[i][k - b->npar[i]]]++;
	for (size_t i = 0; !rc && i < b->n; i++) {
		kids[i] = rt__arena_array(b->a, nkids[i] + 1, sizeof(size_t));
		rc = kids[i] ? 0 : nomem(b->err);
		nkids[i] = 0;
	}
	for (size_t i = 0; !rc && i < b->n; i++) {
		pending[i] = b->npar[i] + b->ndep[i];
		for (size_t k = 0; k < pending[i]; k++) {
			size_t p = k < b->npar[i] ? b->par[i][k] : b->dep[i][k - b->npar[i]];
			kids[p][nkids[p]++] = i;
		}
		if (!pending[i])
			heap_push(&h, i);
	}
	size_t done = 0;
	while (!rc && h.n) {
		size_t u = heap_pop(&h);
		b->rank[u] = done;
		b->order[done++] = u;
		for (size_t k = 0; k < nkids[u]; k++)
			if (--pending[kids[u][k]] == 0)
				heap_push(&h, kids[u][k]);
	}
	if (!rc && done < b->n)
		rc = cycle_error(b, pending);
	free(pending);
	free(kids);
	free(nkids);
	free(h.v);
	return rc;
}

/* ---- build: the final graph --------------------------------------------- */

static void remap(size_t *v, size_t n, const size_t *rank)
{
	for (size_t k = 0; k < n; k++)
		v[k] = rank[v[k]];
}

/* Lays scripts and nodes out in topological order and derives children,
 * heads, bases and the sorted indexes. */
static int assemble(builder *b, rt_graph *g, rt__glabel *labels, size_t n_labels)
{
	size_t n = b->n;
	g->n = n;
	g->scripts = rt__arena_array(b->a, n + 1, sizeof(rt_script));
	g->nodes = rt__arena_array(b->a, n + 1, sizeof(rt__gnode));
	g->by_id = rt__arena_array(b->a, n + 1, sizeof(size_t));
	size_t *nkids = calloc(n + 1, sizeof(size_t));
	if (!g->scripts || !g->nodes || !g->by_id || !nkids) {
		free(nkids);
		return nomem(b->err);
	}
	for (size_t pos = 0; pos < n; pos++) {
		size_t i = b->order[pos];
		g->scripts[pos] = b->in[i];
		remap(b->par[i], b->npar[i], b->rank);
		remap(b->dep[i], b->ndep[i], b->rank);
		g->nodes[pos] = (rt__gnode){b->par[i], b->npar[i], b->dep[i], b->ndep[i], NULL, 0};
		for (size_t k = 0; k < b->npar[i]; k++)
			nkids[b->par[i][k]]++;
	}
	size_t n_heads = 0, n_bases = 0;
	for (size_t pos = 0; pos < n; pos++) {
		g->nodes[pos].children = rt__arena_array(b->a, nkids[pos] + 1, sizeof(rt_script *));
		if (!g->nodes[pos].children) {
			free(nkids);
			return nomem(b->err);
		}
		n_heads += nkids[pos] == 0;
		n_bases += g->nodes[pos].n_parents == 0;
	}
	free(nkids);
	for (size_t pos = 0; pos < n; pos++) {
		rt__gnode *nd = &g->nodes[pos];
		for (size_t k = 0; k < nd->n_parents; k++) {
			rt__gnode *p = &g->nodes[nd->parents[k]];
			/* "Revises: a, a" names one parent, not two children */
			if (!p->n_children || p->children[p->n_children - 1] != &g->scripts[pos])
				p->children[p->n_children++] = &g->scripts[pos];
		}
	}
	g->heads = rt__arena_array(b->a, n_heads + 1, sizeof(rt_script *));
	g->bases = rt__arena_array(b->a, n_bases + 1, sizeof(rt_script *));
	if (!g->heads || !g->bases)
		return nomem(b->err);
	for (size_t pos = 0; pos < n; pos++) {
		if (!g->nodes[pos].n_children)
			g->heads[g->n_heads++] = &g->scripts[pos];
		if (!g->nodes[pos].n_parents)
			g->bases[g->n_bases++] = &g->scripts[pos];
	}
	if (sort_by_id(g->scripts, n, g->by_id))
		return nomem(b->err);
	for (size_t k = 0; k < n_labels; k++)
		labels[k].node = b->rank[labels[k].node];
	g->labels = labels;
	g->n_labels = n_labels;
	return 0;
}

static int build(builder *b, rt_graph *g)
{
	size_t n = b->n;
	size_t *by_id = rt__arena_array(b->a, n + 1, sizeof(size_t));
	b->par = rt__arena_array(b->a, n + 1, sizeof(size_t *));
	b->dep = rt__arena_array(b->a, n + 1, sizeof(size_t *));
	b->npar = rt__arena_array(b->a, n + 1, sizeof(size_t));
	b->ndep = rt__arena_array(b->a, n + 1, sizeof(size_t));
	b->order = rt__arena_array(b->a, n + 1, sizeof(size_t));
	b->rank = rt__arena_array(b->a, n + 1, sizeof(size_t));
	if (!by_id || !b->par || !b->dep || !b->npar || !b->ndep || !b->order || !b->rank)
		return nomem(b->err);
	for (size_t i = 0; i < n; i++)
		if (!b->in[i].revision || !*b->in[i].revision)
			return rt_error_set(b->err, RT_ERR_GRAPH, "script %s has no revision id",
			                    b->in[i].filename ? b->in[i].filename : "?");
	rt__glabel *labels = NULL;
	size_t n_labels = 0;
	int rc = check_duplicate_ids(b, by_id);
	rc = rc ? rc : collect_labels(b, &labels, &n_labels);
	rc = rc ? rc : resolve_refs(b, by_id, labels, n_labels);
	rc = rc ? rc : topo_sort(b);
	return rc ? rc : assemble(b, g, labels, n_labels);
}

int rt__graph_build(rt__arena *owned, rt_script *scripts, size_t n, rt_graph **out, rt_error *err)
{
	*out = NULL;
	rt_graph *g = rt__arena_alloc(owned, sizeof(*g));
	builder b = {owned, scripts, n, NULL, NULL, NULL, NULL, NULL, NULL, err};
	int rc = g ? build(&b, g) : nomem(err);
	if (rc) {
		rt__arena_release(owned);
		return rc;
	}
	g->arena = *owned;
	rt__arena_init(owned);
	*out = g;
	return 0;
}

int rt_graph_load(const char *versions_dir, rt_graph **out, rt_error *err)
{
	rt__arena a;
	rt__arena_init(&a);
	*out = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc = rt__fs_list(&a, versions_dir, ".sql", &names, &n, err);
	rt_script *scripts = rc ? NULL : rt__arena_array(&a, n + 1, sizeof(rt_script));
	if (!rc && !scripts)
		rc = nomem(err);
	for (size_t i = 0; !rc && i < n; i++) {
		char *path = rt__fs_join(&a, versions_dir, names[i]);
		char *text = NULL;
		size_t len = 0;
		rc = path ? rt__fs_read(&a, path, &text, &len, err) : nomem(err);
		rc = rc ? rc : rt__script_parse(&a, path, text, len, &scripts[i], err);
	}
	if (rc) {
		rt__arena_release(&a);
		return rc;
	}
	return rt__graph_build(&a, scripts, n, out, err);
}

void rt_graph_free(rt_graph *g)
{
	if (!g)
		return;
	rt__arena a = g->arena; /* g itself lives in the arena */
	rt__arena_release(&a);
}

/* ---- queries ------------------------------------------------------------ */

size_t rt_graph_count(const rt_graph *g)
{
	return g->n;
}

const rt_script *rt_graph_at(const rt_graph *g, size_t i)
{
	return i < g->n ? &g->scripts[i] : NULL;
}

const rt_script *const *rt_graph_heads(const rt_graph *g, size_t *n)
{
	*n = g->n_heads;
	return g->heads;
}

const rt_script *const *rt_graph_bases(const rt_graph *g, size_t *n)
{
	*n = g->n_bases;
	return g->bases;
}

size_t rt__graph_index(const rt_graph *g, const rt_script *s)
{
	if (!s || s < g->scripts || s >= g->scripts + g->n)
		return RT__NO_NODE;
	return (size_t)(s - g->scripts);
}

const rt_script *const *rt_graph_children(const rt_graph *g, const rt_script *s, size_t *n)
{
	size_t i = rt__graph_index(g, s);
	*n = i == RT__NO_NODE ? 0 : g->nodes[i].n_children;
	return i == RT__NO_NODE ? NULL : g->nodes[i].children;
}

size_t rt__graph_find(const rt_graph *g, const char *id)
{
	return find_in(g->scripts, g->by_id, g->n, id);
}

size_t rt__graph_find_label(const rt_graph *g, const char *label)
{
	return find_label_in(g->labels, g->n_labels, label);
}

const rt_script *rt_graph_find(const rt_graph *g, const char *id)
{
	size_t i = id ? rt__graph_find(g, id) : RT__NO_NODE;
	return i == RT__NO_NODE ? NULL : &g->scripts[i];
}

static const rt_script *ambiguous(const rt_graph *g, const char *id, size_t from, size_t count,
                                  rt_error *err)
{
	rt_buf list = RT_BUF_INIT;
	enum { SHOWN = 10 };
	for (size_t k = 0; k < count && k < SHOWN; k++)
		if (rt_buf_printf(&list, "%s%s", k ? ", " : "",
		                  g->scripts[g->by_id[from + k]].revision))
			break;
	if (count > SHOWN)
		rt_buf_printf(&list, ", ... (%zu in all)", count);
	rt_error_set(err, RT_ERR_REVISION, "Multiple revisions start with '%s': %s", id, list.data);
	rt_error_hint(err, "give more characters of the revision id");
	rt_buf_release(&list);
	return NULL;
}

const rt_script *rt_graph_lookup(const rt_graph *g, const char *id, rt_error *err)
{
	if (!id || !*id) {
		rt_error_set(err, RT_ERR_REVISION, "Can't locate revision identified by '%s'",
		             id ? id : "");
		return NULL;
	}
	size_t i = rt__graph_find(g, id);
	if (i == RT__NO_NODE)
		i = rt__graph_find_label(g, id);
	if (i != RT__NO_NODE)
		return &g->scripts[i];
	size_t from = lower_bound(g->scripts, g->by_id, g->n, id), len = strlen(id), count = 0;
	while (from + count < g->n &&
	       !strncmp(g->scripts[g->by_id[from + count]].revision, id, len))
		count++;
	if (count == 1)
		return &g->scripts[g->by_id[from]];
	if (count > 1)
		return ambiguous(g, id, from, count, err);
	rt_error_set(err, RT_ERR_REVISION, "Can't locate revision identified by '%s'", id);
	return NULL;
}

void rt__graph_close_up(const rt_graph *g, bool *set, bool with_deps)
{
	for (size_t i = g->n; i-- > 0;) {
		if (!set[i])
			continue;
		const rt__gnode *nd = &g->nodes[i];
		for (size_t k = 0; k < nd->n_parents; k++)
			set[nd->parents[k]] = true;
		for (size_t k = 0; with_deps && k < nd->n_deps; k++)
			set[nd->deps[k]] = true;
	}
}

void rt__graph_close_down(const rt_graph *g, bool *set, bool with_deps)
{
	for (size_t i = 0; i < g->n; i++) {
		const rt__gnode *nd = &g->nodes[i];
		for (size_t k = 0; !set[i] && k < nd->n_parents; k++)
			set[i] = set[nd->parents[k]];
		for (size_t k = 0; with_deps && !set[i] && k < nd->n_deps; k++)
			set[i] = set[nd->deps[k]];
	}
}

bool rt_graph_is_ancestor(const rt_graph *g, const rt_script *anc, const rt_script *desc)
{
	size_t a = rt__graph_index(g, anc), d = rt__graph_index(g, desc);
	if (a == RT__NO_NODE || d == RT__NO_NODE || a > d)
		return false;
	if (a == d)
		return true;
	/* only ranks a..d can lie on a path between them */
	bool *set = calloc(d - a + 1, sizeof(bool));
	if (!set)
		return false;
	set[d - a] = true;
	for (size_t i = d + 1; i-- > a + 1;) {
		if (!set[i - a])
			continue;
		const rt__gnode *nd = &g->nodes[i];
		for (size_t k = 0; k < nd->n_parents + nd->n_deps; k++) {
			size_t p = k < nd->n_parents ? nd->parents[k] : nd->deps[k - nd->n_parents];
			if (p >= a)
				set[p - a] = true;
		}
	}
	bool found = set[0];
	free(set);
	return found;
}
