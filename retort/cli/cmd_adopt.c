/* cmd_adopt.c — `retort adopt [--from-alembic DIR] [--force]`: taking over
 * what Alembic managed, either its whole history (imported script by script
 * through Alembic's own offline SQL) or a baseline of the live database.
 * Prints each file written, the retort.ini change, and the command to run
 * next.
 */
#include <stdio.h>

#include <getopt.h>

#include "commands.h"
#include "format.h"
#include "banned.h"

enum { OPT_FROM_ALEMBIC = 256, OPT_FORCE };

static const struct option adopt_opts[] = {
    {"from-alembic", required_argument, NULL, OPT_FROM_ALEMBIC},
    {"force", no_argument, NULL, OPT_FORCE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse(cli_env *env, int argc, char **argv, void *args)
{
	rt_adopt_opts *a = args;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", adopt_opts, NULL)) != -1) {
		if (c == OPT_FROM_ALEMBIC)
			a->from_alembic = optarg;
		else if (c == OPT_FORCE)
			a->force = true;
		else
			return cli_option_other(env, c, argv);
	}
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static void next_step(const rt_adopt_opts *a, const rt_adopt_result *r)
{
	if (a->from_alembic) {
		printf("Imported history, head %s. Next: 'retort history' to review it; on "
		       "the database Alembic manages, 'retort current' shows its revision and "
		       "'retort upgrade head' continues from it.\n",
		       r->revision);
		return;
	}
	printf("Baseline %s%s. Next: 'retort check' (expect no differences), then "
	       "'retort revision --autogenerate -m MSG' after changing the models.\n",
	       r->revision, r->stamped ? " (database stamped with it)" : "");
}

static int run(cli_env *env, void *args)
{
	const rt_adopt_opts *a = args;
	rt_error err;
	rt_error_clear(&err);
	rt_adopt_result r;
	if (rt_ctx_adopt(env->ctx, a, &r, &err) != 0)
		return cli_fail(&err);
	for (size_t i = 0; i < r.n_written; i++)
		fmt_generated(stdout, r.written[i]);
	if (r.ini_changed)
		printf("Setting version_table = %s in %s ...  done\n", r.version_table,
		       rt_config_path(env->cfg));
	next_step(a, &r);
	rt_adopt_release(&r);
	return 0;
}

const cmd_steps cmd_adopt = {parse, run, NULL, sizeof(rt_adopt_opts)};
