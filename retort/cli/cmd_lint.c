/* cmd_lint.c — `retort lint [--strict] [--dialect NAME] [REV | RANGE]`:
 * the findings of retort/lint.h for the head script(s) (what an Alembic
 * user just wrote and is about to review), one revision, or a range as
 * history takes it. Reads scripts only: no database connection, except for
 * a range naming "current". Exit 1 when an error-level finding remains
 * (with --strict, any finding), 0 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "cmd_lint.h"
#include "commands.h"
#include "banned.h"

enum { OPT_STRICT = 256, OPT_DIALECT };

static const struct option lint_opts[] = {
    {"strict", no_argument, NULL, OPT_STRICT},
    {"dialect", required_argument, NULL, OPT_DIALECT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct lint_args {
	const char *target; /* NULL: the heads */
	bool strict;
	rt_dialect dialect; /* NONE: the database URL's */
} lint_args;

void cmd_lint_print(FILE *out, const rt_lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const rt_lint_finding *f = &r->findings[i];
		fprintf(out, "%s:%d: %s %s %s: %s; safer: %s\n", f->file, f->line,
		        rt_lint_severity_name(f->rule->severity), f->rule->code, f->message,
		        f->rule->why, f->rule->safer);
	}
}

static int parse(cli_env *env, int argc, char **argv, void *p)
{
	lint_args *a = p;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", lint_opts, NULL)) != -1) {
		switch (c) {
		case OPT_STRICT:
			a->strict = true;
			break;
		case OPT_DIALECT:
			a->dialect = rt_dialect_from_name(optarg);
			if (a->dialect == RT_DIALECT_NONE)
				return cli_usage_error(
				    env->cmd, "unknown dialect '%s' (postgresql or sqlite)",
				    optarg);
			break;
		default:
			return cli_option_other(env, c, argv);
		}
	}
	if (optind < argc)
		a->target = argv[optind++];
	if (optind < argc)
		return cli_usage_error(env->cmd, "unexpected argument '%s'", argv[optind]);
	return -1;
}

/* The scripts to lint, oldest first, in a malloc'd array. */
static int select_scripts(cli_env *env, const lint_args *a, const rt_script ***out, size_t *n,
                          rt_error *err)
{
	const rt_graph *g = rt_ctx_graph(env->ctx);
	const char *t = a->target;
	if (!t || !strcmp(t, "head") || !strcmp(t, "heads")) {
		const rt_script *const *heads = rt_graph_heads(g, n);
		*out = calloc(*n ? *n : 1, sizeof(**out));
		if (!*out)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		memcpy(*out, heads, *n * sizeof(**out));
		return 0;
	}
	if (!strchr(t, ':')) {
		const rt_script *s = rt_graph_lookup(g, t, err);
		if (!s)
			return -err->code;
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		(*out)[0] = s;
		*n = 1;
		return 0;
	}
	const char *const *cur = NULL;
	size_t ncur = 0;
	int rc = strstr(t, "current") ? rt_ctx_current(env->ctx, &cur, &ncur, err) : 0;
	if (!rc)
		rc = rt_graph_range(g, cur, ncur, t, out, n, err);
	for (size_t i = 0; !rc && i < *n / 2; i++) { /* newest first -> oldest first */
		const rt_script *x = (*out)[i];
		(*out)[i] = (*out)[*n - 1 - i];
		(*out)[*n - 1 - i] = x;
	}
	return rc;
}

static int run(cli_env *env, void *p)
{
	const lint_args *a = p;
	rt_error err;
	rt_error_clear(&err);
	const rt_script **list = NULL;
	size_t n = 0;
	rt_lint_report r = {0};
	int rc = select_scripts(env, a, &list, &n, &err);
	for (size_t i = 0; !rc && i < n; i++)
		rc = rt_ctx_lint(env->ctx, list[i], a->dialect, &r, &err);
	free(list);
	if (rc) {
		rt_lint_report_release(&r);
		return cli_fail(&err);
	}
	cmd_lint_print(stdout, &r);
	size_t errors = rt_lint_errors(&r), warnings = r.n - errors;
	printf("%zu error%s, %zu warning%s in %zu script%s\n", errors, errors == 1 ? "" : "s",
	       warnings, warnings == 1 ? "" : "s", n, n == 1 ? "" : "s");
	rt_lint_report_release(&r);
	return errors || (a->strict && warnings) ? 1 : 0;
}

const cmd_steps cmd_lint = {parse, run, NULL, sizeof(lint_args)};
