/* adopt_baseline.c — a baseline of a live database that Alembic (or
 * nobody) managed: one root revision whose upgrade creates the whole owned
 * schema from empty and whose downgrade drops it, the models written from
 * the same database, and the version table.
 *
 * Which version table: the configured one when it has rows, else
 * `alembic_version` when that has rows. With one row, the baseline takes
 * that revision id and retort.ini's version_table is pointed at the table:
 * the database is not changed at all, and `retort current` shows Alembic's
 * revision. With several rows (Alembic heads) there is no one revision to
 * stand for: refused, naming them. With none, the baseline gets a new id
 * and the database is stamped with it.
 *
 * The migration's SQL is autogenerate's for the live schema against an
 * empty one (compare, order, invert, render: the code that writes every
 * other migration); the models are rt_ctx_inspect_sql's. All of it runs
 * under the migration lock of the version table it will use, so no
 * migration run changes the database between reading it and stamping.
 * Before anything is written, the models are loaded from a scratch copy and
 * compared with the database, as `check` will: a schema the model SQL
 * cannot say (the drift adopt would leave behind) is refused, naming the
 * differences. Everything that can refuse does so before the first file is
 * written;
 * should writing the models fail after the script was written, the script
 * is removed again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt_baseline.h"
#include "autogen/compare.h"
#include "autogen/live.h"
#include "autogen/model_sql.h"
#include "autogen/models.h"
#include "autogen/order.h"
#include "autogen/render.h"
#include "dialect/dialect.h"
#include "ini_edit.h"
#include "runtime.h"
#include "util/fs.h"
#include "version_table.h"
#include "banned.h"

#define ALEMBIC_TABLE "alembic_version"

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
}

/* The models directory must be set, be a directory (not a glob), and hold
 * no *.sql unless force. */
static int check_models_dir(rt__arena *a, const rt_config *cfg, bool force, const char **dir,
                            rt_error *err)
{
	*dir = rt_config_models(cfg);
	if (!*dir) {
		int rc = rt_error_set(err, RT_ERR_CONFIG, "no models directory configured");
		rt_error_hint(err, "set models = models in %s; adopt writes the models there",
		              *rt_config_path(cfg) ? rt_config_path(cfg) : "retort.ini");
		return rc;
	}
	if (strpbrk(*dir, "*?["))
		return rt_error_set(err, RT_ERR_CONFIG,
		                    "models is a glob ('%s'); adopt writes a directory of model "
		                    "files",
		                    *dir);
	if (force || !rt__fs_is_dir(*dir))
		return 0;
	char **names;
	size_t n;
	int rc = rt__fs_list(a, *dir, ".sql", &names, &n, err);
	if (rc || !n)
		return rc;
	rc = rt_error_set(err, RT_ERR_STATE,
	                  "%s already holds %zu model file%s (%s%s); nothing "
	                  "written",
	                  *dir, n, n == 1 ? "" : "s", names[0], n > 1 ? ", ..." : "");
	rt_error_hint(err, "pass --force to overwrite them with the database's schema");
	return rc;
}

static int check_versions_empty(const rt_ctx *ctx, rt_error *err)
{
	size_t n = rt_graph_count(ctx->graph);
	if (!n)
		return 0;
	int rc = rt_error_set(err, RT_ERR_STATE,
	                      "%s already holds %zu revision script%s; a baseline is the first "
	                      "revision, nothing written",
	                      rt_config_versions_dir(ctx->cfg), n, n == 1 ? "" : "s");
	rt_error_hint(err, "adopt a database whose history is not in retort yet; 'retort "
	                   "adopt --from-alembic DIR' imports an Alembic history instead");
	return rc;
}

static int read_rows(rt_ctx *ctx, rt__arena *a, const char *vt, rt__rows *rows, rt_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	int rc = rt__vt_select_sql(&sql, vt)
	             ? nomem(err)
	             : ctx->db->ops->query_table(ctx->db, a, vt, sql.data, rows, err);
	rt_buf_release(&sql);
	return rc;
}

/* The table the baseline follows and its rows (see the header). */
static int find_version_table(rt_ctx *ctx, rt__arena *a, const char **vt, rt__rows *rows,
                              rt_error *err)
{
	*vt = rt_config_version_table(ctx->cfg);
	int rc = read_rows(ctx, a, *vt, rows, err);
	if (rc || rows->nrows || !strcmp(*vt, ALEMBIC_TABLE))
		return rc;
	rt__rows alembic = {0};
	rc = read_rows(ctx, a, ALEMBIC_TABLE, &alembic, err);
	if (!rc && alembic.nrows) {
		*vt = ALEMBIC_TABLE;
		*rows = alembic;
	}
	return rc;
}

static int several_heads(const char *vt, const rt__rows *rows, rt_error *err)
{
	rt_buf list = RT_BUF_INIT;
	for (size_t i = 0; i < rows->nrows; i++)
		if (rt_buf_printf(&list, "%s%s", i ? ", " : "", rows->cells[i * rows->ncols]))
			break;
	int rc = rt_error_set(err, RT_ERR_HEADS,
	                      "the database has several Alembic heads in %s (%s); a baseline "
	                      "stands for one revision, nothing written",
	                      vt, list.data);
	rt_error_hint(err, "run 'alembic merge heads' and 'alembic upgrade head' first, then "
	                   "adopt again");
	rt_buf_release(&list);
	return rc;
}

/* Autogenerate's SQL for creating the live schema from empty, and back. */
static int baseline_sql(const rt__schema *live, rt__arena *a, rt_buf *up, rt_buf *down,
                        rt_error *err)
{
	rt__schema empty;
	rt__schema_init(&empty, a, live->dialect);
	empty.schema_name = live->schema_name;
	rt__ops ops, inv;
	rt__diags diags;
	rt__ops_init(&ops, a);
	rt__ops_init(&inv, a);
	rt__diags_init(&diags, a);
	int rc = rt__compare(&empty, live, &ops, &diags, err);
	rc = rc ? rc : rt__ops_order(&ops, err);
	rc = rc ? rc : rt__ops_inverse(&ops, &inv, err);
	if (!rc &&
	    (rt__render_sql(up, &ops, live->dialect) || rt__render_sql(down, &inv, live->dialect)))
		rc = nomem(err);
	return rc;
}

/* The drift the models would leave: what `check` would report right after
 * adopt. Empty for every schema retort can say in model SQL. */
static int drift_error(const rt__ops *ops, rt_error *err)
{
	rt_buf what = RT_BUF_INIT;
	for (size_t i = 0; i < ops->n && what.len < 400; i++) {
		if ((what.len && rt_buf_puts(&what, "; ")) ||
		    rt__render_summary(&what, &ops->ops[i]))
			break;
	}
	int rc = rt_error_set(err, RT_ERR_STATE,
	                      "the models adopt would write do not reproduce the database "
	                      "(%zu difference%s); nothing written",
	                      ops->n, ops->n == 1 ? "" : "s");
	rt_error_detail(err, "check would report: %s", what.data);
	rt_error_hint(err, "leave the tables retort cannot describe out with exclude_tables, "
	                   "or adopt by hand: inspect --sql, revision, stamp");
	rt_buf_release(&what);
	return rc;
}

/* The models failed to load back: the same refusal, naming the model file
 * (not the scratch directory, which is gone) and what the database said. */
static int load_error(rt_error *err)
{
	const char *base = strrchr(err->file, '/');
	char what[sizeof(err->message) + sizeof(err->file) + 16];
	snprintf(what, sizeof(what), "%s:%d: %s", base ? base + 1 : err->file, err->line,
	         err->message);
	rt_error_clear(err);
	int rc = rt_error_set(err, RT_ERR_STATE,
	                      "the models adopt would write do not load back; nothing written");
	rt_error_detail(err, "%s", what);
	rt_error_hint(err, "leave the tables retort cannot describe out with exclude_tables, "
	                   "or adopt by hand: inspect --sql, revision, stamp");
	return rc;
}

/* Writes the model files inspect_sql would write into a scratch directory
 * beside the models directory, loads them as check does, and compares them
 * with the live schema: adopt refuses when they would not reproduce it,
 * saying what differs, rather than leave a project whose first check
 * fails. The scratch directory is removed again. */
static int check_round_trip(rt_ctx *ctx, rt__arena *a, const rt__schema *live,
                            const char *models_dir, rt_error *err)
{
	rt__model_file *files;
	size_t n;
	int rc = rt__model_sql(a, live, true, &files, &n, err);
	const char *parent = rc ? NULL : rt__fs_dirname(a, models_dir);
	char *tmp = parent ? rt__arena_printf(a, "%s/.retort-adopt-XXXXXX", parent) : NULL;
	if (rc || !tmp)
		return rc ? rc : nomem(err);
	if (!mkdtemp(tmp))
		return rt_error_set(err, RT_ERR_IO, "cannot create a directory in '%s': %s", parent,
		                    strerror(errno));
	const char **paths = rt__arena_array(a, n + 1, sizeof(char *));
	size_t made = 0;
	rc = paths ? 0 : nomem(err);
	for (; !rc && made < n; made++) {
		paths[made] = rt__fs_join(a, tmp, files[made].name);
		rc = paths[made] ? rt__fs_create(paths[made], files[made].sql, files[made].len, err)
		                 : nomem(err);
	}
	rt__schema models;
	rt__ops ops;
	rt__diags diags;
	rt__ops_init(&ops, a);
	rt__diags_init(&diags, a);
	rc = rc || !n ? rc : rt__models_load_from(ctx, a, tmp, &models, err);
	if (!rc && n) {
		models.schema_name = live->schema_name;
		rc = rt__compare(live, &models, &ops, &diags, err);
	}
	for (size_t i = 0; i < made; i++)
		if (paths[i])
			unlink(paths[i]);
	rmdir(tmp);
	if (rc && rc != -RT_ERR_NOMEM && err && err->file[0])
		return load_error(err);
	return rc ? rc : ops.n ? drift_error(&ops, err) : 0;
}

/* The baseline script, through rt_ctx_revision (a root: the graph is
 * empty); rev NULL picks a new id. */
static int write_script(rt_ctx *ctx, const char *rev, const rt_buf *up, const rt_buf *down,
                        char **path, rt_error *err)
{
	/* one line: it names the file too (<rev>_baseline_adopted_...) */
	const char *msg = rev ? "baseline adopted from Alembic" : "baseline adopted by retort";
	rt_revision_opts o = {
	    .message = msg,
	    .rev_id = rev,
	    .upgrade_sql = up->data,
	    .downgrade_sql = down->data,
	};
	return rt_ctx_revision(ctx, &o, path, err);
}

/* The files written: the script, then the models inspect_sql listed. */
static int record_written(rt_adopt_result *out, const char *script, const rt_buf *models,
                          rt_error *err)
{
	size_t n = 1;
	for (size_t i = 0; i < models->len; i++)
		n += models->data[i] == '\n';
	out->written = calloc(n, sizeof(char *));
	if (!out->written || !(out->written[out->n_written++] = strdup(script)))
		return nomem(err);
	for (const char *p = models->data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && !(out->written[out->n_written++] = strndup(p, len)))
			return nomem(err);
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

/* Steps after the checks, under the lock: script, models, ini, stamp. */
static int write_all(rt_ctx *ctx, bool force, const char *models_dir, const char *vt,
                     const char *rev, const rt_buf *up, const rt_buf *down, rt_adopt_result *out,
                     rt_error *err)
{
	char *script = NULL;
	rt_buf models = RT_BUF_INIT;
	int rc = write_script(ctx, rev, up, down, &script, err);
	if (rc)
		return rc;
	rc = rt_ctx_inspect_sql(ctx, models_dir, force, &models, err);
	if (rc) {
		unlink(script);
		rt__ctx_reload(ctx, NULL);
	}
	rc = rc ? rc : record_written(out, script, &models, err);
	const char *slash = strrchr(script, '/');
	const char *name = slash ? slash + 1 : script;
	size_t idlen = strcspn(name, "_.");
	if (!rc && !(out->revision = strndup(name, idlen)))
		rc = nomem(err);
	if (!rc && !(out->version_table = strdup(vt)))
		rc = nomem(err);
	if (!rc && strcmp(vt, rt_config_version_table(ctx->cfg)) && *rt_config_path(ctx->cfg)) {
		rc = rt__ini_set(rt_config_path(ctx->cfg), "retort", "version_table", vt, err);
		out->ini_changed = !rc;
	}
	if (!rc && !rev) {
		const char *target = out->revision;
		rc = rt_ctx_stamp(ctx, &target, 1, false, err);
		out->stamped = !rc;
	}
	rt_buf_release(&models);
	free(script);
	return rc;
}

int rt__adopt_baseline(rt_ctx *ctx, bool force, rt_adopt_result *out, rt_error *err)
{
	rt__arena a;
	rt__arena_init(&a);
	const char *models_dir = NULL, *vt = NULL;
	rt__rows rows = {0};
	int rc = check_models_dir(&a, ctx->cfg, force, &models_dir, err);
	rc = rc ? rc : check_versions_empty(ctx, err);
	rc = rc ? rc : rt__ctx_connect(ctx, err);
	rc = rc ? rc : find_version_table(ctx, &a, &vt, &rows, err);
	rc = rc ? rc : ctx->db->ops->lock(ctx->db, vt, err);
	if (rc) {
		rt__arena_release(&a);
		return rc;
	}
	/* re-read under the lock: a run may have moved it meanwhile */
	rc = read_rows(ctx, &a, vt, &rows, err);
	if (!rc && rows.nrows > 1)
		rc = several_heads(vt, &rows, err);
	rt_buf up = RT_BUF_INIT, down = RT_BUF_INIT;
	rt__schema live;
	rc = rc ? rc : rt__live_schema(ctx, &a, NULL, &live, err);
	rc = rc ? rc : check_round_trip(ctx, &a, &live, models_dir, err);
	rc = rc ? rc : baseline_sql(&live, &a, &up, &down, err);
	const char *rev = !rc && rows.nrows ? rows.cells[0] : NULL;
	rc = rc ? rc : write_all(ctx, force, models_dir, vt, rev, &up, &down, out, err);
	ctx->db->ops->unlock(ctx->db, vt, NULL);
	rt_buf_release(&up);
	rt_buf_release(&down);
	rt__arena_release(&a);
	return rc;
}
