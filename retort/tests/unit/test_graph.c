/* test_graph.c — the revision graph: building and its checks, lookup,
 * ancestry, plans for every target form, version-table bookkeeping, heads
 * after a plan and history ranges. Graphs are built from hand-made scripts
 * written as "rev:down1,down2:dep1:label1" (empty fields may be left off),
 * so these tests need no files and no parser; one test loads real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "graph_internal.h"
#include "retort/buf.h"
#include "util/fs.h"
#include "banned.h"

/* ---- graphs used by the tables ------------------------------------------ */

static const char *const g_linear[] = {"c:b", "a", "d:c", "b:a", NULL};
static const char *const g_fork[] = {"r", "f:r::feature", "o:r", NULL};
static const char *const g_merged[] = {"r", "f:r::feature", "o:r", "m:f,o", NULL};
static const char *const g_deps[] = {"r", "x:r::xs", "y:r:x", NULL};
static const char *const g_labels[] = {"r", "a1:r::alpha", "a2:a1", "b1:r::beta", "b2:b1", NULL};
static const char *const g_prefix[] = {"abc1", "abc2:abc1", "abd3:abc2", NULL};
/* ties by id: b depends on x, so x comes first although b < x */
static const char *const g_tie[] = {"x:a", "b:a:x", "a", "c:a", NULL};

/* ---- building graphs from strings --------------------------------------- */

/* Splits s[0..len) at ',' into an arena array. */
static const char **split_list(rt__arena *a, const char *s, size_t len, size_t *n)
{
	const char **v = rt__arena_array(a, len + 1, sizeof(char *));
	assert_non_null(v);
	*n = 0;
	for (size_t i = 0; len && i <= len;) {
		size_t j = i;
		while (j < len && s[j] != ',')
			j++;
		v[(*n)++] = rt__arena_strndup(a, s + i, j - i);
		i = j + 1;
	}
	return v;
}

static void make_script(rt__arena *a, const char *def, rt_script *s)
{
	const char *field[4] = {"", "", "", ""};
	size_t flen[4] = {0, 0, 0, 0};
	const char *p = def;
	for (int f = 0; f < 4 && p; f++) {
		const char *colon = strchr(p, ':');
		field[f] = p;
		flen[f] = colon ? (size_t)(colon - p) : strlen(p);
		p = colon ? colon + 1 : NULL;
	}
	memset(s, 0, sizeof(*s));
	s->revision = rt__arena_strndup(a, field[0], flen[0]);
	s->filename = rt__arena_printf(a, "%s_test.sql", s->revision);
	s->path = s->filename;
	s->message = "";
	s->down_revisions = split_list(a, field[1], flen[1], &s->n_down);
	s->depends_on = split_list(a, field[2], flen[2], &s->n_depends);
	s->branch_labels = split_list(a, field[3], flen[3], &s->n_labels);
}

static int build(const char *const *defs, rt_graph **g, rt_error *err)
{
	size_t n = 0;
	while (defs[n])
		n++;
	rt__arena a;
	rt__arena_init(&a);
	rt_script *scripts = rt__arena_array(&a, n + 1, sizeof(rt_script));
	assert_non_null(scripts);
	for (size_t i = 0; i < n; i++)
		make_script(&a, defs[i], &scripts[i]);
	rt_error_clear(err);
	return rt__graph_build(&a, scripts, n, g, err);
}

static rt_graph *must_build(const char *const *defs)
{
	rt_graph *g = NULL;
	rt_error err;
	int rc = build(defs, &g, &err);
	if (rc)
		fail_msg("build failed: %s", err.message);
	return g;
}

/* "a,b" -> {"a", "b"}, arena strings. */
static const char **ids(rt__arena *a, const char *list, size_t *n)
{
	return split_list(a, list, strlen(list), n);
}

static char *join_scripts(const rt_script *const *v, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rt_buf_printf(&b, "%s%s", i ? " " : "", v[i]->revision), 0);
	return rt_buf_detach(&b);
}

static char *join_ids(const char *const *v, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rt_buf_printf(&b, "%s%s", i ? " " : "", v[i]), 0);
	return rt_buf_detach(&b);
}

static void assert_error(int rc, const rt_error *err, rt_code code, const char *needle)
{
	if (rc != -(int)code || !strstr(err->message, needle))
		fail_msg("want %s containing '%s', got rc=%d %s: %s", rt_error_name(code), needle,
		         rc, rt_error_name(err->code), err->message);
}

/* ---- building ----------------------------------------------------------- */

static const struct {
	const char *const *graph;
	const char *order, *heads, *bases;
} shape_cases[] = {
    {g_linear, "a b c d", "d", "a"},  {g_fork, "r f o", "f o", "r"},
    {g_merged, "r f o m", "m", "r"},  {g_deps, "r x y", "x y", "r"},
    {g_tie, "a c x b", "c x b", "a"},
};

static void test_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(shape_cases) / sizeof(shape_cases[0]); i++) {
		rt_graph *g = must_build(shape_cases[i].graph);
		size_t n = rt_graph_count(g);
		const rt_script **all = calloc(n + 1, sizeof(*all));
		assert_non_null(all);
		for (size_t k = 0; k < n; k++)
			all[k] = rt_graph_at(g, k);
		assert_null(rt_graph_at(g, n));
		char *order = join_scripts(all, n);
		size_t nh, nb;
		const rt_script *const *hv = rt_graph_heads(g, &nh);
		const rt_script *const *bv = rt_graph_bases(g, &nb);
		char *heads = join_scripts(hv, nh);
		char *bases = join_scripts(bv, nb);
		assert_string_equal(order, shape_cases[i].order);
		assert_string_equal(heads, shape_cases[i].heads);
		assert_string_equal(bases, shape_cases[i].bases);
		free(order);
		free(heads);
		free(bases);
		free(all);
		rt_graph_free(g);
	}
}

static const char *const bad_dup[] = {"a", "b:a", "a", NULL};
static const char *const bad_down[] = {"a", "b:zz", NULL};
static const char *const bad_dep[] = {"a", "b:a:qq", NULL};
static const char *const bad_cycle[] = {"r", "a:r,b", "b:a", NULL};
static const char *const bad_self[] = {"a:a", NULL};
static const char *const bad_label[] = {"a::x:lbl", "b:a::lbl", NULL};

static const struct {
	const char *const *graph;
	const char *needle;
} bad_cases[] = {
    {bad_dup, "Revision a is present more than once: in a_test.sql and a_test.sql"},
    {bad_down, "Revision zz referenced from script b_test.sql is not present"},
    {bad_dep, "Revision qq referenced from script b_test.sql is not present"},
    {bad_cycle, "Cycle is detected in revisions (a)"},
    {bad_self, "Cycle is detected in revisions (a)"},
    {bad_label, "Branch label 'lbl' is declared by both a_test.sql and b_test.sql"},
};

static void test_bad_graphs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		rt_graph *g = (rt_graph *)1;
		rt_error err;
		int rc = build(bad_cases[i].graph, &g, &err);
		assert_error(rc, &err, RT_ERR_GRAPH, bad_cases[i].needle);
		assert_null(g);
	}
}

/* A dependency may name a branch label. */
static void test_dependency_on_label(void **state)
{
	(void)state;
	static const char *const defs[] = {"r", "x:r::xs", "y:r:xs", NULL};
	rt_graph *g = must_build(defs);
	const rt_script *x = rt_graph_lookup(g, "x", NULL), *y = rt_graph_lookup(g, "y", NULL);
	assert_true(rt_graph_is_ancestor(g, x, y));
	rt_graph_free(g);
}

/* ---- lookup and ancestry ------------------------------------------------ */

static const struct {
	const char *const *graph;
	const char *id, *want; /* want NULL: error containing needle */
	const char *needle;
} lookup_cases[] = {
    {g_prefix, "abc1", "abc1", NULL},
    {g_prefix, "abd", "abd3", NULL},
    {g_prefix, "abc", NULL, "Multiple revisions start with 'abc': abc1, abc2"},
    {g_prefix, "ab", NULL, "Multiple revisions start with 'ab': abc1, abc2, abd3"},
    {g_prefix, "abe", NULL, "Can't locate revision identified by 'abe'"},
    {g_prefix, "", NULL, "Can't locate revision identified by ''"},
    {g_fork, "feature", "f", NULL},
    {g_fork, "featur", NULL, "Can't locate revision identified by 'featur'"},
};

static void test_lookup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++) {
		rt_graph *g = must_build(lookup_cases[i].graph);
		rt_error err;
		rt_error_clear(&err);
		const rt_script *s = rt_graph_lookup(g, lookup_cases[i].id, &err);
		if (lookup_cases[i].want) {
			assert_non_null(s);
			assert_string_equal(s->revision, lookup_cases[i].want);
		} else {
			assert_null(s);
			assert_error(-(int)err.code, &err, RT_ERR_REVISION, lookup_cases[i].needle);
		}
		rt_graph_free(g);
	}
}

/* rt_graph_find: exact ids only; NULL rather than an error. */
static const struct {
	const char *const *graph;
	const char *id, *want; /* want NULL: not found */
} find_cases[] = {
    {g_prefix, "abc1", "abc1"}, {g_prefix, "abd", NULL}, {g_prefix, "abc", NULL},
    {g_prefix, "", NULL},       {g_prefix, NULL, NULL},  {g_fork, "f", "f"},
    {g_fork, "feature", NULL},
};

static void test_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(find_cases) / sizeof(find_cases[0]); i++) {
		rt_graph *g = must_build(find_cases[i].graph);
		const rt_script *s = rt_graph_find(g, find_cases[i].id);
		if (find_cases[i].want) {
			assert_non_null(s);
			assert_string_equal(s->revision, find_cases[i].want);
		} else {
			assert_null(s);
		}
		rt_graph_free(g);
	}
}

static const struct {
	const char *const *graph;
	const char *anc, *desc;
	bool want;
} ancestor_cases[] = {
    {g_linear, "a", "d", true}, {g_linear, "d", "a", false}, {g_linear, "b", "b", true},
    {g_fork, "f", "o", false},  {g_merged, "f", "m", true},  {g_merged, "r", "m", true},
    {g_deps, "x", "y", true},   {g_deps, "y", "x", false},   {g_tie, "c", "b", false},
};

static void test_is_ancestor(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ancestor_cases) / sizeof(ancestor_cases[0]); i++) {
		rt_graph *g = must_build(ancestor_cases[i].graph);
		const rt_script *a = rt_graph_lookup(g, ancestor_cases[i].anc, NULL);
		const rt_script *d = rt_graph_lookup(g, ancestor_cases[i].desc, NULL);
		assert_int_equal(rt_graph_is_ancestor(g, a, d), ancestor_cases[i].want);
		rt_graph_free(g);
	}
}

static void test_children(void **state)
{
	(void)state;
	rt_graph *g = must_build(g_merged);
	size_t n;
	const rt_script *const *c = rt_graph_children(g, rt_graph_lookup(g, "r", NULL), &n);
	char *s = join_scripts(c, n);
	assert_string_equal(s, "f o");
	free(s);
	rt_graph_children(g, rt_graph_lookup(g, "m", NULL), &n);
	assert_int_equal(n, 0);
	rt_script stranger = {0};
	assert_null(rt_graph_children(g, &stranger, &n));
	assert_int_equal(n, 0);
	rt_graph_free(g);
}

/* ---- plans -------------------------------------------------------------- */

#define UP RT_UP
#define DN RT_DOWN

static const struct {
	const char *const *graph;
	const char *current; /* comma-separated heads */
	rt_direction dir;
	const char *target;
	const char *steps; /* space-separated, or NULL for an error */
	rt_code code;
	const char *needle;
} plan_cases[] = {
    {g_linear, "", UP, "head", "a b c d", 0, NULL},
    {g_linear, "", UP, "heads", "a b c d", 0, NULL},
    {g_linear, "b", UP, "head", "c d", 0, NULL},
    {g_linear, "d", UP, "head", "", 0, NULL},
    {g_linear, "", UP, "b", "a b", 0, NULL},
    {g_linear, "c", UP, "b", "", 0, NULL},
    {g_linear, "", UP, "base", "", 0, NULL},
    {g_linear, "", UP, "+1", "a", 0, NULL},
    {g_linear, "a", UP, "+2", "b c", 0, NULL},
    {g_linear, "", UP, "b@+1", "a b c", 0, NULL},
    {g_linear, "c", UP, "+2", NULL, RT_ERR_STATE,
     "Relative revision +2 didn't produce 2 migrations"},
    {g_linear, "", UP, "-1", NULL, RT_ERR_USAGE, "goes backwards"},
    {g_linear, "", UP, "zz", NULL, RT_ERR_REVISION, "Can't locate revision identified by 'zz'"},
    {g_linear, "zz", UP, "head", NULL, RT_ERR_REVISION, "Can't locate revision identified by 'zz'"},
    {g_linear, "d", DN, "base", "d c b a", 0, NULL},
    {g_linear, "", DN, "base", "", 0, NULL},
    {g_linear, "d", DN, "b", "d c", 0, NULL},
    {g_linear, "d", DN, "d", "", 0, NULL},
    {g_linear, "d", DN, "-1", "d", 0, NULL},
    {g_linear, "d", DN, "-4", "d c b a", 0, NULL},
    {g_linear, "d", DN, "c@-1", "d c", 0, NULL},
    {g_linear, "b", DN, "-3", NULL, RT_ERR_STATE,
     "Relative revision -3 didn't produce 3 migrations"},
    {g_linear, "", DN, "-1", NULL, RT_ERR_STATE,
     "Relative revision -1 didn't produce 1 migrations"},
    {g_linear, "b", DN, "c", NULL, RT_ERR_STATE, "Destination c is not a valid downgrade target"},
    {g_linear, "b", DN, "+1", NULL, RT_ERR_USAGE, "goes forwards"},
    {g_linear, "b", DN, "b@head", NULL, RT_ERR_STATE, "Destination d is not a valid downgrade"},
    {g_fork, "", UP, "head", NULL, RT_ERR_HEADS,
     "Multiple head revisions are present for given argument 'head'; please specify a specific "
     "target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all "
     "heads"},
    {g_fork, "", UP, "heads", "r f o", 0, NULL},
    {g_fork, "", UP, "feature@head", "r f", 0, NULL},
    {g_fork, "o", UP, "feature@head", "f", 0, NULL},
    {g_fork, "o", UP, "feature", "f", 0, NULL},
    {g_fork, "o", UP, "feature@+1", "f", 0, NULL},
    {g_fork, "r", UP, "+1", NULL, RT_ERR_HEADS, "Relative revision +1 is ambiguous"},
    {g_fork, "f,o", UP, "+1", NULL, RT_ERR_HEADS, "the database has several heads"},
    {g_fork, "f,o", DN, "-1", NULL, RT_ERR_HEADS, "the database has several heads"},
    {g_fork, "f,o", DN, "feature@-1", "f", 0, NULL},
    {g_fork, "o", DN, "feature@-1", NULL, RT_ERR_STATE, "didn't produce 1 migrations"},
    {g_fork, "f,o", DN, "feature@base", "f", 0, NULL},
    {g_fork, "f,o", DN, "r", "o f", 0, NULL},
    {g_fork, "f,o", DN, "f", "", 0, NULL},
    {g_fork, "f,o", DN, "base", "o f r", 0, NULL},
    {g_fork, "", UP, "nolabel@head", NULL, RT_ERR_REVISION, "identified by 'nolabel'"},
    {g_fork, "", UP, "feature@sideways", NULL, RT_ERR_REVISION, "'feature@sideways'"},
    {g_merged, "", UP, "head", "r f o m", 0, NULL},
    {g_merged, "f", UP, "m", "o m", 0, NULL},
    {g_merged, "f,o", UP, "feature@head", "", 0, NULL},
    {g_merged, "m", DN, "-1", "m", 0, NULL},
    {g_merged, "m", DN, "-2", NULL, RT_ERR_HEADS, "more than one revision follows m"},
    {g_merged, "m", DN, "feature@-1", "m f", 0, NULL},
    {g_merged, "m", DN, "o", "m", 0, NULL},
    {g_deps, "", UP, "y", "r x y", 0, NULL},
    {g_deps, "x,y", DN, "r", "y x", 0, NULL},
    {g_deps, "x,y", DN, "x", "y", 0, NULL},
    {g_deps, "x,y", DN, "xs@base", "y x", 0, NULL},
    {g_deps, "y", DN, "-1", "y", 0, NULL},
    {g_labels, "", UP, "alpha@head", "r a1 a2", 0, NULL},
    {g_labels, "", UP, "alpha", "r a1", 0, NULL},
    {g_labels, "a2", UP, "beta@+1", "b1", 0, NULL},
    {g_labels, "a2,b1", UP, "beta@+1", "b2", 0, NULL},
    {g_labels, "a2,b1", UP, "beta@+2", NULL, RT_ERR_STATE, "didn't produce 2 migrations"},
    {g_labels, "a2,b2", DN, "beta@-1", "b2", 0, NULL},
    {g_labels, "a2,b2", DN, "beta@-2", "b2 b1", 0, NULL},
    {g_labels, "a2,b2", DN, "alpha@base", "a2 a1", 0, NULL},
    {g_labels, "a2,b2", DN, "a1@-1", "a2 a1", 0, NULL},
};

static void test_plans(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
		rt_graph *g = must_build(plan_cases[i].graph);
		rt__arena a;
		rt__arena_init(&a);
		size_t nc;
		const char **cur = ids(&a, plan_cases[i].current, &nc);
		rt_plan plan = {0};
		rt_error err;
		rt_error_clear(&err);
		int rc =
		    rt_graph_plan(g, cur, nc, plan_cases[i].dir, plan_cases[i].target, &plan, &err);
		if (plan_cases[i].steps) {
			if (rc)
				fail_msg("case %zu (%s): %s", i, plan_cases[i].target, err.message);
			rt_buf b = RT_BUF_INIT;
			for (size_t k = 0; k < plan.n; k++) {
				assert_int_equal(plan.steps[k].direction, plan_cases[i].dir);
				rt_buf_printf(&b, "%s%s", k ? " " : "",
				              plan.steps[k].script->revision);
			}
			assert_string_equal(b.data, plan_cases[i].steps);
			rt_buf_release(&b);
		} else {
			assert_error(rc, &err, plan_cases[i].code, plan_cases[i].needle);
			assert_null(plan.steps);
		}
		rt_plan_release(&plan);
		rt__arena_release(&a);
		rt_graph_free(g);
	}
}

static void test_plan_error_details(void **state)
{
	(void)state;
	rt_graph *g = must_build(g_fork);
	rt_plan plan = {0};
	rt_error err;
	assert_int_equal(rt_graph_plan(g, NULL, 0, RT_UP, "head", &plan, &err), -RT_ERR_HEADS);
	assert_string_equal(err.detail, "multiple heads: f, o");
	assert_string_equal(err.hint, "retort merge heads");
	const char *cur[] = {"deadbeef"};
	assert_int_equal(rt_graph_plan(g, cur, 1, RT_UP, "heads", &plan, &err), -RT_ERR_REVISION);
	assert_non_null(strstr(err.hint, "retort stamp --purge <rev>"));
	rt_graph_free(g);
}

/* ---- version-table bookkeeping ------------------------------------------ */

static const struct {
	const char *const *graph;
	const char *heads;
	rt_direction dir;
	const char *rev, *remove, *add;
} change_cases[] = {
    {g_fork, "", UP, "r", "", "r"},         {g_fork, "r", UP, "f", "r", "f"},
    {g_fork, "f", UP, "o", "", "o"},        {g_fork, "f,o", DN, "o", "o", ""},
    {g_fork, "f", DN, "f", "f", "r"},       {g_fork, "r", DN, "r", "r", ""},
    {g_merged, "f,o", UP, "m", "f o", "m"}, {g_merged, "m", DN, "m", "m", "f o"},
    {g_deps, "x", UP, "y", "", "y"},        {g_deps, "x,y", DN, "y", "y", ""},
    {g_deps, "x,y", DN, "x", "x", ""},      {g_linear, "a", UP, "c", "a", "c"},
    {g_linear, "c", UP, "c", "", ""},
};

static void test_step_change(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(change_cases) / sizeof(change_cases[0]); i++) {
		rt_graph *g = must_build(change_cases[i].graph);
		rt__arena a;
		rt__arena_init(&a);
		size_t nh;
		const char **heads = ids(&a, change_cases[i].heads, &nh);
		rt_step step = {rt_graph_lookup(g, change_cases[i].rev, NULL), change_cases[i].dir};
		rt_version_change c;
		rt_error err;
		if (rt_graph_step_change(g, heads, nh, &step, &c, &err))
			fail_msg("case %zu: %s", i, err.message);
		char *rm = join_ids(c.remove, c.n_remove), *add = join_ids(c.add, c.n_add);
		assert_string_equal(rm, change_cases[i].remove);
		assert_string_equal(add, change_cases[i].add);
		free(rm);
		free(add);
		rt_version_change_release(&c);
		assert_null(c.remove);
		rt__arena_release(&a);
		rt_graph_free(g);
	}
}

static void test_step_change_unknown_head(void **state)
{
	(void)state;
	rt_graph *g = must_build(g_linear);
	const char *heads[] = {"nope"};
	rt_step step = {rt_graph_lookup(g, "b", NULL), RT_UP};
	rt_version_change c;
	rt_error err;
	int rc = rt_graph_step_change(g, heads, 1, &step, &c, &err);
	assert_error(rc, &err, RT_ERR_REVISION, "Can't locate revision identified by 'nope'");
	rt_graph_free(g);
}

static const struct {
	const char *const *graph;
	const char *current;
	rt_direction dir;
	const char *target, *after;
} after_cases[] = {
    {g_fork, "", UP, "heads", "f o"},
    {g_fork, "f,o", DN, "r", "r"},
    {g_fork, "f,o", DN, "feature@-1", "o"},
    {g_merged, "", UP, "head", "m"},
    {g_merged, "m", DN, "-1", "f o"},
    {g_merged, "m", DN, "r", "r"},
    {g_merged, "o", UP, "feature@head", "f o"},
    {g_deps, "", UP, "y", "x y"},
    {g_deps, "x,y", DN, "r", "r"},
    {g_linear, "d", DN, "base", ""},
};

static void test_heads_after(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(after_cases) / sizeof(after_cases[0]); i++) {
		rt_graph *g = must_build(after_cases[i].graph);
		rt__arena a;
		rt__arena_init(&a);
		size_t nc, n;
		const char **cur = ids(&a, after_cases[i].current, &nc);
		rt_plan plan = {0};
		const char **out;
		rt_error err;
		if (rt_graph_plan(g, cur, nc, after_cases[i].dir, after_cases[i].target, &plan,
		                  &err) ||
		    rt_graph_heads_after(g, cur, nc, &plan, &out, &n, &err))
			fail_msg("case %zu: %s", i, err.message);
		char *s = join_ids(out, n);
		assert_string_equal(s, after_cases[i].after);
		free(s);
		free(out);
		rt_plan_release(&plan);
		rt__arena_release(&a);
		rt_graph_free(g);
	}
}

/* ---- ranges ------------------------------------------------------------- */

static const struct {
	const char *const *graph;
	const char *current, *range;
	const char *want; /* NULL: error */
	rt_code code;
} range_cases[] = {
    {g_linear, "b", ":", "d c b a", 0},
    {g_linear, "b", "b:", "d c b", 0},
    {g_linear, "b", ":b", "b a", 0},
    {g_linear, "b", "b:c", "c b", 0},
    {g_linear, "b", "c:b", "", 0},
    {g_linear, "b", "base:head", "d c b a", 0},
    {g_linear, "b", "base:base", "", 0},
    {g_linear, "b", "current:", "d c b", 0},
    {g_linear, "b", ":current", "b a", 0},
    {g_linear, "", ":current", "", 0},
    {g_linear, "", "current:", "d c b a", 0},
    {g_linear, "c", "-1:", "d c b", 0},
    {g_linear, "b", ":+1", "c b a", 0},
    {g_linear, "a", "-1:", "d c b a", 0},
    {g_linear, "b", "b", NULL, RT_ERR_USAGE},
    {g_linear, "b", "zz:", NULL, RT_ERR_REVISION},
    {g_linear, "b", "-5:", NULL, RT_ERR_STATE},
    {g_fork, "", "f:", "f", 0},
    {g_fork, "", ":heads", "o f r", 0},
    {g_fork, "", ":head", "o f r", 0},
    {g_fork, "", "feature@head:", "f", 0},
    {g_deps, "", ":y", "y x r", 0},
    {g_merged, "", "o:", "m o", 0},
};

static void test_ranges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
		rt_graph *g = must_build(range_cases[i].graph);
		rt__arena a;
		rt__arena_init(&a);
		size_t nc, n = 0;
		const char **cur = ids(&a, range_cases[i].current, &nc);
		const rt_script **out = NULL;
		rt_error err;
		rt_error_clear(&err);
		int rc = rt_graph_range(g, cur, nc, range_cases[i].range, &out, &n, &err);
		if (range_cases[i].want) {
			if (rc)
				fail_msg("case %zu (%s): %s", i, range_cases[i].range, err.message);
			char *s = join_scripts(out, n);
			assert_string_equal(s, range_cases[i].want);
			free(s);
		} else {
			assert_int_equal(rc, -(int)range_cases[i].code);
			assert_null(out);
		}
		free(out);
		rt__arena_release(&a);
		rt_graph_free(g);
	}
}

/* ---- scale and loading -------------------------------------------------- */

/* A long chain with a side branch every 100 scripts: builds, plans and
 * replays its bookkeeping without quadratic blow-ups (timing not asserted). */
static void test_large_graph(void **state)
{
	(void)state;
	enum { N = 3000 };
	rt__arena a;
	rt__arena_init(&a);
	rt_script *scripts = rt__arena_array(&a, N, sizeof(rt_script));
	assert_non_null(scripts);
	for (size_t i = 0; i < N; i++) {
		char def[64];
		if (i == 0)
			snprintf(def, sizeof(def), "r%05zu", i);
		else
			snprintf(def, sizeof(def), "r%05zu:r%05zu", i, i - 1);
		make_script(&a, def, &scripts[N - 1 - i]);
	}
	rt_graph *g;
	rt_error err;
	assert_int_equal(rt__graph_build(&a, scripts, N, &g, &err), 0);
	rt_plan plan;
	assert_int_equal(rt_graph_plan(g, NULL, 0, RT_UP, "head", &plan, &err), 0);
	assert_int_equal(plan.n, N);
	const char **heads = NULL;
	size_t nh = 0;
	assert_int_equal(rt_graph_heads_after(g, NULL, 0, &plan, &heads, &nh, &err), 0);
	assert_int_equal(nh, 1);
	assert_string_equal(heads[0], "r02999");
	free(heads);
	rt_plan_release(&plan);
	assert_non_null(rt_graph_lookup(g, "r01234", &err));
	rt_graph_free(g);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load(void **state)
{
	(void)state;
	char dir[] = "test_graph_XXXXXX"; /* under the working directory */
	assert_non_null(mkdtemp(dir));
	write_file(dir, "1111aaaa0000_first.sql",
	           "-- first\n--\n-- Revision ID: 1111aaaa0000\n-- Revises: \n"
	           "-- Create Date: 2026-01-01 00:00:00\n\n-- retort:upgrade\nSELECT 1;\n\n"
	           "-- retort:downgrade\nSELECT 2;\n");
	write_file(dir, "2222bbbb0000_second.sql",
	           "-- second\n--\n-- Revision ID: 2222bbbb0000\n-- Revises: 1111aaaa0000\n"
	           "-- Create Date: 2026-01-02 00:00:00\n\n-- retort:upgrade\nSELECT 3;\n\n"
	           "-- retort:downgrade\nSELECT 4;\n");
	write_file(dir, "notes.txt", "not a script");
	rt_graph *g = NULL;
	rt_error err;
	if (rt_graph_load(dir, &g, &err))
		fail_msg("load: %s", err.message);
	assert_int_equal(rt_graph_count(g), 2);
	assert_string_equal(rt_graph_at(g, 0)->revision, "1111aaaa0000");
	assert_string_equal(rt_graph_at(g, 1)->filename, "2222bbbb0000_second.sql");
	rt_graph_free(g);

	write_file(dir, "3333cccc0000_orphan.sql",
	           "-- orphan\n--\n-- Revision ID: 3333cccc0000\n-- Revises: 9999\n\n"
	           "-- retort:upgrade\n\n-- retort:downgrade\n");
	assert_error(rt_graph_load(dir, &g, &err), &err, RT_ERR_GRAPH,
	             "Revision 9999 referenced from script 3333cccc0000_orphan.sql is not present");
	assert_null(g);

	static const char *const names[] = {"1111aaaa0000_first.sql", "2222bbbb0000_second.sql",
	                                    "3333cccc0000_orphan.sql", "notes.txt"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	assert_int_equal(rt_graph_load(dir, &g, &err), -RT_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shape),
	    cmocka_unit_test(test_bad_graphs),
	    cmocka_unit_test(test_dependency_on_label),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_is_ancestor),
	    cmocka_unit_test(test_children),
	    cmocka_unit_test(test_plans),
	    cmocka_unit_test(test_plan_error_details),
	    cmocka_unit_test(test_step_change),
	    cmocka_unit_test(test_step_change_unknown_head),
	    cmocka_unit_test(test_heads_after),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_large_graph),
	    cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
