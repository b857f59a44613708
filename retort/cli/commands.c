/* commands.c — the one table of retort's commands, and the helpers they
 * share: opening the config and context, error and usage reporting, the
 * log callback, the suggestion for a mistyped command. See commands.h for
 * how to add a command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "commands.h"
#include "banned.h"

static const cmd_def commands[] = {
    {"init", &cmd_init, CMD_NEEDS_NONE, "Create a migration directory and retort.ini",
     "usage: retort init DIR\n"
     "\n"
     "Creates DIR/versions and, unless it exists, the config file (-c, default\n"
     "retort.ini) with script_location = DIR. DIR must not exist or be empty.\n"},
    {"revision", &cmd_revision, CMD_NEEDS_CTX, "Create a new revision file",
     "usage: retort revision [-m MSG] [--rev-id ID] [--head REV] [--splice]\n"
     "                       [--branch-label LABEL] [--depends-on REV]\n"
     "                       [--autogenerate [--allow-empty] [--no-cache]]\n"
     "\n"
     "  -m, --message MSG      message; also names the file\n"
     "  --rev-id ID            revision id instead of 12 random hex digits\n"
     "  --head REV             parent: a head, LABEL@head, or base for a new root\n"
     "  --splice               allow a --head that is not a head (new branch)\n"
     "  --branch-label LABEL   label for the new branch (repeatable)\n"
     "  --depends-on REV       revision this one depends on (repeatable)\n"
     "  --autogenerate         fill the script with what turns the database into the\n"
     "                         models (the database must be at head)\n"
     "  --allow-empty          with --autogenerate: write the script even when\n"
     "                         nothing changed\n"
     "  --no-cache             with --autogenerate: apply every model file to the\n"
     "                         scratch schema, not only those changed since the\n"
     "                         last run (.retort-cache/ beside the config)\n"},
    {"upgrade", &cmd_upgrade, CMD_NEEDS_CTX, "Upgrade to a later version",
     "usage: retort upgrade [--sql] TARGET\n"
     "\n"
     "TARGET: head, heads, REV, LABEL@head, +N, REV@+N.\n"
     "  --sql   print the SQL for [FROM:]TARGET (FROM defaults to base) instead of\n"
     "          running it\n"},
    {"downgrade", &cmd_downgrade, CMD_NEEDS_CTX, "Revert to a previous version",
     "usage: retort downgrade [--sql] TARGET\n"
     "\n"
     "TARGET: base, REV, -N, REV@-N, LABEL@base.\n"
     "  --sql   print the SQL for FROM:TARGET instead of running it\n"},
    {"current", &cmd_current, CMD_NEEDS_CTX, "Display the current revision of the database",
     "usage: retort current [-v]\n"
     "\n"
     "  -v, --verbose   print the full entry of each revision\n"},
    {"history", &cmd_history, CMD_NEEDS_CTX, "List revisions in chronological order",
     "usage: retort history [-r RANGE] [-v] [-i]\n"
     "\n"
     "  -r, --rev-range RANGE     only revisions in [start]:[end]\n"
     "  -v, --verbose             print the full entry of each revision\n"
     "  -i, --indicate-current    mark the database's current revision(s)\n"},
    {"heads", &cmd_heads, CMD_NEEDS_CTX, "Show current available heads in the script directory",
     "usage: retort heads [-v]\n"
     "\n"
     "  -v, --verbose   print the full entry of each head\n"},
    {"branches", &cmd_branches, CMD_NEEDS_CTX, "Show current branch points",
     "usage: retort branches [-v]\n"
     "\n"
     "  -v, --verbose   print the full entry of each branch point\n"},
    {"show", &cmd_show, CMD_NEEDS_CTX, "Show the revision(s) denoted by the given symbol",
     "usage: retort show REV\n"
     "\n"
     "REV: a revision, unique prefix, branch label, LABEL@head, head, heads or\n"
     "current.\n"},
    {"stamp", &cmd_stamp, CMD_NEEDS_CTX,
     "Set the version table to the given revision(s) without running migrations",
     "usage: retort stamp [--purge] REV...\n"
     "\n"
     "  --purge   empty the version table first (needed when it holds unknown\n"
     "            revisions)\n"},
    {"check", &cmd_check, CMD_NEEDS_CTX,
     "Check that the database matches the models and the applied scripts",
     "usage: retort check\n"
     "\n"
     "Exit 0 when the database (at head) matches the models and no applied\n"
     "script was edited since it ran; exit 1 listing the differences.\n"},
    {"inspect", &cmd_inspect, CMD_NEEDS_CTX, "Print the database schema as retort sees it",
     "usage: retort inspect [--models]\n"
     "       retort inspect --sql [--split DIR [--force]]\n"
     "\n"
     "One line per table, column, constraint, index, enum type and comment, sorted:\n"
     "what autogenerate and check compare.\n"
     "  -m, --models   the schema the model files make, instead of the database's\n"
     "  --sql          the database's owned schema as model SQL, on stdout\n"
     "  --split DIR    the model SQL as DIR/<table>.sql files (enum types in\n"
     "                 DIR/types.sql), printing each path; implies --sql\n"
     "  --force        with --split: overwrite files that exist (else refused)\n"},
    {"adopt", &cmd_adopt, CMD_NEEDS_CTX, "Take over a history or database that Alembic managed",
     "usage: retort adopt [--force]\n"
     "       retort adopt --from-alembic DIR [--force]\n"
     "\n"
     "Without --from-alembic: a baseline of the database. Its revision id is the\n"
     "Alembic revision in version_table (or alembic_version); it creates the owned\n"
     "schema from empty; the models are written to the models directory; the\n"
     "database is not changed and version_table is set to Alembic's table. With\n"
     "no Alembic revision, the baseline gets a new id and the database is stamped.\n"
     "Several Alembic heads are refused (run 'alembic merge heads' first).\n"
     "  --from-alembic DIR   import the Alembic history in DIR (the directory with\n"
     "                       env.py and versions/): one script per revision, same ids,\n"
     "                       SQL from Alembic's offline mode for the configured\n"
     "                       database; needs a Python with Alembic (alembic_python in\n"
     "                       retort.ini, RETORT_ALEMBIC_PYTHON, or python3); sets\n"
     "                       version_table to Alembic's; the database is not changed\n"
     "  --force              write over model (or script) files that exist\n"},
    {"lint", &cmd_lint, CMD_NEEDS_CTX,
     "Review migration scripts for data loss, long locks and unsafe changes",
     "usage: retort lint [--strict] [--dialect NAME] [REV | RANGE]\n"
     "\n"
     "Lints the head script(s), the revision REV, or RANGE ([start]:[end], as\n"
     "history -r). Reads the scripts only; the dialect is the database URL's.\n"
     "Exit 1 when an error-level finding remains. Silence one finding with\n"
     "'-- retort:lint-ignore CODE reason' on the line above its statement.\n"
     "  --strict          exit 1 on warnings too\n"
     "  --dialect NAME    postgresql or sqlite, instead of the URL's\n"},
    {"merge", &cmd_merge, CMD_NEEDS_CTX, "Merge two or more revisions together",
     "usage: retort merge [-m MSG] [--rev-id ID] [--branch-label LABEL] REV...\n"
     "\n"
     "REV...: two or more revisions, or the word heads for all heads.\n"
     "  -m, --message MSG      message; also names the file\n"
     "  --rev-id ID            revision id instead of 12 random hex digits\n"
     "  --branch-label LABEL   label for the merge revision (repeatable)\n"},
};

const cmd_def *cmd_table(size_t *n)
{
	*n = sizeof(commands) / sizeof(commands[0]);
	return commands;
}

const cmd_def *cmd_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

enum { NAME_MAX_LEN = 32 }; /* longer names are no typo of a command */

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of two neighbours each cost one. Both strings shorter than
 * NAME_MAX_LEN. */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const cmd_def *cmd_suggest(const char *name)
{
	size_t len = strlen(name);
	if (len >= NAME_MAX_LEN)
		return NULL;
	const cmd_def *best = NULL;
	size_t best_d = 0;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t clen = strlen(commands[i].name);
		size_t d = osa_distance(name, len, commands[i].name, clen);
		if (d <= 2 && d * 3 <= clen && (!best || d < best_d)) {
			best = &commands[i];
			best_d = d;
		}
	}
	return best;
}

int cli_setup(cli_env *env)
{
	if (env->cmd->needs == CMD_NEEDS_NONE || env->ctx)
		return 0;
	rt_error err;
	rt_error_clear(&err);
	if (rt_config_load(env->config_path, env->url, &env->cfg, &err) != 0) {
		if (err.code == RT_ERR_IO && !err.hint[0])
			rt_error_hint(&err, "run 'retort init migrations' first, or pass -c FILE");
		return cli_fail(&err);
	}
	if (rt_ctx_open(env->cfg, &env->ctx, &err) != 0)
		return cli_fail(&err);
	rt_ctx_set_log(env->ctx, cli_log, NULL);
	return 0;
}

void cli_env_release(cli_env *env)
{
	rt_ctx_free(env->ctx);
	env->ctx = NULL;
	rt_config_free(env->cfg);
	env->cfg = NULL;
}

int cli_fail(const rt_error *err)
{
	fputs("retort: error: ", stderr);
	if (err->file[0]) {
		fputs(err->file, stderr);
		if (err->line > 0)
			fprintf(stderr, ":%d", err->line);
		if (err->line > 0 && err->col > 0)
			fprintf(stderr, ":%d", err->col);
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s\n", err->message[0] ? err->message : rt_error_name(err->code));
	if (err->detail[0])
		fprintf(stderr, "  detail: %s\n", err->detail);
	if (err->hint[0])
		fprintf(stderr, "  hint: %s\n", err->hint);
	int status = rt_error_exit_status(err->code);
	return status ? status : 1;
}

/* The first line of a usage text. */
static void print_usage_line(FILE *out, const cmd_def *cmd)
{
	const char *nl = strchr(cmd->usage, '\n');
	int len = nl ? (int)(nl - cmd->usage) : (int)strlen(cmd->usage);
	fprintf(out, "%.*s\n", len, cmd->usage);
}

int cli_usage_error(const cmd_def *cmd, const char *fmt, ...)
{
	fputs("retort: error: ", stderr);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage_line(stderr, cmd);
	return 2;
}

int cli_option_other(const cli_env *env, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	switch (c) {
	case 'h':
		fputs(env->cmd->usage, stdout);
		fputs("  -h, --help   show this help\n", stdout);
		return 0;
	case ':':
		return cli_usage_error(env->cmd, "option '%s' requires an argument", arg);
	default:
		if (optopt && optopt != '?')
			return cli_usage_error(env->cmd, "unknown option '-%c'", optopt);
		return cli_usage_error(env->cmd, "unknown option '%s'", arg);
	}
}

static bool looks_negative(const char *arg)
{
	return arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9';
}

char **cli_shield_negatives(int argc, char **argv, int *argc_out)
{
	char **out = calloc((size_t)argc + 2, sizeof(char *));
	if (!out) {
		fputs("retort: error: out of memory\n", stderr);
		exit(1);
	}
	int n = 0, end = argc;
	out[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			end = i;
			break;
		}
		if (!looks_negative(argv[i]))
			out[n++] = argv[i];
	}
	out[n++] = (char *)"--";
	for (int i = 1; i < end; i++) {
		if (looks_negative(argv[i]))
			out[n++] = argv[i];
	}
	for (int i = end + 1; i < argc; i++)
		out[n++] = argv[i];
	*argc_out = n;
	return out;
}

void cli_log(void *ud, rt_log_level level, const char *msg)
{
	(void)ud;
	fprintf(stderr, "%s [retort] %s\n", level == RT_LOG_WARNING ? "WARN " : "INFO ", msg);
	fflush(stderr);
}
