/* revision.c — writing new migration scripts (rt_ctx_revision, used by the
 * `revision` and `merge` commands) and laying out a new project (rt_init).
 *
 * Choosing the parents follows Alembic: explicit parents make a merge; else
 * --head names the parent ("base" starts a new root, "label@head" the head
 * of that branch) and must be a head unless splicing; else the single head.
 * Everything that can be checked is checked before the file is created, so
 * a refused revision leaves no file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <sodium.h>

#include "ctx.h"
#include "script_file.h"
#include "util/fs.h"
#include "banned.h"

/* What rt_ctx_revision collects before rendering; arena-backed. */
typedef struct rev_plan {
	const char **parents;
	size_t n_parents;
	const char **depends;
	char revision[33];
	char create_date[32];
} rev_plan;

/* rt_graph_lookup's failure as a return code (err may be NULL). */
static int lookup_failed(const rt_error *err)
{
	return err && err->code != RT_OK ? -(int)err->code : -RT_ERR_REVISION;
}

static bool is_head(const rt_graph *g, const rt_script *s)
{
	size_t n = 0;
	rt_graph_children(g, s, &n);
	return n == 0;
}

static int heads_error(const rt_graph *g, rt_error *err)
{
	size_t n = 0;
	const rt_script *const *heads = rt_graph_heads(g, &n);
	int rc = rt_error_set(err, RT_ERR_HEADS,
	                      "Multiple heads are present; please specify the head revision on "
	                      "which the new revision should be based, or perform a merge");
	rt_buf list = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (rt_buf_printf(&list, "%s%s", i ? ", " : "heads: ", heads[i]->revision))
			break;
	}
	rt_error_detail(err, "%s", list.data);
	rt_buf_release(&list);
	rt_error_hint(err, "pass --head REV to choose the parent, or run 'retort merge heads'");
	return rc;
}

/* "label@head": the one head that descends from the script carrying label. */
static int branch_head(const rt_graph *g, const char *spec, size_t label_len, const rt_script **out,
                       rt_error *err)
{
	char label[256];
	if (label_len >= sizeof(label))
		return rt_error_set(err, RT_ERR_REVISION,
		                    "Can't locate revision identified by '%s'", spec);
	memcpy(label, spec, label_len);
	label[label_len] = '\0';
	const rt_script *base = rt_graph_lookup(g, label, err);
	if (!base)
		return lookup_failed(err);
	size_t n = 0, found = 0;
	const rt_script *const *heads = rt_graph_heads(g, &n);
	for (size_t i = 0; i < n; i++) {
		if (rt_graph_is_ancestor(g, base, heads[i])) {
			*out = heads[i];
			found++;
		}
	}
	if (found != 1)
		return rt_error_set(err, RT_ERR_HEADS,
		                    "'%s' does not name exactly one head (%zu found)", spec, found);
	return 0;
}

/* Resolves opts->head (or the single head) into *out; NULL means a root. */
static int resolve_head(const rt_graph *g, const char *head, bool splice, const rt_script **out,
                        rt_error *err)
{
	*out = NULL;
	if (!head || strcmp(head, "head") == 0) {
		size_t n = 0;
		const rt_script *const *heads = rt_graph_heads(g, &n);
		if (n > 1)
			return heads_error(g, err);
		if (n == 1)
			*out = heads[0];
		return 0;
	}
	if (strcmp(head, "base") == 0)
		return 0;
	size_t len = strlen(head);
	if (len > 5 && strcmp(head + len - 5, "@head") == 0)
		return branch_head(g, head, len - 5, out, err);
	const rt_script *s = rt_graph_lookup(g, head, err);
	if (!s)
		return lookup_failed(err);
	if (!splice && !is_head(g, s)) {
		int rc =
		    rt_error_set(err, RT_ERR_REVISION,
		                 "Revision %s is not a head revision; pass --splice to create a "
		                 "new branch from it",
		                 s->revision);
		rt_error_hint(err, "retort revision --head %s --splice ...", s->revision);
		return rc;
	}
	*out = s;
	return 0;
}

static int resolve_parents(rt__arena *a, const rt_graph *g, const rt_revision_opts *opts,
                           rev_plan *p, rt_error *err)
{
	if (opts->n_parents == 0) {
		const rt_script *s;
		int rc = resolve_head(g, opts->head, opts->splice, &s, err);
		if (rc)
			return rc;
		p->parents = rt__arena_array(a, 1, sizeof(char *));
		if (!p->parents)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		if (s)
			p->parents[p->n_parents++] = s->revision;
		return 0;
	}
	p->parents = rt__arena_array(a, opts->n_parents, sizeof(char *));
	if (!p->parents)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < opts->n_parents; i++) {
		const rt_script *s = rt_graph_lookup(g, opts->parents[i], err);
		if (!s)
			return lookup_failed(err);
		bool dup = false;
		for (size_t j = 0; j < p->n_parents; j++)
			dup = dup || strcmp(p->parents[j], s->revision) == 0;
		if (!dup)
			p->parents[p->n_parents++] = s->revision;
	}
	return 0;
}

static bool valid_rev_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 32)
		return false;
	/* as script_file.c reads them: no leading '.' */
	return id[0] != '.' &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") == n;
}

static const rt_script *find_exact(const rt_graph *g, const char *id)
{
	for (size_t i = 0; i < rt_graph_count(g); i++) {
		const rt_script *s = rt_graph_at(g, i);
		if (strcmp(s->revision, id) == 0)
			return s;
	}
	return NULL;
}

static int choose_revision_id(const rt_graph *g, const char *wanted, rev_plan *p, rt_error *err)
{
	if (wanted) {
		if (!valid_rev_id(wanted))
			return rt_error_set(
			    err, RT_ERR_USAGE,
			    "invalid revision id '%s': use 1 to 32 letters, digits, '_' or '.' "
			    "(not first)",
			    wanted);
		if (find_exact(g, wanted))
			return rt_error_set(err, RT_ERR_REVISION,
			                    "revision id '%s' is already present", wanted);
		snprintf(p->revision, sizeof(p->revision), "%s", wanted);
		return 0;
	}
	if (sodium_init() < 0)
		return rt_error_set(err, RT_ERR_IO, "cannot initialise libsodium");
	/* 48 random bits: a collision is unlikely, but retrying costs nothing. */
	for (int attempt = 0; attempt < 8; attempt++) {
		unsigned char bytes[6];
		randombytes_buf(bytes, sizeof(bytes));
		for (size_t i = 0; i < sizeof(bytes); i++)
			snprintf(p->revision + 2 * i, 3, "%02x", bytes[i]);
		if (!find_exact(g, p->revision))
			return 0;
	}
	return rt_error_set(err, RT_ERR_REVISION, "cannot find an unused revision id");
}

static int check_labels(const rt_graph *g, const rt_revision_opts *opts, rt_error *err)
{
	for (size_t i = 0; i < opts->n_labels; i++) {
		const char *l = opts->branch_labels[i];
		if (!*l || l[strcspn(l, "@:, \t\r\n")] != '\0')
			return rt_error_set(err, RT_ERR_USAGE,
			                    "invalid branch label '%s': no spaces, '@', ':' or ','",
			                    l);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(opts->branch_labels[j], l) == 0)
				return rt_error_set(err, RT_ERR_USAGE,
				                    "branch label '%s' given twice", l);
		}
		for (size_t k = 0; k < rt_graph_count(g); k++) {
			const rt_script *s = rt_graph_at(g, k);
			bool used = strcmp(s->revision, l) == 0;
			for (size_t m = 0; m < s->n_labels && !used; m++)
				used = strcmp(s->branch_labels[m], l) == 0;
			if (used)
				return rt_error_set(
				    err, RT_ERR_REVISION,
				    "branch label '%s' is already used by revision %s", l,
				    s->revision);
		}
	}
	return 0;
}

static int resolve_depends(rt__arena *a, const rt_graph *g, const rt_revision_opts *opts,
                           rev_plan *p, rt_error *err)
{
	p->depends = rt__arena_array(a, opts->n_depends ? opts->n_depends : 1, sizeof(char *));
	if (!p->depends)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < opts->n_depends; i++) {
		const rt_script *s = rt_graph_lookup(g, opts->depends_on[i], err);
		if (!s)
			return lookup_failed(err);
		p->depends[i] = s->revision;
	}
	return 0;
}

/* Local time with microseconds, as Alembic writes "Create Date:". */
static int format_now(char *out, size_t size, rt_error *err)
{
	struct timespec ts;
	struct tm tm;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || !localtime_r(&ts.tv_sec, &tm))
		return rt_error_set(err, RT_ERR_IO, "cannot read the clock: %s", strerror(errno));
	char day[24];
	if (strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return rt_error_set(err, RT_ERR_IO, "cannot format the date");
	snprintf(out, size, "%s.%06d", day, (int)(ts.tv_nsec / 1000) % 1000000);
	return 0;
}

static int plan_revision(rt__arena *a, rt_ctx *ctx, const rt_revision_opts *opts, rev_plan *p,
                         rt_error *err)
{
	const rt_graph *g = ctx->graph;
	int rc = choose_revision_id(g, opts->rev_id, p, err);
	if (!rc)
		rc = check_labels(g, opts, err);
	if (!rc)
		rc = resolve_parents(a, g, opts, p, err);
	if (!rc)
		rc = resolve_depends(a, g, opts, p, err);
	if (!rc)
		rc = format_now(p->create_date, sizeof(p->create_date), err);
	return rc;
}

static int write_revision(rt__arena *a, rt_ctx *ctx, const rt_revision_opts *opts,
                          const rev_plan *p, char **path_out, rt_error *err)
{
	const char *slug = rt__script_slug(a, opts->message ? opts->message : "");
	const char *name = slug ? rt__arena_printf(a, "%s_%s.sql", p->revision, slug) : NULL;
	const char *path = name ? rt__fs_join(a, rt_config_versions_dir(ctx->cfg), name) : NULL;
	if (!path)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt__script_spec spec = {
	    .revision = p->revision,
	    .message = opts->message,
	    .create_date = p->create_date,
	    .down_revisions = p->parents,
	    .n_down = p->n_parents,
	    .branch_labels = opts->branch_labels,
	    .n_labels = opts->n_labels,
	    .depends_on = p->depends,
	    .n_depends = opts->n_depends,
	    .upgrade_sql = opts->upgrade_sql,
	    .downgrade_sql = opts->downgrade_sql,
	};
	rt_buf text = RT_BUF_INIT;
	int rc = rt__script_render(&text, &spec);
	if (rc) {
		rt_buf_release(&text);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory rendering '%s'", path);
	}
	rc = rt__fs_create(path, text.data, text.len, err);
	rt_buf_release(&text);
	if (rc)
		return rc;
	*path_out = strdup(path);
	if (!*path_out)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	return 0;
}

int rt_ctx_revision(rt_ctx *ctx, const rt_revision_opts *opts, char **path_out, rt_error *err)
{
	*path_out = NULL;
	rt__arena a;
	rt__arena_init(&a);
	rev_plan p = {0};
	int rc = plan_revision(&a, ctx, opts, &p, err);
	if (!rc)
		rc = write_revision(&a, ctx, opts, &p, path_out, err);
	rt__arena_release(&a);
	if (!rc)
		rc = rt__ctx_reload(ctx, err);
	if (rc) {
		free(*path_out);
		*path_out = NULL;
	}
	return rc;
}

/* The config rt_init writes: every key commented, values as DESIGN.md has them. */
static const char config_template[] =
    "# retort.ini: where the migrations live and which database they manage.\n"
    "[retort]\n"
    "# Directory holding versions/, relative to this file.\n"
    "script_location = %s\n"
    "\n"
    "# The desired schema: a directory of *.sql files (read in name order) or a glob.\n"
    "models = models\n"
    "\n"
    "# ${VAR} and ${VAR:-default} expand from the environment and from .env beside\n"
    "# this file. postgresql://user:pass@host:5432/db or sqlite:///relative/path.db\n"
    "database_url = ${DATABASE_URL:-sqlite:///app.db}\n"
    "\n"
    "# Table recording the applied revision(s); alembic_version takes over a\n"
    "# database that Alembic managed.\n"
    "version_table = retort_version\n";

static int dir_is_empty(const char *dir, bool *empty, rt_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return rt_error_set(err, RT_ERR_IO, "cannot open directory '%s': %s", dir,
		                    strerror(errno));
	*empty = true;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			*empty = false;
			break;
		}
	}
	closedir(d);
	return 0;
}

/* script_location as the config should say it: dir as given, unless the
 * config lives elsewhere and dir is relative (it would then resolve against
 * the config's directory), in which case dir's absolute path. */
static const char *location_for(rt__arena *a, const char *dir, const char *config_path)
{
	const char *cfg_dir = rt__fs_dirname(a, config_path);
	if (!cfg_dir || dir[0] == '/' || strcmp(cfg_dir, ".") == 0)
		return dir;
	char *real = realpath(dir, NULL);
	const char *out = real ? rt__arena_strdup(a, real) : dir;
	free(real);
	return out ? out : dir;
}

static int write_config(rt__arena *a, const char *dir, const char *config_path, rt_error *err)
{
	rt_buf text = RT_BUF_INIT;
	int rc = rt_buf_printf(&text, config_template, location_for(a, dir, config_path));
	if (rc)
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	else
		rc = rt__fs_create(config_path, text.data, text.len, err);
	rt_buf_release(&text);
	return rc;
}

int rt_init(const char *dir, const char *config_path, rt_error *err)
{
	if (rt__fs_exists(dir)) {
		if (!rt__fs_is_dir(dir))
			return rt_error_set(err, RT_ERR_IO, "'%s' exists and is not a directory",
			                    dir);
		bool empty = false;
		int rc = dir_is_empty(dir, &empty, err);
		if (rc)
			return rc;
		if (!empty)
			return rt_error_set(err, RT_ERR_IO,
			                    "directory '%s' already exists and is not empty", dir);
	}
	bool write_cfg = !rt__fs_exists(config_path);
	rt__arena a;
	rt__arena_init(&a);
	const char *versions = rt__fs_join(&a, dir, "versions");
	const char *cfg_dir = rt__fs_dirname(&a, config_path);
	int rc = versions && cfg_dir ? 0 : rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	/* The config's directory first, so a bad -c fails before anything is made. */
	if (!rc && write_cfg)
		rc = rt__fs_mkdirs(cfg_dir, err);
	if (!rc)
		rc = rt__fs_mkdirs(versions, err);
	if (!rc && write_cfg)
		rc = write_config(&a, dir, config_path, err);
	rt__arena_release(&a);
	return rc;
}
