/* graph_plan.c — moving a database through the revision graph: resolving
 * upgrade/downgrade targets and history ranges, planning the steps, and the
 * version-table bookkeeping of each step (Alembic's semantics).
 *
 * The version table holds a set of heads H; "applied" is every ancestor of H
 * through down-revisions and dependencies. An upgrade applies the missing
 * ancestors of its target; a downgrade unapplies what descends from the
 * target. All sets are bool arrays indexed by topological rank (see
 * graph_internal.h), so each plan costs O(n + edges).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "retort/buf.h"
#include "banned.h"

/* One parsed target: "head", "heads", "base", "+N"/"-N", a revision, or
 * "X@head", "X@heads", "X@base", "X@+N", "X@-N" where X is a revision or a
 * branch label. */
typedef enum spec_kind { S_NAME, S_HEAD, S_HEADS, S_BASE, S_REL } spec_kind;

typedef struct spec {
	const char *text;
	spec_kind kind;
	size_t node; /* X, or the named revision; RT__NO_NODE when absent */
	bool label;  /* X is a branch label: relative moves follow its branch */
	long rel;
} spec;

typedef struct planner {
	const rt_graph *g;
	size_t *cur; /* current heads, as indices, without duplicates */
	size_t n_cur;
	bool *applied;
	bool *lineage; /* scratch for branch filtering */
	rt_error *err;
} planner;

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
}

static int unknown(rt_error *err, const char *id)
{
	return rt_error_set(err, RT_ERR_REVISION, "Can't locate revision identified by '%s'", id);
}

static const char *rev(const rt_graph *g, size_t i)
{
	return g->scripts[i].revision;
}

/* ---- the current state -------------------------------------------------- */

static void planner_free(planner *p)
{
	free(p->cur);
	free(p->applied);
	free(p->lineage);
}

static int planner_init(planner *p, const rt_graph *g, const char *const *current, size_t n,
                        rt_error *err)
{
	*p = (planner){g,
	               calloc(n + 1, sizeof(size_t)),
	               0,
	               calloc(g->n + 1, sizeof(bool)),
	               calloc(g->n + 1, sizeof(bool)),
	               err};
	if (!p->cur || !p->applied || !p->lineage) {
		planner_free(p);
		return nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = rt__graph_find(g, current[i]);
		if (k == RT__NO_NODE) {
			int rc = unknown(err, current[i]);
			rt_error_hint(err, RT_UNKNOWN_REVISION_HINT);
			planner_free(p);
			return rc;
		}
		if (!p->applied[k])
			p->cur[p->n_cur++] = k;
		p->applied[k] = true;
	}
	rt__graph_close_up(g, p->applied, true);
	return 0;
}

/* ---- parsing targets ---------------------------------------------------- */

/* "+N" / "-N" with N >= 1 into *n (signed); false when s is not one. */
static bool parse_rel(const char *s, long *n)
{
	if ((s[0] != '+' && s[0] != '-') || s[1] < '0' || s[1] > '9')
		return false;
	char *end;
	errno = 0;
	long v = strtol(s + 1, &end, 10);
	if (*end || errno || v < 1)
		return false;
	*n = s[0] == '-' ? -v : v;
	return true;
}

static const struct {
	const char *word;
	spec_kind kind;
} keywords[] = {{"head", S_HEAD}, {"heads", S_HEADS}, {"base", S_BASE}};

static bool keyword(const char *s, spec_kind *kind)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(s, keywords[i].word)) {
			*kind = keywords[i].kind;
			return true;
		}
	return false;
}

static int parse_spec(const rt_graph *g, const char *text, spec *sp, rt_error *err)
{
	*sp = (spec){text, S_NAME, RT__NO_NODE, false, 0};
	if (keyword(text, &sp->kind))
		return 0;
	if (parse_rel(text, &sp->rel)) {
		sp->kind = S_REL;
		return 0;
	}
	const char *at = strrchr(text, '@');
	if (!at) {
		const rt_script *s = rt_graph_lookup(g, text, err);
		sp->node = rt__graph_index(g, s);
		return s ? 0 : -(int)RT_ERR_REVISION;
	}
	if (parse_rel(at + 1, &sp->rel))
		sp->kind = S_REL;
	else if (!keyword(at + 1, &sp->kind))
		return unknown(err, text);
	char name[256];
	size_t len = (size_t)(at - text);
	if (len == 0 || len >= sizeof(name))
		return unknown(err, text);
	memcpy(name, text, len);
	name[len] = '\0';
	sp->label =
	    rt__graph_find(g, name) == RT__NO_NODE && rt__graph_find_label(g, name) != RT__NO_NODE;
	const rt_script *s = rt_graph_lookup(g, name, err);
	sp->node = rt__graph_index(g, s);
	return s ? 0 : -(int)RT_ERR_REVISION;
}

/* ---- branches and walks ------------------------------------------------- */

/* The branch of x: x and its descendants through single-parent children
 * (a merge point belongs to no one branch). */
static void branch_of(const rt_graph *g, size_t x, bool *set)
{
	memset(set, 0, g->n * sizeof(bool));
	set[x] = true;
	for (size_t i = x + 1; i < g->n; i++)
		set[i] = g->nodes[i].n_parents == 1 && set[g->nodes[i].parents[0]];
}

/* The branch of x plus its ancestors by down-revision: where x@+N and x@-N
 * may walk. With full unset, ancestors stop below the nearest branch or
 * merge point, as Alembic's label propagation does: a shared trunk is not
 * where a branch "currently is". */
static void lineage_of(const rt_graph *g, size_t x, bool full, bool *set)
{
	branch_of(g, x, set);
	if (full) {
		rt__graph_close_up(g, set, false);
		return;
	}
	for (size_t y = x; g->nodes[y].n_parents == 1;) {
		size_t up = g->nodes[y].parents[0];
		if (g->nodes[up].n_children > 1 || g->nodes[up].n_parents > 1)
			break;
		set[up] = true;
		y = up;
	}
}

static int list_error(const rt_graph *g, rt_error *err, const size_t *v, size_t n, const char *what)
{
	rt_buf list = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (rt_buf_printf(&list, "%s%s", i ? ", " : "", rev(g, v[i])))
			break;
	rt_error_detail(err, "%s: %s", what, list.data);
	rt_buf_release(&list);
	return -(int)RT_ERR_HEADS;
}

static int heads_error(const rt_graph *g, const char *target, const size_t *v, size_t n,
                       rt_error *err)
{
	rt_error_set(err, RT_ERR_HEADS,
	             "Multiple head revisions are present for given argument '%s'; please "
	             "specify a specific target revision, '<branchname>@head' to narrow to a "
	             "specific head, or 'heads' for all heads",
	             target);
	rt_error_hint(err, "retort merge heads");
	return list_error(g, err, v, n, "multiple heads");
}

/* The tips of x's branch (or of the whole graph when x is RT__NO_NODE) into
 * out (capacity g->n); returns how many. */
static size_t tips(const rt_graph *g, size_t x, bool *scratch, size_t *out)
{
	size_t n = 0;
	if (x == RT__NO_NODE) {
		for (size_t i = 0; i < g->n_heads; i++)
			out[n++] = rt__graph_index(g, g->heads[i]);
		return n;
	}
	branch_of(g, x, scratch);
	for (size_t i = x; i < g->n; i++) {
		bool tip = scratch[i];
		for (size_t k = 0; tip && k < g->nodes[i].n_children; k++)
			tip = !scratch[rt__graph_index(g, g->nodes[i].children[k])];
		if (tip)
			out[n++] = i;
	}
	return n;
}

/* Where a relative move starts: the named revision, the newest applied
 * script on a label's lineage, or the single current head. RT__NO_NODE is
 * "base". Sets *filter to the lineage walks must stay on (or NULL). */
static int rel_start(planner *p, const spec *sp, size_t *start, const bool **filter)
{
	*filter = NULL;
	*start = RT__NO_NODE;
	if (sp->node != RT__NO_NODE && !sp->label) {
		*start = sp->node;
		return 0;
	}
	if (sp->label) {
		/* the label's position: its newest applied script */
		lineage_of(p->g, sp->node, sp->rel > 0, p->lineage);
		for (size_t i = 0; i < p->g->n; i++)
			if (p->lineage[i] && p->applied[i])
				*start = i;
		lineage_of(p->g, sp->node, true, p->lineage);
		*filter = p->lineage;
		return 0;
	}
	if (p->n_cur > 1) {
		rt_error_set(p->err, RT_ERR_HEADS,
		             "Relative revision %s is ambiguous: the database has several heads",
		             sp->text);
		rt_error_hint(p->err, "name a revision, or use <branchname>@%+ld", sp->rel);
		return list_error(p->g, p->err, p->cur, p->n_cur, "current heads");
	}
	*start = p->n_cur ? p->cur[0] : RT__NO_NODE;
	return 0;
}

static int ran_out(planner *p, const spec *sp)
{
	return rt_error_set(p->err, RT_ERR_STATE,
	                    "Relative revision %s didn't produce %ld migrations", sp->text,
	                    sp->rel < 0 ? -sp->rel : sp->rel);
}

/* Candidates of one step from x: children (forward) or down-revisions
 * (backward), or the bases from "base"; filtered by lineage. */
static size_t next_nodes(const rt_graph *g, size_t x, bool forward, const bool *filter, size_t *out)
{
	size_t n = 0, m;
	if (x == RT__NO_NODE) {
		for (size_t i = 0; forward && i < g->n_bases; i++)
			out[n++] = rt__graph_index(g, g->bases[i]);
	} else if (forward) {
		for (m = 0; m < g->nodes[x].n_children; m++)
			out[n++] = rt__graph_index(g, g->nodes[x].children[m]);
	} else {
		for (m = 0; m < g->nodes[x].n_parents; m++)
			out[n++] = g->nodes[x].parents[m];
	}
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (!filter || filter[out[i]])
			out[kept++] = out[i];
	return kept;
}

/* Walks |sp->rel| steps from start into ends[0..*n_ends) (capacity g->n):
 * one script, or none for "base". Backward walks mark every script they
 * step off in path, and their last step may end on several scripts: one
 * step back from a merge leaves both its parents. */
static int walk(planner *p, const spec *sp, size_t start, const bool *filter, bool *path,
                size_t *ends, size_t *n_ends)
{
	bool forward = sp->rel > 0;
	long steps = forward ? sp->rel : -sp->rel;
	size_t x = start, n = 1;
	ends[0] = start;
	for (long k = 0; k < steps; k++) {
		bool at_base = x == RT__NO_NODE;
		if (!forward && at_base)
			return ran_out(p, sp);
		n = next_nodes(p->g, x, forward, filter, ends);
		if (n == 0 && forward)
			return ran_out(p, sp);
		if (n > 1 && (forward || k + 1 < steps)) {
			rt_error_set(
			    p->err, RT_ERR_HEADS,
			    "Relative revision %s is ambiguous: more than one revision follows %s",
			    sp->text, at_base ? "base" : rev(p->g, x));
			rt_error_hint(p->err, "name the target revision, or use <branchname>@%+ld",
			              sp->rel);
			return list_error(p->g, p->err, ends, n, "candidates");
		}
		if (!forward)
			path[x] = true;
		x = n ? ends[0] : RT__NO_NODE;
	}
	*n_ends = x == RT__NO_NODE ? 0 : n;
	return 0;
}

/* ---- plans -------------------------------------------------------------- */

/* Marks the scripts an upgrade to sp must end with applied. */
static int upgrade_targets(planner *p, const spec *sp, bool *want)
{
	const rt_graph *g = p->g;
	size_t *v = malloc((g->n + 1) * sizeof(size_t)), n = 0, end;
	const bool *filter;
	int rc = v ? 0 : nomem(p->err);
	if (rc)
		return rc;
	switch (sp->kind) {
	case S_NAME:
		want[sp->node] = true;
		break;
	case S_BASE:
		break;
	case S_HEAD:
	case S_HEADS:
		n = tips(g, sp->node, p->lineage, v);
		if (sp->kind == S_HEAD && n > 1)
			rc = heads_error(g, sp->text, v, n, p->err);
		for (size_t i = 0; !rc && i < n; i++)
			want[v[i]] = true;
		break;
	case S_REL:
		if (sp->rel < 0) {
			rc = rt_error_set(p->err, RT_ERR_USAGE,
			                  "upgrade target %s goes backwards; use downgrade",
			                  sp->text);
			break;
		}
		rc = rel_start(p, sp, &end, &filter);
		rc = rc ? rc : walk(p, sp, end, filter, NULL, v, &n);
		for (size_t i = 0; !rc && i < n; i++)
			want[v[i]] = true;
		break;
	}
	free(v);
	return rc;
}

static int not_below(planner *p, const char *target)
{
	return rt_error_set(p->err, RT_ERR_STATE,
	                    "Destination %s is not a valid downgrade target from current head(s)",
	                    target);
}

/* Marks the scripts a downgrade to sp unapplies: what descends from the
 * seeds, where the seeds are the scripts above a named target, a label's
 * first script (label@base) or the scripts a relative walk steps off. */
static int downgrade_set(planner *p, const spec *sp, bool *drop)
{
	const rt_graph *g = p->g;
	size_t *v = malloc((g->n + 1) * sizeof(size_t)), n = 0, end;
	const bool *filter;
	if (!v)
		return nomem(p->err);
	int rc = 0;
	switch (sp->kind) {
	case S_BASE:
		if (sp->node == RT__NO_NODE)
			memcpy(drop, p->applied, g->n * sizeof(bool));
		else
			drop[sp->node] = true;
		break;
	case S_NAME:
	case S_HEAD:
	case S_HEADS:
		n = sp->kind == S_NAME ? 1 : tips(g, sp->node, p->lineage, v);
		if (sp->kind == S_NAME)
			v[0] = sp->node;
		for (size_t i = 0; !rc && i < n; i++)
			rc = p->applied[v[i]] ? 0 : not_below(p, rev(g, v[i]));
		/* seeds: the children and the dependents of the targets */
		memset(p->lineage, 0, g->n * sizeof(bool));
		for (size_t i = 0; !rc && i < n; i++) {
			p->lineage[v[i]] = true;
			for (size_t k = 0; k < g->nodes[v[i]].n_children; k++)
				drop[rt__graph_index(g, g->nodes[v[i]].children[k])] = true;
		}
		for (size_t i = 0; !rc && i < g->n; i++)
			for (size_t k = 0; k < g->nodes[i].n_deps; k++)
				drop[i] = drop[i] || p->lineage[g->nodes[i].deps[k]];
		break;
	case S_REL:
		if (sp->rel > 0) {
			rc = rt_error_set(p->err, RT_ERR_USAGE,
			                  "downgrade target %s goes forwards; use upgrade",
			                  sp->text);
			break;
		}
		rc = rel_start(p, sp, &end, &filter);
		if (!rc && end == RT__NO_NODE)
			rc = ran_out(p, sp);
		if (!rc && !p->applied[end])
			rc = not_below(p, rev(g, end));
		rc = rc ? rc : walk(p, sp, end, filter, drop, v, &n);
		for (size_t i = 0; !rc && i < n; i++)
			rc = p->applied[v[i]] ? 0 : not_below(p, rev(g, v[i]));
		break;
	}
	rt__graph_close_down(g, drop, true);
	for (size_t i = 0; i < g->n; i++)
		drop[i] = !rc && drop[i] && p->applied[i];
	free(v);
	return rc;
}

int rt_graph_plan(const rt_graph *g, const char *const *current, size_t n_current, rt_direction dir,
                  const char *target, rt_plan *out, rt_error *err)
{
	*out = (rt_plan){NULL, 0};
	planner p;
	int rc = planner_init(&p, g, current, n_current, err);
	if (rc)
		return rc;
	spec sp;
	bool *set = calloc(g->n + 1, sizeof(bool));
	rc = set ? parse_spec(g, target, &sp, err) : nomem(err);
	if (!rc && dir == RT_UP) {
		rc = upgrade_targets(&p, &sp, set);
		rt__graph_close_up(g, set, true);
		for (size_t i = 0; i < g->n; i++)
			set[i] = set[i] && !p.applied[i];
	} else if (!rc) {
		rc = downgrade_set(&p, &sp, set);
	}
	size_t n = 0;
	for (size_t i = 0; !rc && i < g->n; i++)
		n += set[i];
	/* an empty plan holds no allocation, so dropping it unreleased is safe */
	out->steps = rc || !n ? NULL : calloc(n, sizeof(rt_step));
	if (!rc && n && !out->steps)
		rc = nomem(err);
	for (size_t k = 0; !rc && k < g->n; k++) {
		size_t i = dir == RT_UP ? k : g->n - 1 - k; /* parents first / children first */
		if (set[i])
			out->steps[out->n++] = (rt_step){&g->scripts[i], dir};
	}
	free(set);
	planner_free(&p);
	return rc;
}

void rt_plan_release(rt_plan *plan)
{
	free(plan->steps);
	*plan = (rt_plan){NULL, 0};
}

/* ---- version-table bookkeeping ------------------------------------------ */

/* The change of step r in dir to the head set in_h (indices in rm and add,
 * each with capacity g->n). scratch holds 2 * g->n bools. */
static void change_core(const rt_graph *g, const bool *in_h, size_t r, rt_direction dir,
                        bool *scratch, size_t *rm, size_t *nrm, size_t *add, size_t *nadd)
{
	const rt__gnode *nd = &g->nodes[r];
	bool *implied = scratch, *others = scratch + g->n;
	*nrm = *nadd = 0;
	if (dir == RT_UP) {
		/* supersede the heads this script descends from by down-revision;
		 * heads it merely depends on stay */
		memset(implied, 0, g->n * sizeof(bool));
		implied[r] = true;
		rt__graph_close_up(g, implied, false);
		for (size_t i = 0; i < r; i++)
			if (in_h[i] && implied[i])
				rm[(*nrm)++] = i;
		if (!in_h[r])
			add[(*nadd)++] = r;
		return;
	}
	if (in_h[r])
		rm[(*nrm)++] = r;
	/* restore a down-revision only when neither a remaining head nor another
	 * down-revision of r implies it: a branch point stays implied while its
	 * other branch is applied */
	memcpy(implied, in_h, g->n * sizeof(bool));
	implied[r] = false;
	rt__graph_close_up(g, implied, true);
	for (size_t k = 0; k < nd->n_parents; k++) {
		size_t d = nd->parents[k];
		memset(others, 0, g->n * sizeof(bool));
		for (size_t j = 0; j < nd->n_parents; j++)
			others[nd->parents[j]] = nd->parents[j] != d;
		rt__graph_close_up(g, others, true);
		bool dup = false;
		for (size_t j = 0; j < *nadd; j++)
			dup = dup || add[j] == d;
		if (!dup && !implied[d] && !others[d])
			add[(*nadd)++] = d;
	}
}

static int heads_to_set(const rt_graph *g, const char *const *heads, size_t n, bool *set,
                        rt_error *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = rt__graph_find(g, heads[i]);
		if (k == RT__NO_NODE) {
			int rc = unknown(err, heads[i]);
			rt_error_hint(err, RT_UNKNOWN_REVISION_HINT);
			return rc;
		}
		set[k] = true;
	}
	return 0;
}

static size_t step_index(const rt_graph *g, const rt_step *step)
{
	size_t r = rt__graph_index(g, step->script);
	return r != RT__NO_NODE || !step->script ? r : rt__graph_find(g, step->script->revision);
}

int rt_graph_step_change(const rt_graph *g, const char *const *heads, size_t n_heads,
                         const rt_step *step, rt_version_change *out, rt_error *err)
{
	*out = (rt_version_change){NULL, 0, NULL, 0};
	size_t r = step_index(g, step);
	if (r == RT__NO_NODE)
		return unknown(err, step->script ? step->script->revision : "");
	bool *set = calloc(3 * (g->n + 1), sizeof(bool));
	size_t *rm = calloc(g->n + 1, sizeof(size_t)), *add = calloc(g->n + 1, sizeof(size_t));
	size_t nrm = 0, nadd = 0;
	int rc = set && rm && add ? heads_to_set(g, heads, n_heads, set, err) : nomem(err);
	if (!rc)
		change_core(g, set, r, step->direction, set + g->n + 1, rm, &nrm, add, &nadd);
	out->remove = rc ? NULL : calloc(nrm + 1, sizeof(char *));
	out->add = rc ? NULL : calloc(nadd + 1, sizeof(char *));
	if (!rc && (!out->remove || !out->add))
		rc = nomem(err);
	for (size_t i = 0; !rc && i < nrm; i++)
		out->remove[out->n_remove++] = rev(g, rm[i]);
	for (size_t i = 0; !rc && i < nadd; i++)
		out->add[out->n_add++] = rev(g, add[i]);
	if (rc)
		rt_version_change_release(out);
	free(set);
	free(rm);
	free(add);
	return rc;
}

void rt_version_change_release(rt_version_change *c)
{
	free(c->remove);
	free(c->add);
	*c = (rt_version_change){NULL, 0, NULL, 0};
}

int rt_graph_heads_after(const rt_graph *g, const char *const *current, size_t n_current,
                         const rt_plan *plan, const char ***out, size_t *n, rt_error *err)
{
	*out = NULL;
	*n = 0;
	bool *set = calloc(3 * (g->n + 1), sizeof(bool));
	size_t *rm = calloc(g->n + 1, sizeof(size_t)), *add = calloc(g->n + 1, sizeof(size_t));
	int rc = set && rm && add ? heads_to_set(g, current, n_current, set, err) : nomem(err);
	for (size_t s = 0; !rc && s < plan->n; s++) {
		size_t r = step_index(g, &plan->steps[s]), nrm, nadd;
		if (r == RT__NO_NODE) {
			rc = unknown(err,
			             plan->steps[s].script ? plan->steps[s].script->revision : "");
			break;
		}
		change_core(g, set, r, plan->steps[s].direction, set + g->n + 1, rm, &nrm, add,
		            &nadd);
		for (size_t i = 0; i < nrm; i++)
			set[rm[i]] = false;
		for (size_t i = 0; i < nadd; i++)
			set[add[i]] = true;
	}
	size_t count = 0;
	for (size_t i = 0; !rc && i < g->n; i++)
		count += set[i];
	*out = rc ? NULL : calloc(count + 1, sizeof(char *));
	if (!rc && !*out)
		rc = nomem(err);
	for (size_t i = 0; !rc && i < g->n; i++)
		if (set[i])
			(*out)[(*n)++] = rev(g, i);
	free(set);
	free(rm);
	free(add);
	return rc;
}

/* ---- ranges ------------------------------------------------------------- */

/* One side of "A:B" as a set of scripts; *open is set when the side puts
 * no bound (empty, or base on the lower side). A side that resolves to
 * "base" on the upper side is an empty set. */
static int range_side(planner *p, const char *text, bool upper, bool *set, bool *open)
{
	const rt_graph *g = p->g;
	*open = !*text || (!upper && !strcmp(text, "base"));
	if (*open)
		return 0;
	if (!strcmp(text, "current")) {
		for (size_t i = 0; i < p->n_cur; i++)
			set[p->cur[i]] = true;
		*open = !upper && p->n_cur == 0;
		return 0;
	}
	spec sp;
	int rc = parse_spec(g, text, &sp, p->err);
	if (rc || sp.kind == S_BASE)
		return rc;
	if (sp.kind == S_HEAD && sp.node == RT__NO_NODE)
		sp.kind = S_HEADS; /* history -r :head with several heads shows them all */
	if (sp.kind != S_REL)
		return upgrade_targets(p, &sp, set);
	size_t start, n = 0;
	const bool *filter;
	bool *path = calloc(g->n + 1, sizeof(bool));
	size_t *ends = malloc((g->n + 1) * sizeof(size_t));
	rc = path && ends ? rel_start(p, &sp, &start, &filter) : nomem(p->err);
	rc = rc ? rc : walk(p, &sp, start, filter, path, ends, &n);
	for (size_t i = 0; !rc && i < n; i++)
		set[ends[i]] = true;
	*open = !rc && !upper && n == 0;
	free(path);
	free(ends);
	return rc;
}

static int range_sides(planner *p, const char *range, bool *lo, bool *hi, bool *lo_open,
                       bool *hi_open)
{
	const char *colon = strchr(range, ':');
	if (!colon)
		return rt_error_set(p->err, RT_ERR_USAGE,
		                    "range '%s' needs a ':' (A:B; either side may be empty)",
		                    range);
	char *left = malloc((size_t)(colon - range) + 1);
	if (!left)
		return nomem(p->err);
	memcpy(left, range, (size_t)(colon - range));
	left[colon - range] = '\0';
	int rc = range_side(p, left, false, lo, lo_open);
	rc = rc ? rc : range_side(p, colon + 1, true, hi, hi_open);
	free(left);
	return rc;
}

int rt_graph_range(const rt_graph *g, const char *const *current, size_t n_current,
                   const char *range, const rt_script ***out, size_t *n, rt_error *err)
{
	*out = NULL;
	*n = 0;
	planner p;
	int rc = planner_init(&p, g, current, n_current, err);
	if (rc)
		return rc;
	bool *lo = calloc(g->n + 1, sizeof(bool)), *hi = calloc(g->n + 1, sizeof(bool));
	bool lo_open = false, hi_open = false;
	rc = lo && hi ? range_sides(&p, range, lo, hi, &lo_open, &hi_open) : nomem(err);
	if (!rc) {
		rt__graph_close_down(g, lo, true);
		rt__graph_close_up(g, hi, true);
	}
	*out = rc ? NULL : calloc(g->n + 1, sizeof(rt_script *));
	if (!rc && !*out)
		rc = nomem(err);
	for (size_t i = g->n; !rc && i-- > 0;)
		if ((lo_open || lo[i]) && (hi_open || hi[i]))
			(*out)[(*n)++] = &g->scripts[i];
	free(lo);
	free(hi);
	planner_free(&p);
	return rc;
}
