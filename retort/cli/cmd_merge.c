/* cmd_merge.c — `retort merge REV...`: a revision whose parents are the
 * given revisions (or all heads), joining branches back into one head.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "format.h"
#include "banned.h"

enum { OPT_REV_ID = 256, OPT_BRANCH_LABEL };

static const struct option merge_opts[] = {
    {"message", required_argument, NULL, 'm'},
    {"rev-id", required_argument, NULL, OPT_REV_ID},
    {"branch-label", required_argument, NULL, OPT_BRANCH_LABEL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Adds id to parents unless present. */
static void add_unique(const char **parents, size_t *n, const char *id)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(parents[i], id) == 0)
			return;
	}
	parents[(*n)++] = id;
}

/* Resolves the REV arguments ("heads" expands to every head) to distinct
 * full ids, graph-owned. parents has room for the graph's size plus argc. */
static int resolve(const rt_graph *g, int argc, char **argv, const char **parents, size_t *n)
{
	rt_error err;
	rt_error_clear(&err);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "heads") == 0) {
			size_t nh = 0;
			const rt_script *const *heads = rt_graph_heads(g, &nh);
			for (size_t k = 0; k < nh; k++)
				add_unique(parents, n, heads[k]->revision);
			continue;
		}
		const rt_script *s = rt_graph_lookup(g, argv[i], &err);
		if (!s)
			return cli_fail(&err);
		add_unique(parents, n, s->revision);
	}
	return 0;
}

typedef struct merge_args {
	rt_revision_opts opts;
	const char **labels; /* --branch-label values; argc entries */
	char **revs;
	int nrev;
} merge_args;

static int run(cli_env *env, void *args)
{
	merge_args *a = args;
	rt_revision_opts *opts = &a->opts;
	int nrev = a->nrev;
	char **revs = a->revs;
	const rt_graph *g = rt_ctx_graph(env->ctx);
	const char **parents = calloc(rt_graph_count(g) + (size_t)nrev + 1, sizeof(char *));
	if (!parents) {
		fputs("retort: error: out of memory\n", stderr);
		return 1;
	}
	size_t n = 0;
	int status = resolve(g, nrev, revs, parents, &n);
	if (!status && n < 2)
		status = cli_usage_error(env->cmd, "merge needs at least two revisions");
	if (!status) {
		opts->parents = parents;
		opts->n_parents = n;
		rt_error err;
		rt_error_clear(&err);
		char *path = NULL;
		if (rt_ctx_revision(env->ctx, opts, &path, &err) != 0) {
			status = cli_fail(&err);
		} else {
			fmt_generated(stdout, path);
			free(path);
		}
	}
	free(parents);
	return status;
}

/* [-m MSG] [--rev-id ID] [--branch-label LABEL]... REV... */
static int parse(cli_env *env, int argc, char **argv, void *args)
{
	merge_args *a = args;
	a->labels = calloc((size_t)argc, sizeof(char *));
	if (!a->labels) {
		fputs("retort: error: out of memory\n", stderr);
		return 1;
	}
	rt_revision_opts *opts = &a->opts;
	opts->branch_labels = a->labels;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":m:h", merge_opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			opts->message = optarg;
			break;
		case OPT_REV_ID:
			opts->rev_id = optarg;
			break;
		case OPT_BRANCH_LABEL:
			a->labels[opts->n_labels++] = optarg;
			break;
		default:
			return cli_option_other(env, c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(env->cmd, "merge needs at least two revisions");
	a->revs = argv + optind;
	a->nrev = argc - optind;
	return -1;
}

static void release(void *args)
{
	free(((merge_args *)args)->labels);
}

const cmd_steps cmd_merge = {parse, run, release, sizeof(merge_args)};
