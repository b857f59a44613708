/* cmd_inspect.c — `retort inspect [--models]`: the schema as retort sees
 * it, one fact per line: what autogenerate compares. Handy to see why
 * `check` reports a difference, and how tests compare schemas exactly.
 *
 * `retort inspect --sql [--split DIR] [--force]`: the live schema as model
 * SQL instead, on stdout or as one file per table in DIR (each path
 * printed), to start a models directory from a database.
 */
#include <stdio.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

enum { OPT_SQL = 256, OPT_SPLIT, OPT_FORCE };

static const struct option inspect_opts[] = {
    {"models", no_argument, NULL, 'm'},
    {"sql", no_argument, NULL, OPT_SQL},
    {"split", required_argument, NULL, OPT_SPLIT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct inspect_args {
	bool models, sql, force;
	const char *split; /* argv's string, or NULL */
} inspect_args;

static int parse(cli_env *env, int argc, char **argv, void *args)
{
	inspect_args *a = args;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":mh", inspect_opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			a->models = true;
			break;
		case OPT_SQL:
			a->sql = true;
			break;
		case OPT_SPLIT: /* implies --sql */
			a->sql = true;
			a->split = optarg;
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		default:
			return cli_option_other(env, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	if (a->models && a->sql)
		return cli_usage_error(env->cmd, "--models and --sql/--split do not go together");
	if (a->force && !a->split)
		return cli_usage_error(env->cmd, "--force applies to --split DIR only");
	if (a->split && !*a->split)
		return cli_usage_error(env->cmd, "--split needs a directory");
	return -1;
}

static int run(cli_env *env, void *args)
{
	const inspect_args *a = args;
	rt_error err;
	rt_error_clear(&err);
	rt_buf out = RT_BUF_INIT;
	int rc = a->sql ? rt_ctx_inspect_sql(env->ctx, a->split, a->force, &out, &err)
	                : rt_ctx_inspect(env->ctx, a->models, &out, &err);
	if (rc != 0) {
		rt_buf_release(&out);
		return cli_fail(&err);
	}
	fputs(out.data, stdout);
	rt_buf_release(&out);
	return 0;
}

const cmd_steps cmd_inspect = {parse, run, NULL, sizeof(inspect_args)};
