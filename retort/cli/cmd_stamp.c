/* cmd_stamp.c — `retort stamp [--purge] REV...`: records revisions in the
 * version table without running any script (adopting an existing database,
 * or repairing the table after a manual change).
 */
#include <stdio.h>
#include <stdlib.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

enum { OPT_PURGE = 256 };

static const struct option stamp_opts[] = {
    {"purge", no_argument, NULL, OPT_PURGE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int stamp(cli_env *env, int argc, char **argv)
{
	bool purge = false;
	int status = -1;
	optind = 0;
	opterr = 0;
	int c;
	while (status < 0 && (c = getopt_long(argc, argv, ":h", stamp_opts, NULL)) != -1) {
		if (c == OPT_PURGE)
			purge = true;
		else
			status = cli_option_other(env, c, argv);
	}
	if (status >= 0)
		return status;
	if (optind >= argc)
		return cli_usage_error(env->cmd, "at least one revision is required");
	status = cli_setup(env);
	if (status)
		return status;
	rt_error err;
	rt_error_clear(&err);
	const char *const *targets = (const char *const *)(argv + optind);
	if (rt_ctx_stamp(env->ctx, targets, (size_t)(argc - optind), purge, &err) != 0)
		return cli_fail(&err);
	return 0;
}

int cmd_stamp(cli_env *env, int argc, char **argv)
{
	int n;
	char **args = cli_shield_negatives(argc, argv, &n);
	int status = stamp(env, n, args);
	free(args);
	return status;
}
