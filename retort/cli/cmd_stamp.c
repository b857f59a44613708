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

typedef struct stamp_args {
	bool purge;
	char **shielded; /* argv with "-1"-like arguments after "--" */
	const char *const *revs;
	size_t nrevs;
} stamp_args;

/* [--purge] REV...; a REV may look like an option ("-1"). */
static int parse(cli_env *env, int argc, char **argv, void *args)
{
	stamp_args *a = args;
	int n;
	a->shielded = cli_shield_negatives(argc, argv, &n);
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(n, a->shielded, ":h", stamp_opts, NULL)) != -1) {
		if (c != OPT_PURGE)
			return cli_option_other(env, c, a->shielded);
		a->purge = true;
	}
	if (optind >= n)
		return cli_usage_error(env->cmd, "at least one revision is required");
	a->revs = (const char *const *)(a->shielded + optind);
	a->nrevs = (size_t)(n - optind);
	return -1;
}

static int run(cli_env *env, void *args)
{
	const stamp_args *a = args;
	rt_error err;
	rt_error_clear(&err);
	if (rt_ctx_stamp(env->ctx, a->revs, a->nrevs, a->purge, &err) != 0)
		return cli_fail(&err);
	return 0;
}

static void release(void *args)
{
	free(((stamp_args *)args)->shielded);
}

const cmd_steps cmd_stamp = {parse, run, release, sizeof(stamp_args)};
