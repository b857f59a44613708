/* adopt.c — rt_ctx_adopt: taking over a history and database Alembic
 * managed (see retort/migrate.h). This file is --from-alembic: the history
 * read through Alembic (alembic_import.c) becomes retort scripts; the
 * baseline form is adopt_baseline.c.
 *
 * The import plans every file first — rendered in memory, each script
 * parsed back with the same parser the graph uses, the whole set loaded as
 * a graph from a scratch directory — and writes only when the whole plan
 * holds, so a refusal leaves nothing behind. retort.ini is edited last,
 * one key (ini_edit.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt_baseline.h"
#include "alembic_import.h"
#include "ctx.h"
#include "ini_edit.h"
#include "script_file.h"
#include "util/fs.h"
#include "banned.h"

/* The files a run will write. */
typedef struct plan {
	rt__arena *a;
	const char **paths;
	const char **texts;
	size_t n, cap_paths, cap_texts;
} plan;

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
}

static int plan_add(plan *p, const char *path, const char *text, rt_error *err)
{
	if (p->n == p->cap_paths) {
		size_t cap = p->cap_paths;
		const char **gp =
		    rt__arena_grow(p->a, p->paths, p->n, &p->cap_paths, sizeof(char *));
		const char **gt = rt__arena_grow(p->a, p->texts, p->n, &cap, sizeof(char *));
		if (!gp || !gt)
			return nomem(err);
		p->paths = gp;
		p->texts = gt;
	}
	p->paths[p->n] = path;
	p->texts[p->n++] = text;
	return 0;
}

/* Writes every planned file (replacing one that exists only when the plan
 * was checked with force) and records the paths in out. */
static int plan_write(const plan *p, rt_adopt_result *out, rt_error *err)
{
	out->written = calloc(p->n ? p->n : 1, sizeof(char *));
	if (!out->written)
		return nomem(err);
	for (size_t i = 0; i < p->n; i++) {
		int rc = rt__fs_replace(p->paths[i], p->texts[i], strlen(p->texts[i]), err);
		if (rc)
			return rc;
		if (!(out->written[out->n_written++] = strdup(p->paths[i])))
			return nomem(err);
	}
	return 0;
}

/* Loads the planned scripts as a graph of their own, from a scratch
 * directory beside versions/ that is removed afterwards: the graph's rules
 * (every down-revision present, labels declared once, no cycle) checked
 * before any file lands in versions/. */
static int plan_check_graph(const plan *p, const char *versions_dir, rt_error *err)
{
	char *tmpl = rt__arena_printf(p->a, "%s/../.retort-adopt-XXXXXX", versions_dir);
	if (!tmpl)
		return nomem(err);
	if (!mkdtemp(tmpl))
		return rt_error_set(err, RT_ERR_IO, "cannot create a directory beside '%s': %s",
		                    versions_dir, strerror(errno));
	int rc = 0;
	size_t made = 0;
	char **tmp_paths = rt__arena_array(p->a, p->n ? p->n : 1, sizeof(char *));
	rc = tmp_paths ? 0 : nomem(err);
	for (; !rc && made < p->n; made++) {
		const char *name = strrchr(p->paths[made], '/');
		tmp_paths[made] = rt__arena_printf(p->a, "%s%s", tmpl, name);
		rc = tmp_paths[made] ? rt__fs_create(tmp_paths[made], p->texts[made],
		                                     strlen(p->texts[made]), err)
		                     : nomem(err);
	}
	rt_graph *g = NULL;
	rc = rc ? rc : rt_graph_load(tmpl, &g, err);
	rt_graph_free(g);
	for (size_t i = 0; i < made; i++)
		if (tmp_paths[i])
			unlink(tmp_paths[i]);
	rmdir(tmpl);
	return rc;
}

/* ---- --from-alembic ------------------------------------------------- */

static const char *alembic_python(const rt_config *cfg)
{
	const char *v = rt_config_get(cfg, "alembic_python");
	if (v && *v)
		return v;
	v = getenv("RETORT_ALEMBIC_PYTHON");
	return v && *v ? v : "python3";
}

/* Alembic's file name with .sql for .py when it starts with the revision
 * id (Alembic's default template), else <rev>_<slug>.sql. */
static const char *script_name(rt__arena *a, const rt__alembic_rev *r)
{
	const char *base = strrchr(r->source, '/');
	base = base ? base + 1 : r->source;
	size_t len = strlen(base), rlen = strlen(r->revision);
	if (len > 3 && !strcmp(base + len - 3, ".py") && !strncmp(base, r->revision, rlen) &&
	    (base[rlen] == '_' || base[rlen] == '.'))
		return rt__arena_printf(a, "%.*s.sql", (int)(len - 3), base);
	const char *slug = rt__script_slug(a, r->message);
	if (!slug)
		return NULL;
	return *slug ? rt__arena_printf(a, "%s_%s.sql", r->revision, slug)
	             : rt__arena_printf(a, "%s.sql", r->revision);
}

/* Alembic's offline text, blank lines at the ends dropped; NULL when the
 * function emitted nothing (an empty section). */
static const char *body(rt__arena *a, const char *sql)
{
	size_t s = 0, e = strlen(sql);
	while (s < e && (sql[s] == '\n' || sql[s] == '\r'))
		s++;
	while (e > s && (sql[e - 1] == '\n' || sql[e - 1] == '\r' || sql[e - 1] == ' '))
		e--;
	return e > s ? rt__arena_printf(a, "%.*s\n", (int)(e - s), sql + s) : NULL;
}

/* Renders r as a retort script and parses it back, so an id or label
 * retort cannot carry is refused here, naming Alembic's file. */
static int render_revision(rt__arena *a, const rt__alembic_rev *r, rt_dialect d, const char *path,
                           const char **text, rt_error *err)
{
	const char *base = strrchr(r->source, '/');
	const char *msg =
	    rt__arena_printf(a, "%s\n\nImported from Alembic's %s (offline SQL for %s)",
	                     *r->message ? r->message : r->revision, base ? base + 1 : r->source,
	                     rt_dialect_name(d));
	if (!msg)
		return nomem(err);
	rt__script_spec spec = {
	    .revision = r->revision,
	    .message = msg,
	    .create_date = r->create_date,
	    .down_revisions = r->downs,
	    .n_down = r->n_down,
	    .branch_labels = r->labels,
	    .n_labels = r->n_labels,
	    .depends_on = r->depends,
	    .n_depends = r->n_depends,
	    .upgrade_sql = body(a, r->upgrade_sql ? r->upgrade_sql : ""),
	    .downgrade_sql = body(a, r->downgrade_sql ? r->downgrade_sql : ""),
	};
	rt_buf b = RT_BUF_INIT;
	if (rt__script_render(&b, &spec)) {
		rt_buf_release(&b);
		return nomem(err);
	}
	*text = rt__arena_strndup(a, b.data, b.len);
	rt_buf_release(&b);
	if (!*text)
		return nomem(err);
	rt_script check;
	rt_error perr;
	rt_error_clear(&perr);
	if (rt__script_parse(a, path, *text, strlen(*text), &check, &perr) != 0) {
		if (perr.code == RT_ERR_NOMEM)
			return nomem(err);
		return rt_error_set(err, RT_ERR_CONFIG, "%s: cannot carry revision '%s': %s",
		                    r->source, r->revision, perr.message);
	}
	return 0;
}

/* A versions dir with scripts is refused unless force (checked before
 * Alembic runs: no need to wait for it to refuse). */
static int check_versions_empty(rt_ctx *ctx, bool force, rt_error *err)
{
	size_t n = rt_graph_count(ctx->graph);
	if (!n || force)
		return 0;
	int rc = rt_error_set(err, RT_ERR_STATE,
	                      "%s already holds %zu revision script%s; nothing written",
	                      rt_config_versions_dir(ctx->cfg), n, n == 1 ? "" : "s");
	rt_error_hint(err, "adopt --from-alembic starts the history; pass --force to write the "
	                   "imported scripts over files of the same name");
	return rc;
}

/* With force, an imported id held by a script of another file name is
 * still refused: the graph would hold it twice. */
static int check_versions(rt_ctx *ctx, const rt__alembic_history *h, const char **names,
                          rt_error *err)
{
	for (size_t i = 0; i < h->n; i++) {
		const rt_script *s = rt_graph_find(ctx->graph, h->revs[i].revision);
		if (s && strcmp(s->filename, names[i]) != 0)
			return rt_error_set(err, RT_ERR_STATE,
			                    "revision '%s' already exists in %s; nothing written",
			                    s->revision, s->path);
	}
	return 0;
}

/* The imported heads: revisions no other one names as a down-revision. */
static char *heads_text(const rt__alembic_history *h)
{
	rt_buf b = RT_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < h->n && !rc; i++) {
		bool parent = false;
		for (size_t j = 0; j < h->n && !parent; j++)
			for (size_t k = 0; k < h->revs[j].n_down && !parent; k++)
				parent = !strcmp(h->revs[j].downs[k], h->revs[i].revision);
		if (!parent)
			rc = rt_buf_printf(&b, "%s%s", b.len ? ", " : "", h->revs[i].revision);
	}
	char *s = rc ? NULL : rt_buf_detach(&b);
	rt_buf_release(&b);
	return s;
}

static int set_version_table(rt_ctx *ctx, const char *table, rt_adopt_result *out, rt_error *err)
{
	out->version_table = strdup(table);
	if (!out->version_table)
		return nomem(err);
	const char *path = rt_config_path(ctx->cfg);
	if (!strcmp(rt_config_version_table(ctx->cfg), table) || !*path)
		return 0;
	int rc = rt__ini_set(path, "retort", "version_table", table, err);
	out->ini_changed = !rc;
	return rc;
}

static int import_alembic(rt_ctx *ctx, rt__arena *a, const rt_adopt_opts *opts,
                          rt_adopt_result *out, rt_error *err)
{
	const rt_url *url;
	int rc = rt__ctx_url(ctx, &url, err);
	rc = rc ? rc : check_versions_empty(ctx, opts->force, err);
	if (rc)
		return rc;
	const char *text_url = rt_config_database_url(ctx->cfg);
	rt__alembic_history h;
	rc = rt__alembic_read(a, alembic_python(ctx->cfg), opts->from_alembic, text_url, &h, err);
	if (rc)
		return rc;
	const char **names = rt__arena_array(a, h.n, sizeof(char *));
	if (!names)
		return nomem(err);
	plan p = {.a = a};
	const char *dir = rt_config_versions_dir(ctx->cfg);
	for (size_t i = 0; i < h.n && !rc; i++) {
		names[i] = script_name(a, &h.revs[i]);
		const char *path = names[i] ? rt__fs_join(a, dir, names[i]) : NULL;
		const char *text = NULL;
		rc = path ? render_revision(a, &h.revs[i], url->dialect, path, &text, err)
		          : nomem(err);
		rc = rc ? rc : plan_add(&p, path, text, err);
	}
	rc = rc ? rc : check_versions(ctx, &h, names, err);
	rc = rc ? rc : rt__fs_mkdirs(dir, err);
	rc = rc ? rc : plan_check_graph(&p, dir, err);
	rc = rc ? rc : plan_write(&p, out, err);
	rc = rc ? rc : set_version_table(ctx, h.version_table, out, err);
	if (!rc && !(out->revision = heads_text(&h)))
		rc = nomem(err);
	for (size_t i = 0; !rc && i < h.n; i++)
		rt__ctx_log(ctx, RT_LOG_INFO, "Imported %s%s%s, %s", h.revs[i].revision,
		            h.revs[i].n_down ? " <- " : "",
		            h.revs[i].n_down ? h.revs[i].downs[0] : "", h.revs[i].message);
	return rc ? rc : rt__ctx_reload(ctx, err);
}

/* ---- entry ---------------------------------------------------------- */

int rt_ctx_adopt(rt_ctx *ctx, const rt_adopt_opts *opts, rt_adopt_result *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc;
	if (opts->from_alembic) {
		rt__arena a;
		rt__arena_init(&a);
		rc = import_alembic(ctx, &a, opts, out, err);
		rt__arena_release(&a);
	} else {
		rc = rt__adopt_baseline(ctx, opts->force, out, err);
	}
	if (rc)
		rt_adopt_release(out);
	return rc;
}

void rt_adopt_release(rt_adopt_result *r)
{
	for (size_t i = 0; i < r->n_written; i++)
		free(r->written[i]);
	free(r->written);
	free(r->version_table);
	free(r->revision);
	memset(r, 0, sizeof(*r));
}
