/* format.c — printing revisions the way Alembic does, so its users read
 * retort's history, heads, branches, show and current without surprise. */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "banned.h"

static void put_list(FILE *out, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", items[i]);
}

static void put_down(FILE *out, const rt_script *s)
{
	if (s->n_down == 0)
		fputs("<base>", out);
	else
		put_list(out, s->down_revisions, s->n_down);
}

static size_t n_children(const rt_graph *g, const rt_script *s)
{
	size_t n = 0;
	rt_graph_children(g, s, &n);
	return n;
}

bool fmt_is_current(const rt_script *s, const char *const *current, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(current[i], s->revision) == 0)
			return true;
	}
	return false;
}

void fmt_line(FILE *out, const rt_graph *g, const rt_script *s, unsigned flags, bool current)
{
	size_t kids = n_children(g, s);
	if (flags & FMT_PARENTS) {
		put_down(out, s);
		if (s->n_depends) {
			fputs(" (", out);
			put_list(out, s->depends_on, s->n_depends);
			fputc(')', out);
		}
		fputs(" -> ", out);
	}
	fputs(s->revision, out);
	if ((flags & FMT_BRANCHES) && s->n_labels) {
		fputs(" (", out);
		put_list(out, s->branch_labels, s->n_labels);
		fputc(')', out);
	}
	if (flags & (FMT_HEAD | FMT_TREE)) {
		if (kids == 0)
			fputs(" (head)", out);
		if (current)
			fputs(" (current)", out);
	}
	if ((flags & FMT_TREE) && kids > 1)
		fputs(" (branchpoint)", out);
	if ((flags & FMT_TREE) && s->n_down > 1)
		fputs(" (mergepoint)", out);
	if (flags & FMT_DOC)
		fprintf(out, ", %s", s->message);
	fputc('\n', out);
}

static void put_header(FILE *out, const char *header)
{
	while (header && *header) {
		size_t len = strcspn(header, "\n");
		if (len)
			fprintf(out, "    %.*s", (int)len, header);
		fputc('\n', out);
		header += len;
		if (*header == '\n')
			header++;
	}
}

void fmt_verbose(FILE *out, const rt_graph *g, const rt_script *s, bool current)
{
	size_t kids = 0;
	const rt_script *const *children = rt_graph_children(g, s, &kids);
	fprintf(out, "Rev: %s%s%s%s%s\n", s->revision, kids == 0 ? " (head)" : "",
	        kids > 1 ? " (branchpoint)" : "", s->n_down > 1 ? " (mergepoint)" : "",
	        current ? " (current)" : "");
	fputs(s->n_down > 1 ? "Merges: " : "Parent: ", out);
	put_down(out, s);
	fputc('\n', out);
	if (s->n_depends) {
		fputs("Also depends on: ", out);
		put_list(out, s->depends_on, s->n_depends);
		fputc('\n', out);
	}
	if (kids > 1) {
		fputs("Branches into: ", out);
		for (size_t i = 0; i < kids; i++)
			fprintf(out, "%s%s", i ? ", " : "", children[i]->revision);
		fputc('\n', out);
	}
	if (s->n_labels) {
		fputs("Branch names: ", out);
		put_list(out, s->branch_labels, s->n_labels);
		fputc('\n', out);
	}
	fprintf(out, "Path: %s\n\n", s->path);
	put_header(out, s->header);
	fputc('\n', out);
}

void fmt_generated(FILE *out, const char *path)
{
	char *real = realpath(path, NULL);
	fprintf(out, "Generating %s ...  done\n", real ? real : path);
	free(real);
}
