/* cmd_upgrade.c — `retort upgrade TARGET` and `retort downgrade TARGET`,
 * online (run the migrations) or with --sql (print them, Alembic's offline
 * mode). The two differ only in direction and in what a range needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

enum { OPT_SQL = 256 };

static const struct option move_opts[] = {
    {"sql", no_argument, NULL, OPT_SQL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Offline: upgrade accepts "B" meaning base:B; downgrade needs "A:B". */
static int offline(cli_env *env, rt_direction dir, const char *target)
{
	bool range = strchr(target, ':') != NULL;
	if (!range && dir == RT_DOWN)
		return cli_usage_error(
		    env->cmd, "downgrade with --sql requires <fromrev>:<torev>, e.g. head:base");
	rt_buf spec = RT_BUF_INIT;
	rt_buf sql = RT_BUF_INIT;
	rt_error err;
	rt_error_clear(&err);
	int status = 0;
	int rc = range ? rt_buf_puts(&spec, target) : rt_buf_printf(&spec, "base:%s", target);
	if (rc)
		rc = rt_error_set(&err, RT_ERR_NOMEM, "out of memory");
	else
		rc = rt_ctx_offline_sql(env->ctx, dir, spec.data, &sql, &err);
	if (rc)
		status = cli_fail(&err);
	else if (fwrite(sql.data, 1, sql.len, stdout) != sql.len)
		status = 1;
	rt_buf_release(&spec);
	rt_buf_release(&sql);
	return status;
}

static int online(cli_env *env, rt_direction dir, const char *target)
{
	if (strchr(target, ':'))
		return cli_usage_error(env->cmd, "range revision not allowed without --sql");
	rt_error err;
	rt_error_clear(&err);
	int rc = dir == RT_UP ? rt_ctx_upgrade(env->ctx, target, &err)
	                      : rt_ctx_downgrade(env->ctx, target, &err);
	return rc ? cli_fail(&err) : 0;
}

typedef struct move_args {
	bool sql;
	const char *target; /* one of argv's strings */
} move_args;

/* [--sql] TARGET; TARGET may look like an option ("-1"). */
static int parse(cli_env *env, int argc, char **argv, void *args)
{
	move_args *a = args;
	int n;
	char **shielded = cli_shield_negatives(argc, argv, &n);
	int status = -1;
	optind = 0;
	opterr = 0;
	int c;
	while (status < 0 && (c = getopt_long(n, shielded, ":h", move_opts, NULL)) != -1) {
		if (c == OPT_SQL)
			a->sql = true;
		else
			status = cli_option_other(env, c, shielded);
	}
	if (status < 0 && n - optind != 1)
		status = cli_usage_error(env->cmd, n - optind ? "only one target is allowed"
		                                              : "the target revision is required");
	if (status < 0)
		a->target = shielded[optind];
	free(shielded);
	return status;
}

static int move(cli_env *env, rt_direction dir, const move_args *a)
{
	return a->sql ? offline(env, dir, a->target) : online(env, dir, a->target);
}

static int run_upgrade(cli_env *env, void *args)
{
	return move(env, RT_UP, args);
}

static int run_downgrade(cli_env *env, void *args)
{
	return move(env, RT_DOWN, args);
}

const cmd_steps cmd_upgrade = {parse, run_upgrade, NULL, sizeof(move_args)};
const cmd_steps cmd_downgrade = {parse, run_downgrade, NULL, sizeof(move_args)};
