/* cmd_revision.c — `retort revision`: writes a new migration script on top
 * of the current head (or --head): empty for the user to fill in, or with
 * --autogenerate the statements that bring the database to the models.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "cmd_lint.h"
#include "commands.h"
#include "format.h"
#include "banned.h"

enum {
	OPT_REV_ID = 256,
	OPT_HEAD,
	OPT_SPLICE,
	OPT_BRANCH_LABEL,
	OPT_DEPENDS_ON,
	OPT_AUTOGENERATE,
	OPT_ALLOW_EMPTY,
	OPT_NO_CACHE,
};

typedef struct revision_args {
	rt_revision_opts opts;
	const char **labels, **depends; /* the repeatable options; argc entries each */
	bool autogenerate;
	bool allow_empty;
	bool no_cache;
} revision_args;

static const struct option revision_opts[] = {
    {"message", required_argument, NULL, 'm'},
    {"rev-id", required_argument, NULL, OPT_REV_ID},
    {"head", required_argument, NULL, OPT_HEAD},
    {"splice", no_argument, NULL, OPT_SPLICE},
    {"branch-label", required_argument, NULL, OPT_BRANCH_LABEL},
    {"depends-on", required_argument, NULL, OPT_DEPENDS_ON},
    {"autogenerate", no_argument, NULL, OPT_AUTOGENERATE},
    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Fills args->opts from argv, collecting the repeatable options into
 * labels and depends. */
static int parse(cli_env *env, int argc, char **argv, void *p)
{
	revision_args *args = p;
	args->labels = calloc((size_t)argc, sizeof(char *));
	args->depends = calloc((size_t)argc, sizeof(char *));
	if (!args->labels || !args->depends) {
		fputs("retort: error: out of memory\n", stderr);
		return 1;
	}
	rt_revision_opts *opts = &args->opts;
	opts->branch_labels = args->labels;
	opts->depends_on = args->depends;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":m:h", revision_opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			opts->message = optarg;
			break;
		case OPT_REV_ID:
			opts->rev_id = optarg;
			break;
		case OPT_HEAD:
			opts->head = optarg;
			break;
		case OPT_SPLICE:
			opts->splice = true;
			break;
		case OPT_BRANCH_LABEL:
			args->labels[opts->n_labels++] = optarg;
			break;
		case OPT_DEPENDS_ON:
			args->depends[opts->n_depends++] = optarg;
			break;
		case OPT_AUTOGENERATE:
			args->autogenerate = true;
			break;
		case OPT_ALLOW_EMPTY:
			args->allow_empty = true;
			break;
		case OPT_NO_CACHE:
			args->no_cache = true;
			break;
		default:
			return cli_option_other(env, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	if (args->allow_empty && !args->autogenerate)
		return cli_usage_error(env->cmd, "--allow-empty goes with --autogenerate");
	if (args->no_cache && !args->autogenerate)
		return cli_usage_error(env->cmd, "--no-cache goes with --autogenerate");
	return -1;
}

/* Prints what autogenerate found, as Alembic's "Detected ..." lines, and
 * what needs review on stderr. */
static void report(const rt_autogen *ag)
{
	for (size_t i = 0; i < ag->nsummary; i++)
		fprintf(stderr, "INFO  [retort] Detected %s\n", ag->summary[i]);
	for (size_t i = 0; i < ag->nwarnings; i++)
		fprintf(stderr, "WARN  [retort] %s\n", ag->warnings[i]);
}

/* Prints the lint findings of the script autogenerate just wrote, for the
 * review it now needs. The script is written either way, so the exit
 * status stays 0; a lint failure is a warning. */
static void lint_written(cli_env *env, const char *path)
{
	const rt_graph *g = rt_ctx_graph(env->ctx);
	const rt_script *s = NULL;
	for (size_t i = 0; !s && i < rt_graph_count(g); i++)
		if (!strcmp(rt_graph_at(g, i)->path, path))
			s = rt_graph_at(g, i);
	rt_error err;
	rt_error_clear(&err);
	rt_lint_report r = {0};
	fflush(stdout); /* after "Generating ...", also when both go to one pipe */
	if (s && rt_ctx_lint(env->ctx, s, RT_DIALECT_NONE, &r, &err) != 0)
		fprintf(stderr, "WARN  [retort] cannot lint '%s': %s\n", path, err.message);
	cmd_lint_print(stderr, &r);
	rt_lint_report_release(&r);
}

static int run(cli_env *env, void *p)
{
	revision_args *args = p;
	rt_revision_opts *opts = &args->opts;
	rt_error err;
	rt_error_clear(&err);
	rt_autogen ag = {0};
	if (args->autogenerate) {
		rt_ctx_set_model_cache(env->ctx, !args->no_cache);
		if (rt_ctx_autogenerate(env->ctx, &ag, &err) != 0)
			return cli_fail(&err);
		report(&ag);
		if (ag.nsummary == 0 && !args->allow_empty) {
			fputs("INFO  [retort] No changes in schema detected.\n", stderr);
			rt_autogen_release(&ag);
			return 0;
		}
		opts->upgrade_sql = ag.upgrade_sql;
		opts->downgrade_sql = ag.downgrade_sql;
	}
	char *path = NULL;
	int rc = rt_ctx_revision(env->ctx, opts, &path, &err);
	rt_autogen_release(&ag);
	if (rc != 0)
		return cli_fail(&err);
	fmt_generated(stdout, path);
	if (args->autogenerate)
		lint_written(env, path);
	free(path);
	return 0;
}

static void release(void *p)
{
	revision_args *args = p;
	free(args->labels);
	free(args->depends);
}

const cmd_steps cmd_revision = {parse, run, release, sizeof(revision_args)};
