/* cmd_init.c — `retort init DIR`: lays out a new migration directory and
 * its retort.ini (the library does the work; this file reports it in
 * Alembic's words, with absolute paths).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

static bool path_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* path made absolute for messages; falls back to path as given. */
static void print_abs(const char *fmt, const char *path)
{
	char *real = realpath(path, NULL);
	printf(fmt, real ? real : path);
	free(real);
}

static void print_abs_join(const char *fmt, const char *dir, const char *name)
{
	char *real = realpath(dir, NULL);
	char joined[PATH_MAX + 64];
	snprintf(joined, sizeof(joined), "%s/%s", real ? real : dir, name);
	printf(fmt, joined);
	free(real);
}

typedef struct init_args {
	const char *dir;
} init_args;

static int parse(cli_env *env, int argc, char **argv, void *args)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	init_args *a = args;
	optind = 0;
	opterr = 0;
	int c;
	if ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		return cli_option_other(env, c, argv);
	if (argc - optind != 1)
		return cli_usage_error(env->cmd, argc - optind ? "init takes exactly one directory"
		                                               : "the directory is required");
	a->dir = argv[optind];
	return -1;
}

static int run(cli_env *env, void *args)
{
	const char *dir = ((const init_args *)args)->dir;
	bool dir_existed = path_exists(dir);
	bool config_existed = path_exists(env->config_path);

	rt_error err;
	rt_error_clear(&err);
	if (rt_init(dir, env->config_path, &err) != 0)
		return cli_fail(&err);

	if (!dir_existed)
		print_abs("Creating directory '%s' ...  done\n", dir);
	print_abs_join("Creating directory '%s' ...  done\n", dir, "versions");
	if (config_existed)
		print_abs("File '%s' already exists, skipping\n", env->config_path);
	else
		print_abs("Generating '%s' ...  done\n", env->config_path);
	print_abs("Please edit configuration/connection settings in '%s' before proceeding.\n",
	          env->config_path);
	return 0;
}

const cmd_steps cmd_init = {parse, run, NULL, sizeof(init_args)};
