/* cmd_history.c — `retort history [-r RANGE] [-v] [-i]`: the revisions,
 * newest first, as "<down> -> <rev> (head), <message>" lines or verbose
 * blocks. Only a range naming "current" or a relative side, or -i, connects to the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "format.h"
#include "banned.h"

static const struct option history_opts[] = {
    {"rev-range", required_argument, NULL, 'r'},
    {"verbose", no_argument, NULL, 'v'},
    {"indicate-current", no_argument, NULL, 'i'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct history_args {
	const char *range; /* NULL: everything */
	bool verbose;
	bool indicate_current;
} history_args;

/* "current..." and relative sides ("-1", "+2") are read against the
 * database's heads. */
static bool side_is_current(const char *side)
{
	return strncmp(side, "current", 7) == 0 || side[0] == '-' || side[0] == '+';
}

static bool range_needs_current(const char *range)
{
	const char *colon = strchr(range, ':');
	return side_is_current(range) || (colon && side_is_current(colon + 1));
}

static void print_scripts(const rt_graph *g, const rt_script *const *list, size_t n,
                          const history_args *a, const char *const *cur, size_t ncur)
{
	for (size_t i = 0; i < n; i++) {
		bool current = a->indicate_current && fmt_is_current(list[i], cur, ncur);
		if (a->verbose)
			fmt_verbose(stdout, g, list[i], current);
		else
			fmt_line(stdout, g, list[i],
			         FMT_PARENTS | FMT_BRANCHES | FMT_HEAD | FMT_TREE | FMT_DOC,
			         current);
	}
}

static int run(cli_env *env, void *args)
{
	const history_args *a = args;
	rt_error err;
	rt_error_clear(&err);
	const rt_graph *g = rt_ctx_graph(env->ctx);
	const char *const *cur = NULL;
	size_t ncur = 0;
	if (a->indicate_current || (a->range && range_needs_current(a->range))) {
		if (rt_ctx_current(env->ctx, &cur, &ncur, &err) != 0)
			return cli_fail(&err);
	}
	const rt_script **list = NULL;
	size_t n = 0;
	if (a->range) {
		if (rt_graph_range(g, cur, ncur, a->range, &list, &n, &err) != 0)
			return cli_fail(&err);
	} else {
		n = rt_graph_count(g);
		list = calloc(n ? n : 1, sizeof(*list));
		if (!list) {
			fputs("retort: error: out of memory\n", stderr);
			return 1;
		}
		for (size_t i = 0; i < n; i++)
			list[i] = rt_graph_at(g, n - 1 - i);
	}
	print_scripts(g, list, n, a, cur, ncur);
	free(list);
	return 0;
}

static int parse(cli_env *env, int argc, char **argv, void *args)
{
	history_args *a = args;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:vih", history_opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->range = optarg;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'i':
			a->indicate_current = true;
			break;
		default:
			return cli_option_other(env, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	return -1;
}

const cmd_steps cmd_history = {parse, run, NULL, sizeof(history_args)};
