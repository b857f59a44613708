/* main.c — `retort [global options] COMMAND [options] [args]`: parses the
 * global options, finds the command in the table (commands.c) and runs it:
 * its parse step, then what its row needs (config, context), then its run
 * step. Exit status: 0 success, 1 a user-facing error, 2 bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

static const char global_usage[] =
    "usage: retort [-c FILE] [--url URL] [-x KEY=VALUE] COMMAND [options] [args]\n";

static void print_help(void)
{
	fputs(global_usage, stdout);
	fputs("\nSchema migrations for PostgreSQL and SQLite, the Alembic way.\n\ncommands:\n",
	      stdout);
	size_t n;
	const cmd_def *cmds = cmd_table(&n);
	for (size_t i = 0; i < n; i++)
		fprintf(stdout, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\noptions:\n"
	      "  -c, --config FILE   config file (default ./retort.ini)\n"
	      "  --url URL           database URL, overriding database_url\n"
	      "  -x KEY=VALUE        extra argument (reserved)\n"
	      "  -h, --help          show this help\n"
	      "  --version           show the version\n"
	      "\n`retort COMMAND --help` describes a command.\n",
	      stdout);
}

static int global_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "retort: error: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
	fputs(global_usage, stderr);
	return 2;
}

enum { OPT_URL = 256, OPT_VERSION };

/* Fills env from the options before the command; returns -1 to go on, or
 * an exit status. */
static int parse_global(int argc, char **argv, cli_env *env)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"url", required_argument, NULL, OPT_URL},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0},
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:c:x:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			env->config_path = optarg;
			break;
		case OPT_URL:
			env->url = optarg;
			break;
		case 'x':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return global_usage_error("-x expects KEY=VALUE, got", optarg);
			break;
		case 'h':
			print_help();
			return 0;
		case OPT_VERSION:
			printf("retort %s\n", RETORT_VERSION);
			return 0;
		case ':':
			return global_usage_error("option requires an argument:", argv[optind - 1]);
		default:
			return global_usage_error("unknown option", argv[optind - 1]);
		}
	}
	return -1;
}

/* An unknown command is bad usage (2); a near miss gets a suggestion. */
static int unknown_command(const char *name)
{
	const cmd_def *near = cmd_suggest(name);
	if (!near) {
		fprintf(stderr, "retort: error: unknown command '%s'; see 'retort --help'\n", name);
		return 2;
	}
	fprintf(stderr, "retort: error: unknown command '%s'\n", name);
	fprintf(stderr, "  hint: did you mean '%s'?\n", near->name);
	return 2;
}

/* The command's steps (commands.h): parse, open what the row needs, run. */
static int run_command(cli_env *env, int argc, char **argv)
{
	const cmd_steps *steps = env->cmd->steps;
	void *args = calloc(1, steps->args_size ? steps->args_size : 1);
	if (!args) {
		fputs("retort: error: out of memory\n", stderr);
		return 1;
	}
	int status = steps->parse(env, argc, argv, args);
	if (status < 0) {
		status = cli_setup(env);
		if (status == 0)
			status = steps->run(env, args);
	}
	if (steps->release)
		steps->release(args);
	free(args);
	return status;
}

int main(int argc, char **argv)
{
	cli_env env = {.config_path = "retort.ini"};
	int status = parse_global(argc, argv, &env);
	if (status >= 0)
		return status;
	if (optind >= argc)
		return global_usage_error("no command given; see 'retort --help'", NULL);
	const char *name = argv[optind];
	env.cmd = cmd_find(name);
	if (!env.cmd)
		return unknown_command(name);
	status = run_command(&env, argc - optind, argv + optind);
	cli_env_release(&env);
	fflush(stdout);
	if (ferror(stdout)) {
		fputs("retort: error: cannot write to standard output\n", stderr);
		return 1;
	}
	return status;
}
