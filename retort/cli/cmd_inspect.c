/* cmd_inspect.c — `retort inspect [--models]`: the schema as retort sees
 * it, one fact per line: what autogenerate compares. Handy to see why
 * `check` reports a difference, and how tests compare schemas exactly.
 */
#include <stdio.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

static const struct option inspect_opts[] = {
    {"models", no_argument, NULL, 'm'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct inspect_args {
	bool models;
} inspect_args;

static int parse(cli_env *env, int argc, char **argv, void *args)
{
	inspect_args *a = args;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":mh", inspect_opts, NULL)) != -1) {
		if (c != 'm')
			return cli_option_other(env, c, argv);
		a->models = true;
	}
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static int run(cli_env *env, void *args)
{
	bool models = ((const inspect_args *)args)->models;
	rt_error err;
	rt_error_clear(&err);
	rt_buf out = RT_BUF_INIT;
	if (rt_ctx_inspect(env->ctx, models, &out, &err) != 0) {
		rt_buf_release(&out);
		return cli_fail(&err);
	}
	fputs(out.data, stdout);
	rt_buf_release(&out);
	return 0;
}

const cmd_steps cmd_inspect = {parse, run, NULL, sizeof(inspect_args)};
