/* autogen.c — `revision --autogenerate` and `check`: the live database and
 * the models introspected by the same code, compared, ordered, inverted and
 * rendered (see retort/migrate.h). */
#include <stdlib.h>
#include <string.h>

#include "autogen/compare.h"
#include "autogen/live.h"
#include "autogen/models.h"
#include "autogen/order.h"
#include "autogen/render.h"
#include "dialect/dialect.h"
#include "retort/graph.h"
#include "runtime.h"
#include "schema/dump.h"
#include "step.h"
#include "version_table.h"
#include "banned.h"

void rt_autogen_release(rt_autogen *ag)
{
	free(ag->upgrade_sql);
	free(ag->downgrade_sql);
	rt_strings_free(ag->summary, ag->nsummary);
	rt_strings_free(ag->warnings, ag->nwarnings);
	memset(ag, 0, sizeof(*ag));
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The database is "up to date" when its rows are exactly the graph's heads. */
static int require_head(rt_ctx *ctx, rt_error *err)
{
	const char *const *cur;
	size_t ncur, nheads;
	int rc = rt_ctx_current(ctx, &cur, &ncur, err);
	if (rc)
		return rc;
	/* A revision the scripts lack is its own problem, not "behind": say so. */
	for (size_t i = 0; i < ncur; i++)
		if (!rt_graph_find(ctx->graph, cur[i])) {
			rc = rt_error_set(err, RT_ERR_REVISION,
			                  "Can't locate revision identified by '%s'", cur[i]);
			rt_error_hint(err, RT_UNKNOWN_REVISION_HINT);
			return rc;
		}
	const rt_script *const *heads = rt_graph_heads(ctx->graph, &nheads);
	const char **want = calloc(nheads + 1, sizeof(char *));
	const char **have = calloc(ncur + 1, sizeof(char *));
	if (!want || !have) {
		free(want);
		free(have);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < nheads; i++)
		want[i] = heads[i]->revision;
	/* both sorted the same way: the database's ORDER BY follows its collation */
	for (size_t i = 0; i < ncur; i++)
		have[i] = cur[i];
	qsort(want, nheads, sizeof(char *), cmp_str);
	qsort(have, ncur, sizeof(char *), cmp_str);
	bool same = ncur == nheads;
	for (size_t i = 0; same && i < ncur; i++)
		same = !strcmp(have[i], want[i]);
	free(want);
	free(have);
	if (same)
		return 0;
	rt_buf at = RT_BUF_INIT;
	rt__join_ids(&at, cur, ncur);
	rc = rt_error_set(err, RT_ERR_STATE, "Target database is not up to date.");
	rt_error_detail(err, "the database is at %s", at.len ? at.data : "base (no revision)");
	rt_error_hint(err, "run 'retort upgrade head' first, then generate the revision");
	rt_buf_release(&at);
	return rc;
}

static int push(char ***v, size_t *n, const char *s)
{
	char **grown = realloc(*v, (*n + 1) * sizeof(char *));
	if (!grown)
		return -RT_ERR_NOMEM;
	*v = grown;
	if (!(grown[*n] = strdup(s)))
		return -RT_ERR_NOMEM;
	(*n)++;
	return 0;
}

static int describe(const rt__ops *ops, const rt__diags *diags, rt_autogen *out)
{
	rt_buf line = RT_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < ops->n; i++) {
		rt_buf_reset(&line);
		rc = rt__render_summary(&line, &ops->ops[i]);
		rc = rc ? rc : push(&out->summary, &out->nsummary, line.data);
		if (!rc && ops->ops[i].destroys_data) {
			rt_buf_reset(&line);
			rc = rt_buf_puts(&line, "data loss: ");
			rc = rc ? rc : rt__render_summary(&line, &ops->ops[i]);
			rc = rc ? rc : push(&out->warnings, &out->nwarnings, line.data);
		}
	}
	for (size_t i = 0; !rc && i < diags->n; i++)
		rc = push(&out->warnings, &out->nwarnings, diags->items[i].message);
	rt_buf_release(&line);
	return rc;
}

/* Leaves out of s the tables the config does not own (include_tables,
 * exclude_tables, retort's own tables, alembic_version*). Foreign keys of
 * the tables kept stay as they are, also when they reference a table left
 * out: compare matches keys by the referenced table's name, not by its
 * presence. With warn, each table left out is reported to out (the model
 * side: models that define a table the config does not own). */
static int keep_owned(const rt_config *cfg, rt__schema *s, rt_autogen *warn)
{
	size_t kept = 0;
	for (size_t i = 0; i < s->ntables; i++) {
		if (rt_config_owns_table(cfg, s->schema_name, s->tables[i].name)) {
			s->tables[kept++] = s->tables[i];
			continue;
		}
		if (!warn)
			continue;
		rt_buf line = RT_BUF_INIT;
		int rc = rt_buf_printf(&line,
		                       "models define table %s which include_tables/exclude_tables "
		                       "do not own; it is left out of the comparison",
		                       s->tables[i].name);
		rc = rc ? rc : push(&warn->warnings, &warn->nwarnings, line.data);
		rt_buf_release(&line);
		if (rc)
			return -RT_ERR_NOMEM;
	}
	s->ntables = kept;
	return 0;
}

/* Whether the config restricts ownership at all: without include_tables
 * and exclude_tables every table, and so every enum type, is ours. */
static bool ownership_restricted(const rt_config *cfg)
{
	return rt_config_get(cfg, "include_tables") || rt_config_get(cfg, "exclude_tables");
}

/* Whether a column's type (format_type's text: name, "quoted name",
 * schema.name, any of them with [] for arrays) is the enum type name. */
static bool type_is_enum(const char *type, const char *schema, const char *name)
{
	size_t len = strlen(type);
	while (len >= 2 && !memcmp(type + len - 2, "[]", 2))
		len -= 2;
	size_t sl = schema ? strlen(schema) : 0;
	if (sl && len > sl + 1 && !memcmp(type, schema, sl) && type[sl] == '.') {
		type += sl + 1;
		len -= sl + 1;
	}
	if (len >= 2 && type[0] == '"' && type[len - 1] == '"') {
		/* a quoted identifier: "" inside stands for one " */
		const char *n = name;
		size_t i = 1;
		for (; i < len - 1 && *n; i++, n++) {
			if (type[i] != *n || (*n == '"' && type[++i] != '"'))
				return false;
		}
		return i == len - 1 && !*n;
	}
	return len == strlen(name) && !memcmp(type, name, len);
}

/* Leaves out of the live schema s the enum types that are not ours, when
 * ownership is restricted: a type stays when a column of a table s kept
 * (keep_owned ran first) has it, or when models (NULL: none) define a type
 * of that name, so a type we created that no table uses yet still
 * compares. Another service's types, used only by its tables, go. */
static void keep_owned_enums(const rt_config *cfg, rt__schema *s, const rt__schema *models)
{
	if (!ownership_restricted(cfg))
		return;
	size_t kept = 0;
	for (size_t e = 0; e < s->nenums; e++) {
		const char *name = s->enums[e].name;
		bool ours = models && rt__schema_enum(models, name);
		for (size_t t = 0; !ours && t < s->ntables; t++)
			for (size_t c = 0; !ours && c < s->tables[t].ncolumns; c++)
				ours = type_is_enum(s->tables[t].columns[c].type, s->schema_name,
				                    name);
		if (ours)
			s->enums[kept++] = s->enums[e];
	}
	s->nenums = kept;
}

/* See live.h. */
int rt__live_schema(rt_ctx *ctx, rt__arena *a, const rt__schema *models, rt__schema *out,
                    rt_error *err)
{
	rt__db *db = ctx->db;
	const char *vt = rt_config_version_table(ctx->cfg);
	const char *log_table = rt__arena_printf(a, "%s_log", vt);
	const char *skip[] = {vt, log_table};
	rt__schema_init(out, a, db->ops->dialect);
	int rc = log_table ? db->ops->introspect(db, NULL, skip, 2, out, err)
	                   : rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rc && keep_owned(ctx->cfg, out, NULL))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rc)
		keep_owned_enums(ctx->cfg, out, models);
	return rc;
}

int rt_ctx_autogenerate(rt_ctx *ctx, rt_autogen *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = rt__ctx_connect(ctx, err);
	rc = rc ? rc : require_head(ctx, err);
	if (rc)
		return rc;
	rt__arena a;
	rt__arena_init(&a);
	rt__db *db = ctx->db;
	rt__schema live, models;
	unsigned long before = db->queries;
	/* the models first: the live side keeps the enum types they define */
	rc = rt__models_load(ctx, &a, &models, err);
	rc = rc ? rc : rt__live_schema(ctx, &a, &models, &live, err);
	out->catalog_queries = db->queries - before;
	/* the models' scratch schema has another name: judge their tables by
	 * the live schema's, which is where they will be created */
	models.schema_name = live.schema_name;
	if (!rc && keep_owned(ctx->cfg, &models, out))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");

	rt__ops ops, down;
	rt__diags diags;
	rt__ops_init(&ops, &a);
	rt__ops_init(&down, &a);
	rt__diags_init(&diags, &a);
	/* the stages, one way: compare, order, invert, render */
	rc = rc ? rc : rt__compare(&live, &models, &ops, &diags, err);
	rc = rc ? rc : rt__ops_order(&ops, err);
	rc = rc ? rc : rt__ops_inverse(&ops, &down, err);
	rt_buf up_sql = RT_BUF_INIT, down_sql = RT_BUF_INIT;
	if (!rc &&
	    (rt__render_sql(&up_sql, &ops, db->ops->dialect) ||
	     rt__render_sql(&down_sql, &down, db->ops->dialect) || describe(&ops, &diags, out)))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rc) {
		out->upgrade_sql = rt_buf_detach(&up_sql);
		out->downgrade_sql = rt_buf_detach(&down_sql);
		if (!out->upgrade_sql || !out->downgrade_sql)
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	rt_buf_release(&up_sql);
	rt_buf_release(&down_sql);
	rt__arena_release(&a);
	if (rc)
		rt_autogen_release(out);
	return rc;
}

int rt_ctx_edited_scripts(rt_ctx *ctx, char ***lines, size_t *n, rt_error *err)
{
	*lines = NULL;
	*n = 0;
	int rc = rt__ctx_connect(ctx, err);
	if (rc)
		return rc;
	rt__arena a;
	rt__arena_init(&a);
	rt__db *db = ctx->db;
	const char *vt = rt_config_version_table(ctx->cfg);
	char *log_table = rt__arena_printf(&a, "%s_log", vt);
	bool exists = false;
	rc = log_table ? db->ops->table_exists(db, log_table, &exists, err)
	               : rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt_buf sql = RT_BUF_INIT;
	rt__rows rows = {0};
	if (!rc && exists) {
		rc = rt__vt_checksums_sql(&sql, vt)
		         ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
		         : db->ops->query(db, &a, sql.data, NULL, 0, &rows, err);
	}
	rt_buf line = RT_BUF_INIT;
	for (size_t r = 0; !rc && r < rows.nrows; r++) {
		const char *rev = rows.cells[r * rows.ncols], *sum = rows.cells[r * rows.ncols + 1];
		const rt_script *s = rt_graph_find(ctx->graph, rev);
		if (!s || !sum || !strcmp(s->checksum, sum))
			continue;
		rt_buf_reset(&line);
		if (rt_buf_printf(&line, "%s (%s)", rev, s->path) || push(lines, n, line.data))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	rt_buf_release(&line);
	rt_buf_release(&sql);
	rt__arena_release(&a);
	if (rc) {
		rt_strings_free(*lines, *n);
		*lines = NULL;
		*n = 0;
	}
	return rc;
}

int rt_ctx_inspect(rt_ctx *ctx, bool models, rt_buf *out, rt_error *err)
{
	int rc = rt__ctx_connect(ctx, err);
	if (rc)
		return rc;
	rt__arena a;
	rt__arena_init(&a);
	rt__schema s;
	if (models) {
		rc = rt__models_load(ctx, &a, &s, err);
	} else {
		/* with ownership restricted, the enum types the models define
		 * stay on the live side too (see keep_owned_enums) */
		rt__schema m, *mp = NULL;
		if (ownership_restricted(ctx->cfg) && rt_config_models(ctx->cfg)) {
			rc = rt__models_load(ctx, &a, &m, err);
			mp = &m;
		}
		rc = rc ? rc : rt__live_schema(ctx, &a, mp, &s, err);
	}
	/* renamed-from is an instruction to autogenerate, not a fact of the
	 * schema: leave it out so both sides print alike */
	for (size_t t = 0; !rc && t < s.ntables; t++) {
		s.tables[t].renamed_from = NULL;
		for (size_t c = 0; c < s.tables[t].ncolumns; c++)
			s.tables[t].columns[c].renamed_from = NULL;
	}
	if (!rc && rt__schema_dump(&s, out))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt__arena_release(&a);
	return rc;
}
