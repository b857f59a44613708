/* cmd_current.c — the commands that show revisions without changing
 * anything: current (the database's), heads, branches and show (the
 * graph's). Output follows Alembic's (see format.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "format.h"
#include "banned.h"

static const struct option verbose_opts[] = {
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct verbose_args {
	bool verbose;
} verbose_args;

/* [-v] and no arguments: current, heads and branches. */
static int parse_verbose(cli_env *env, int argc, char **argv, void *args)
{
	bool *verbose = &((verbose_args *)args)->verbose;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":vh", verbose_opts, NULL)) != -1) {
		if (c != 'v')
			return cli_option_other(env, c, argv);
		*verbose = true;
	}
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static void print_url_line(const rt_config *cfg)
{
	rt_url url = {0};
	rt_error err;
	const char *text = rt_config_database_url(cfg);
	bool parsed = text && rt_url_parse(text, &url, &err) == 0;
	printf("Current revision(s) for %s:\n", parsed ? url.display : "(no url)");
	if (parsed)
		rt_url_release(&url);
}

static int run_current(cli_env *env, void *args)
{
	bool verbose = ((const verbose_args *)args)->verbose;
	rt_error err;
	rt_error_clear(&err);
	const char *const *rows;
	size_t n;
	if (rt_ctx_current(env->ctx, &rows, &n, &err) != 0)
		return cli_fail(&err);
	const rt_graph *g = rt_ctx_graph(env->ctx);
	if (verbose)
		print_url_line(env->cfg);
	for (size_t i = 0; i < n; i++) {
		/* a version row names a revision exactly: no prefix, no label */
		const rt_script *s = rt_graph_lookup(g, rows[i], &err);
		if (!s || strcmp(s->revision, rows[i])) {
			rt_error_set(&err, RT_ERR_REVISION,
			             "Can't locate revision identified by '%s'", rows[i]);
			rt_error_hint(&err, RT_UNKNOWN_REVISION_HINT);
			return cli_fail(&err);
		}
		if (verbose)
			fmt_verbose(stdout, g, s, false);
		else
			fmt_line(stdout, g, s, FMT_HEAD | FMT_TREE, false);
	}
	return 0;
}

static int run_heads(cli_env *env, void *args)
{
	bool verbose = ((const verbose_args *)args)->verbose;
	const rt_graph *g = rt_ctx_graph(env->ctx);
	size_t n = 0;
	const rt_script *const *heads = rt_graph_heads(g, &n);
	for (size_t i = 0; i < n; i++) {
		if (verbose)
			fmt_verbose(stdout, g, heads[i], false);
		else
			fmt_line(stdout, g, heads[i], FMT_BRANCHES | FMT_HEAD, false);
	}
	return 0;
}

static int run_branches(cli_env *env, void *args)
{
	bool verbose = ((const verbose_args *)args)->verbose;
	const rt_graph *g = rt_ctx_graph(env->ctx);
	for (size_t i = rt_graph_count(g); i-- > 0;) {
		const rt_script *s = rt_graph_at(g, i);
		size_t nk = 0;
		const rt_script *const *kids = rt_graph_children(g, s, &nk);
		if (nk < 2)
			continue;
		if (verbose)
			fmt_verbose(stdout, g, s, false);
		else
			fmt_line(stdout, g, s, FMT_BRANCHES | FMT_HEAD | FMT_TREE, false);
		for (size_t k = 0; k < nk; k++) {
			printf("%*s -> ", (int)strlen(s->revision), "");
			fmt_line(stdout, g, kids[k], FMT_BRANCHES | FMT_HEAD | FMT_TREE | FMT_DOC,
			         false);
		}
		putchar('\n');
	}
	return 0;
}

/* The heads that descend from the script named by label ("label@head"). */
static int show_branch_head(cli_env *env, const char *rev, size_t label_len)
{
	const rt_graph *g = rt_ctx_graph(env->ctx);
	char *label = strndup(rev, label_len);
	if (!label) {
		fputs("retort: error: out of memory\n", stderr);
		return 1;
	}
	rt_error err;
	rt_error_clear(&err);
	const rt_script *base = rt_graph_lookup(g, label, &err);
	free(label);
	if (!base)
		return cli_fail(&err);
	size_t n = 0;
	const rt_script *const *heads = rt_graph_heads(g, &n);
	for (size_t i = 0; i < n; i++) {
		if (rt_graph_is_ancestor(g, base, heads[i]))
			fmt_verbose(stdout, g, heads[i], false);
	}
	return 0;
}

static int show_current(cli_env *env)
{
	rt_error err;
	rt_error_clear(&err);
	const char *const *rows;
	size_t n;
	if (rt_ctx_current(env->ctx, &rows, &n, &err) != 0)
		return cli_fail(&err);
	const rt_graph *g = rt_ctx_graph(env->ctx);
	for (size_t i = 0; i < n; i++) {
		const rt_script *s = rt_graph_lookup(g, rows[i], &err);
		if (!s)
			return cli_fail(&err);
		fmt_verbose(stdout, g, s, true);
	}
	return 0;
}

static int show_heads(cli_env *env, bool only_one)
{
	const rt_graph *g = rt_ctx_graph(env->ctx);
	size_t n = 0;
	const rt_script *const *heads = rt_graph_heads(g, &n);
	if (only_one && n > 1) {
		rt_error err;
		rt_error_set(&err, RT_ERR_HEADS,
		             "Multiple heads are present for given argument 'head'");
		rt_error_hint(&err, "retort show heads, or name one head");
		return cli_fail(&err);
	}
	for (size_t i = 0; i < n; i++)
		fmt_verbose(stdout, g, heads[i], false);
	return 0;
}

typedef struct show_args {
	const char *rev;
} show_args;

static int run_show(cli_env *env, void *args)
{
	const char *rev = ((const show_args *)args)->rev;
	size_t len = strlen(rev);
	if (strcmp(rev, "head") == 0 || strcmp(rev, "heads") == 0)
		return show_heads(env, rev[4] == '\0');
	if (strcmp(rev, "current") == 0)
		return show_current(env);
	if (len > 5 && strcmp(rev + len - 5, "@head") == 0)
		return show_branch_head(env, rev, len - 5);
	rt_error err;
	rt_error_clear(&err);
	const rt_graph *g = rt_ctx_graph(env->ctx);
	const rt_script *s = rt_graph_lookup(g, rev, &err);
	if (!s)
		return cli_fail(&err);
	fmt_verbose(stdout, g, s, false);
	return 0;
}

/* One REV. */
static int parse_show(cli_env *env, int argc, char **argv, void *args)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	optind = 0;
	opterr = 0;
	int c;
	if ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		return cli_option_other(env, c, argv);
	if (argc - optind != 1)
		return cli_usage_error(env->cmd, argc - optind ? "show takes one revision"
		                                               : "the revision is required");
	((show_args *)args)->rev = argv[optind];
	return -1;
}

const cmd_steps cmd_current = {parse_verbose, run_current, NULL, sizeof(verbose_args)};
const cmd_steps cmd_heads = {parse_verbose, run_heads, NULL, sizeof(verbose_args)};
const cmd_steps cmd_branches = {parse_verbose, run_branches, NULL, sizeof(verbose_args)};
const cmd_steps cmd_show = {parse_show, run_show, NULL, sizeof(show_args)};
