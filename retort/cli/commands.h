/* commands.h — the command table of the retort CLI and the helpers every
 * command uses.
 *
 * Adding a command:
 *   1. Write cli/cmd_<name>.c (or add to the file of its family) with a
 *      struct for its arguments and the two steps of cmd_steps below:
 *      parse reads argv with getopt_long (optind = 0 first; send every
 *      unhandled option character, 'h' included, to cli_option_other so
 *      --help works) and checks the arguments; run does the work. Neither
 *      opens the config: main does that between them, as the row's needs
 *      says. Return an exit status (cli_fail() for library errors,
 *      cli_usage_error() for bad usage; parse returns -1 to go on).
 *   2. Declare its `const cmd_steps cmd_<name>` below and add one row to
 *      the table in commands.c: name, steps, needs, summary, usage text.
 *   3. List a new file in cli/meson.build.
 *   4. `retort <name> --help` must print the usage and exit 0 without a
 *      config; the end-to-end tests check this for every command listed by
 *      `retort --help`.
 */
#ifndef RETORT_CLI_COMMANDS_H
#define RETORT_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/retort.h"

typedef enum cmd_needs {
	CMD_NEEDS_NONE, /* works without a config (init) */
	CMD_NEEDS_CTX,  /* loads the config and opens the migration context */
} cmd_needs;

typedef struct cli_env cli_env;

/* A command in two steps, so that --help and usage errors never need a
 * config or a database. main zeroes args_size bytes for the command's own
 * argument struct, and passes them to both steps: parse reads argv into
 * them and returns -1 to go on, or an exit status (0 after --help); main
 * then opens what the row's needs asks (cli_setup) and calls run. release,
 * when set, frees what parse allocated into the struct, whether run ran or
 * not. */
typedef struct cmd_steps {
	int (*parse)(cli_env *env, int argc, char **argv, void *args);
	int (*run)(cli_env *env, void *args);
	void (*release)(void *args);
	size_t args_size;
} cmd_steps;

typedef struct cmd_def {
	const char *name;
	const cmd_steps *steps;
	cmd_needs needs;
	const char *summary; /* one line for `retort --help` */
	const char *usage;   /* "usage: ..." line, then option lines */
} cmd_def;

/* What main hands to a command: the global options, and the config and
 * context once cli_setup opened them (released by cli_env_release). */
struct cli_env {
	const cmd_def *cmd;
	const char *config_path;
	const char *url; /* --url, or NULL */
	rt_config *cfg;
	rt_ctx *ctx;
};

/* The table, in `retort --help` order; cmd_find returns NULL for an unknown
 * name. */
const cmd_def *cmd_table(size_t *n);
const cmd_def *cmd_find(const char *name);

/* The command whose name is closest to an unknown name, when it is close
 * enough to be a typo (at most two edits, and at most a third of the
 * command's length); NULL otherwise. */
const cmd_def *cmd_suggest(const char *name);

/* Opens what env->cmd->needs: main calls it between a command's parse and
 * run steps. Returns 0, or an exit status after printing the error. */
int cli_setup(cli_env *env);
void cli_env_release(cli_env *env);

/* Prints "retort: error: [file:line:col: ]message" and the detail and hint
 * lines to stderr; returns the exit status for err->code. */
int cli_fail(const rt_error *err);

/* Prints "retort: error: <fmt>" and the command's usage line to stderr;
 * returns 2. */
int cli_usage_error(const cmd_def *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For the default branch of a getopt_long switch (optstring starting with
 * ':'): 'h' prints the usage to stdout and returns 0; '?' and ':' are usage
 * errors (2). The command returns the result either way. */
int cli_option_other(const cli_env *env, int c, char **argv);

/* A copy of argv (malloc'd array, same strings; *argc_out its length) in
 * which arguments such as "-1" (relative targets) come after a "--", so
 * getopt leaves them alone. Only for commands whose options take no
 * argument. Aborts on OOM. */
char **cli_shield_negatives(int argc, char **argv, int *argc_out);

/* The log callback: "INFO  [retort] msg" / "WARN  [retort] msg" on stderr. */
void cli_log(void *ud, rt_log_level level, const char *msg);

extern const cmd_steps cmd_init;
extern const cmd_steps cmd_revision;
extern const cmd_steps cmd_merge;
extern const cmd_steps cmd_upgrade;
extern const cmd_steps cmd_downgrade;
extern const cmd_steps cmd_stamp;
extern const cmd_steps cmd_current;
extern const cmd_steps cmd_heads;
extern const cmd_steps cmd_branches;
extern const cmd_steps cmd_show;
extern const cmd_steps cmd_history;
extern const cmd_steps cmd_check;
extern const cmd_steps cmd_inspect;
extern const cmd_steps cmd_adopt;
extern const cmd_steps cmd_lint;

#endif
