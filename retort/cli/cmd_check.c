/* cmd_check.c — `retort check`: exit 0 when the database matches the models
 * and every applied script is unchanged since it ran; exit 1 listing the
 * pending operations and the edited scripts otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

static const struct option check_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* No options but --help, no arguments. */
static int parse(cli_env *env, int argc, char **argv, void *args)
{
	(void)args;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", check_opts, NULL)) != -1)
		return cli_option_other(env, c, argv);
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static int run(cli_env *env, void *args)
{
	(void)args;
	rt_error err;
	rt_error_clear(&err);
	char **edited = NULL;
	size_t nedited = 0;
	if (rt_ctx_edited_scripts(env->ctx, &edited, &nedited, &err) != 0)
		return cli_fail(&err);
	rt_autogen ag;
	if (rt_ctx_autogenerate(env->ctx, &ag, &err) != 0) {
		rt_strings_free(edited, nedited);
		return cli_fail(&err);
	}
	/* the other warnings (tables the models define but the config does not
	 * own, rename hints); data loss is already marked in the list below */
	for (size_t i = 0; i < ag.nwarnings; i++)
		if (strncmp(ag.warnings[i], "data loss: ", 11))
			fprintf(stderr, "WARN  [retort] %s\n", ag.warnings[i]);
	if (ag.nsummary) {
		printf("New upgrade operations detected:\n");
		for (size_t i = 0; i < ag.nsummary; i++)
			printf("  - %s\n", ag.summary[i]);
	}
	if (nedited) {
		printf("Applied scripts edited since they ran:\n");
		for (size_t i = 0; i < nedited; i++)
			printf("  - %s\n", edited[i]);
	}
	if (!ag.nsummary && !nedited)
		printf("No new upgrade operations detected.\n");
	int status = ag.nsummary || nedited ? 1 : 0;
	rt_autogen_release(&ag);
	rt_strings_free(edited, nedited);
	return status;
}

const cmd_steps cmd_check = {parse, run, NULL, 0};
