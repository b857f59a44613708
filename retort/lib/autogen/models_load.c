/* models_load.c — the desired schema from the model files (see models.h),
 * applying to the scratch schema only the files whose share of it may have
 * changed since the cache was written (model_deps.h says what "may"
 * means), and taking the rest from .retort-cache/models/ beside the config
 * file. Any doubt about what a file depends on means every file is
 * applied, as without a cache. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "autogen/model_cache.h"
#include "autogen/model_deps.h"
#include "autogen/models.h"
#include "autogen/models_internal.h"
#include "dialect/dialect.h"
#include "retort/retort.h"
#include "runtime.h"
#include "util/fs.h"
#include "banned.h"

/* What normalises model text besides the files themselves: the server's
 * version, the settings that shape how it prints types and defaults, and
 * every type (but arrays: each table has one), function and extension
 * outside the system schemas (a model may use them, and a change to them
 * must not be hidden by the cache). Tables are not in it: a migration
 * creating one must not empty the cache. */
static const char pg_fingerprint[] =
    "SELECT concat_ws(E'\\n', current_setting('server_version_num'), "
    "current_setting('DateStyle'), current_setting('IntervalStyle'), "
    "current_setting('TimeZone'), current_setting('standard_conforming_strings'), "
    "current_setting('extra_float_digits'), current_setting('search_path'), "
    "current_setting('server_encoding'), current_database(), current_user, "
    "(SELECT md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) FROM ("
    " SELECT 'x ' || extname || ' ' || extversion AS x FROM pg_extension"
    " UNION ALL SELECT 't ' || t.oid::regtype::text || ' ' || t.typtype::text || ' '"
    "  || t.typbasetype::regtype::text || ' ' || coalesce(t.typdefault, '') || ' '"
    "  || t.typnotnull::text || ' ' || coalesce((SELECT string_agg(e.enumlabel, ','"
    "  ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')"
    "  || coalesce((SELECT string_agg(pg_get_constraintdef(c.oid), ',' ORDER BY c.conname)"
    "  FROM pg_constraint c WHERE c.contypid = t.oid), '')"
    "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
    "  AND n.nspname NOT LIKE 'pg\\_%' AND t.typtype IN ('b', 'd', 'e', 'r', 'm')"
    "  AND t.typcategory <> 'A'"
    " UNION ALL SELECT 'f ' || p.oid::regprocedure::text || ' ' || p.prorettype::regtype::text"
    "  || ' ' || md5(coalesce(p.prosrc, ''))"
    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
    "  AND n.nspname NOT LIKE 'pg\\_%') s))";

/* The part of every key the files share. retort's build is told by its
 * executable's size, modification time and inode: a rebuilt retort may
 * normalise differently even at the same version number. */
static int global_key(rt_ctx *ctx, rt__arena *a, rt_dialect dialect,
                      unsigned char key[RT__MCACHE_KEY], rt_error *err)
{
	rt__db *db = NULL;
	int rc = dialect == RT_DIALECT_POSTGRESQL ? rt__ctx_connect(ctx, err)
	                                          : rt__db_connect_memory(&db, err);
	if (rc)
		return rc;
	rt__rows rows = {0};
	const char *sql =
	    dialect == RT_DIALECT_POSTGRESQL ? pg_fingerprint : "SELECT sqlite_version()";
	rc = (db ? db : ctx->db)->ops->query(db ? db : ctx->db, a, sql, NULL, 0, &rows, err);
	if (db)
		rt__db_close(db);
	if (rc)
		return rc;
	const char *server =
	    rows.nrows == 1 && rows.ncols == 1 && rows.cells[0] ? rows.cells[0] : "";
	char build[160];
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0)
		snprintf(build, sizeof(build), "%s %lld %lld.%09ld %llu", RETORT_VERSION,
		         (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		         (unsigned long long)st.st_ino);
	else
		snprintf(build, sizeof(build), "%s", RETORT_VERSION);
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	const char *parts[] = {"retort model cache 1", build, rt_dialect_name(dialect), server};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		crypto_hash_sha256_update(&h, (const unsigned char *)parts[i],
		                          strlen(parts[i]) + 1);
	crypto_hash_sha256_final(&h, key);
	return 0;
}

/* .retort-cache/models beside the config file, or NULL (no config file). */
static const char *cache_dir(rt_ctx *ctx, rt__arena *a)
{
	const char *cfg = rt_config_path(ctx->cfg);
	if (!cfg || !cfg[0])
		return NULL;
	const char *dir = rt__fs_dirname(a, cfg);
	return dir ? rt__arena_printf(a, "%s/.retort-cache/models", dir) : NULL;
}

/* The cache file of a model file: named by a hash of its path. */
static const char *entry_path(rt__arena *a, const char *dir, const char *model)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * 16 + 1];
	crypto_hash_sha256(h, (const unsigned char *)model, strlen(model));
	sodium_bin2hex(hex, sizeof(hex), h, 16);
	return rt__arena_printf(a, "%s/%s.entry", dir, hex);
}

/* Everything one load needs. */
typedef struct loader {
	rt_ctx *ctx;
	rt__arena *a;
	rt_dialect dialect;
	rt__model_set set;
	rt__mdep_file *files;
	size_t nfiles;
	const char *dir;  /* NULL: no cache */
	rt__schema *part; /* per file: its share, from the cache or the scratch schema */
	bool *hit;
} loader;

/* Reads file f's entry; a hit when it is sound and its key is f's. */
static int read_entry(loader *l, size_t f, rt_error *err)
{
	const char *path = entry_path(l->a, l->dir, l->files[f].path);
	if (!path)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rt__fs_exists(path))
		return 0;
	char *data;
	size_t len;
	rt_error ignored;
	rt_error_clear(&ignored);
	if (rt__fs_read(l->a, path, &data, &len, &ignored)) {
		rt__ctx_log(l->ctx, RT_LOG_WARNING, "model cache: cannot read %s: %s (ignored)",
		            path, ignored.message);
		return 0;
	}
	unsigned char key[RT__MCACHE_KEY];
	const char *why = NULL;
	rt__schema_init(&l->part[f], l->a, l->dialect);
	int rc = rt__mcache_decode(data, len, key, &l->part[f], &why);
	if (rc < 0)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (rc > 0) {
		rt__ctx_log(l->ctx, RT_LOG_WARNING, "model cache: ignoring %s: %s", path, why);
		return 0;
	}
	l->hit[f] = !sodium_memcmp(key, l->files[f].key, RT__MCACHE_KEY);
	return 0;
}

/* Writes file f's share (l->part[f]) under its key: a temporary file
 * renamed over the entry, so a reader sees the old entry or the new one.
 * A failure is a warning: the cache is an optimisation. */
static int write_entry(loader *l, size_t f)
{
	const char *path = entry_path(l->a, l->dir, l->files[f].path);
	const char *tmp = path ? rt__arena_printf(l->a, "%s.%ld.tmp", path, (long)getpid()) : NULL;
	if (!tmp)
		return -RT_ERR_NOMEM;
	rt_buf b = RT_BUF_INIT;
	if (rt__mcache_encode(&b, l->files[f].key, &l->part[f])) {
		rt_buf_release(&b);
		return -RT_ERR_NOMEM;
	}
	rt_error err;
	rt_error_clear(&err);
	unlink(tmp);
	int rc = rt__fs_create(tmp, b.data, b.len, &err);
	rt_buf_release(&b);
	if (!rc && rename(tmp, path) != 0) {
		rc =
		    rt_error_set(&err, RT_ERR_IO, "cannot rename to %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	if (rc)
		rt__ctx_log(l->ctx, RT_LOG_WARNING, "model cache: not written: %s", err.message);
	return 0;
}

/* The cache directory, made on first use with a .gitignore that keeps it
 * out of git. */
static int make_dir(loader *l)
{
	rt_error err;
	rt_error_clear(&err);
	if (rt__fs_is_dir(l->dir))
		return 0;
	const char *top = rt__fs_dirname(l->a, l->dir);
	const char *ignore = top ? rt__arena_printf(l->a, "%s/.gitignore", top) : NULL;
	if (!ignore)
		return -RT_ERR_NOMEM;
	if (rt__fs_mkdirs(l->dir, &err) ||
	    (!rt__fs_exists(ignore) && rt__fs_replace(ignore, "*\n", 2, &err))) {
		rt__ctx_log(l->ctx, RT_LOG_WARNING, "model cache: %s", err.message);
		l->dir = NULL;
	}
	return 0;
}

/* Copies file f's tables and enum types out of the scratch result s into
 * l->part[f]; false when one is missing (then the load starts over with
 * every file). */
static bool take_share(loader *l, size_t f, const rt__schema *s)
{
	rt__schema *p = &l->part[f];
	rt__schema_init(p, l->a, l->dialect);
	for (size_t i = 0; i < l->files[f].ntables; i++) {
		const rt__table *t = rt__schema_table(s, l->files[f].tables[i]);
		rt__table *c = t ? rt__schema_add_table(p, t->name) : NULL;
		if (!c)
			return false;
		*c = *t;
	}
	for (size_t i = 0; i < l->files[f].nenums; i++) {
		const rt__enum *e = rt__schema_enum(s, l->files[f].enums[i]);
		rt__enum *c = e ? rt__schema_add_enum(p, e->name) : NULL;
		if (!c)
			return false;
		*c = *e;
	}
	return true;
}

/* The desired schema out of every file's share. */
static int merge(loader *l, const char *schema_name, rt__schema *out)
{
	rt__schema_init(out, l->a, l->dialect);
	out->schema_name = schema_name;
	for (size_t f = 0; f < l->nfiles; f++) {
		const rt__schema *p = &l->part[f];
		for (size_t i = 0; i < p->ntables; i++) {
			rt__table *t = rt__schema_add_table(out, p->tables[i].name);
			if (!t)
				return -RT_ERR_NOMEM;
			*t = p->tables[i];
		}
		for (size_t i = 0; i < p->nenums; i++) {
			rt__enum *e = rt__schema_add_enum(out, p->enums[i].name);
			if (!e)
				return -RT_ERR_NOMEM;
			*e = p->enums[i];
		}
	}
	rt__schema_sort(out);
	return 0;
}

static int push_stmt(loader *l, rt__model_stmt ***seq, size_t *n, size_t *cap, rt__model_stmt *m)
{
	if (*n == *cap && !(*seq = rt__arena_grow(l->a, *seq, *n, cap, sizeof(**seq))))
		return -RT_ERR_NOMEM;
	(*seq)[(*n)++] = m;
	return 0;
}

/* A statement made by retort (a stub), not read from a model file. */
static int push_made(loader *l, rt__model_stmt ***seq, size_t *n, size_t *cap, rt_buf *b, int rank)
{
	rt__model_stmt *m = rt__arena_alloc(l->a, sizeof(*m));
	char *sql = m ? rt__arena_strndup(l->a, b->data, b->len) : NULL;
	if (!sql)
		return -RT_ERR_NOMEM;
	m->text = (rt__stmt){sql, b->len, 1};
	m->file = "(model cache stub)";
	m->fileno = l->nfiles;
	m->rank = rank;
	m->ddl.kind = RT__DDL_OTHER;
	rt_buf_reset(b);
	return push_stmt(l, seq, n, cap, m);
}

/* A referenced table that is not applied, made again from the cache with
 * what a foreign key to it needs: its columns (type, NOT NULL), primary and
 * unique keys, and unique indexes on plain columns. */
static int stub_table(loader *l, const rt__table *t, rt__model_stmt ***seq, size_t *n, size_t *cap)
{
	rt__table bare = {.name = t->name, .ncolumns = t->ncolumns};
	bare.columns = rt__arena_array(l->a, t->ncolumns + 1, sizeof(rt__column));
	bare.constraints = rt__arena_array(l->a, t->nconstraints + 1, sizeof(rt__constraint));
	if (!bare.columns || !bare.constraints)
		return -RT_ERR_NOMEM;
	for (size_t i = 0; i < t->ncolumns; i++)
		bare.columns[i] = (rt__column){.name = t->columns[i].name,
		                               .type = t->columns[i].type,
		                               .not_null = t->columns[i].not_null};
	for (size_t i = 0; i < t->nconstraints; i++)
		if (t->constraints[i].kind == RT__CON_PRIMARY ||
		    t->constraints[i].kind == RT__CON_UNIQUE)
			bare.constraints[bare.nconstraints++] = t->constraints[i];
	rt_buf b = RT_BUF_INIT;
	int rc = rt__ddl_render_create_table(&b, &bare, l->dialect);
	rc = rc ? rc : push_made(l, seq, n, cap, &b, 1);
	for (size_t i = 0; !rc && i < t->nindexes; i++) {
		const rt__index *ix = &t->indexes[i];
		bool plain = ix->unique && !ix->where && !ix->method;
		for (size_t k = 0; plain && k < ix->nkeys; k++)
			plain = !ix->key_is_expr[k] && !strchr(ix->keys[k], ' ');
		if (!plain)
			continue;
		rc = rt_buf_puts(&b, "CREATE UNIQUE INDEX ");
		rc = rc ? rc : rt_buf_add_ident(&b, ix->name);
		rc = rc ? rc : rt_buf_puts(&b, " ON ");
		rc = rc ? rc : rt_buf_add_ident(&b, t->name);
		for (size_t k = 0; !rc && k < ix->nkeys; k++) {
			rc = rt_buf_puts(&b, k ? ", " : " (");
			rc = rc ? rc : rt_buf_add_ident(&b, ix->keys[k]);
		}
		rc = rc ? rc : rt_buf_putc(&b, ')');
		rc = rc ? rc : push_made(l, seq, n, cap, &b, 2);
	}
	rt_buf_release(&b);
	return rc ? -RT_ERR_NOMEM : 0;
}

static int stub_enum(loader *l, const rt__enum *e, rt__model_stmt ***seq, size_t *n, size_t *cap)
{
	rt_buf b = RT_BUF_INIT;
	int rc = rt_buf_puts(&b, "CREATE TYPE ");
	rc = rc ? rc : rt_buf_add_ident(&b, e->name);
	rc = rc ? rc : rt_buf_puts(&b, " AS ENUM (");
	for (size_t i = 0; !rc && i < e->nvalues; i++) {
		rc = i ? rt_buf_puts(&b, ", ") : 0;
		rc = rc ? rc : rt_buf_add_literal(&b, e->values[i]);
	}
	rc = rc ? rc : rt_buf_putc(&b, ')');
	rc = rc ? rc : push_made(l, seq, n, cap, &b, 0);
	rt_buf_release(&b);
	return rc ? -RT_ERR_NOMEM : 0;
}

/* The file owning table name among those not applied, or nfiles. */
static size_t owner_of(const loader *l, const bool *in, const char *name)
{
	for (size_t f = 0; f < l->nfiles; f++)
		for (size_t t = 0; !in[f] && t < l->files[f].ntables; t++)
			if (!strcmp(l->files[f].tables[t], name))
				return f;
	return l->nfiles;
}

/* The statements to apply: stubs of the enum types and referenced tables
 * not applied, then the statements of the files in `in`, ordered. */
static int partial_plan(loader *l, const bool *in, rt__model_stmt ***out, size_t *nout)
{
	rt__model_set sub = {0};
	for (size_t i = 0; i < l->set.n; i++) {
		if (!in[l->set.v[i].fileno])
			continue;
		if (sub.n == sub.cap &&
		    !(sub.v = rt__arena_grow(l->a, sub.v, sub.n, &sub.cap, sizeof(rt__model_stmt))))
			return -RT_ERR_NOMEM;
		sub.v[sub.n] = l->set.v[i];
		sub.v[sub.n].placed = sub.v[sub.n].cyclic = false;
		sub.n++;
	}
	rt__model_stmt **ordered, **seq = NULL, **tabs = NULL;
	size_t n = 0, cap = 0, ntabs = 0, cap_tabs = 0;
	rt_error err;
	if (rt__models_order(l->a, &sub, &ordered, &err))
		return -RT_ERR_NOMEM;
	bool *stubbed = rt__arena_array(l->a, l->nfiles + 1, sizeof(bool));
	if (!stubbed)
		return -RT_ERR_NOMEM;
	int rc = 0;
	for (size_t f = 0; !rc && f < l->nfiles; f++)
		for (size_t e = 0; !rc && !in[f] && e < l->part[f].nenums; e++)
			rc = stub_enum(l, &l->part[f].enums[e], &seq, &n, &cap);
	for (size_t f = 0; !rc && f < l->nfiles; f++) {
		for (size_t r = 0; !rc && in[f] && r < l->files[f].nrefs; r++) {
			size_t o = owner_of(l, in, l->files[f].refs[r]);
			if (o == l->nfiles || stubbed[o])
				continue; /* applied, or already stubbed */
			/* every table of that file: one flag per file keeps it simple */
			stubbed[o] = true;
			for (size_t k = 0; !rc && k < l->part[o].ntables; k++)
				rc = stub_table(l, &l->part[o].tables[k], &tabs, &ntabs, &cap_tabs);
		}
	}
	/* enum types (stubs, then the files'), table stubs, the files' tables
	 * and the rest: a stub's column may have an applied file's enum type */
	size_t i = 0;
	for (; !rc && i < sub.n && ordered[i]->rank == 0; i++)
		rc = push_stmt(l, &seq, &n, &cap, ordered[i]);
	for (size_t k = 0; !rc && k < ntabs; k++)
		rc = push_stmt(l, &seq, &n, &cap, tabs[k]);
	for (; !rc && i < sub.n; i++)
		rc = push_stmt(l, &seq, &n, &cap, ordered[i]);
	*out = seq;
	*nout = n;
	return rc;
}

/* Every file applied: the load as without a cache; with a cache directory
 * (and no doubt) every owning file's share is written. */
static int load_all(loader *l, bool write, rt__schema *out, rt_error *err)
{
	rt__model_stmt **seq;
	int rc = rt__models_order(l->a, &l->set, &seq, err);
	rc = rc ? rc : rt__models_apply(l->ctx, l->a, l->dialect, seq, l->set.n, out, err);
	if (rc || !write || !l->dir)
		return rc;
	if (make_dir(l))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t f = 0; l->dir && f < l->nfiles; f++) {
		if (!l->files[f].ntables && !l->files[f].nenums)
			continue;
		if (!take_share(l, f, out))
			return 0; /* a share the scratch schema lacks: write nothing */
		if (write_entry(l, f))
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* With the cache: misses (and what they are bonded to) applied, stubs for
 * what they reference, the rest from the cache. Returns 1 when it gives up
 * (the caller then applies every file). */
static int load_cached(loader *l, rt__schema *out, rt_error *err)
{
	bool *in = rt__arena_array(l->a, l->nfiles + 1, sizeof(bool));
	if (!in)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	size_t misses = 0;
	for (size_t f = 0; f < l->nfiles; f++) {
		if (!l->files[f].ntables && !l->files[f].nenums)
			continue;
		int rc = read_entry(l, f, err);
		if (rc)
			return rc;
		in[f] = !l->hit[f];
		misses += in[f];
	}
	if (rt__mdeps_bond_closure(l->files, l->nfiles, in))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	size_t applied = 0;
	for (size_t f = 0; f < l->nfiles; f++)
		applied += in[f];
	rt__ctx_log(l->ctx, RT_LOG_INFO, "model cache: %zu of %zu model files applied", applied,
	            l->nfiles);
	if (applied == l->nfiles)
		return 1;
	const char *schema_name = NULL;
	if (misses) {
		rt__model_stmt **seq;
		size_t n;
		rt__schema scratch;
		if (partial_plan(l, in, &seq, &n))
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		rt_error first;
		rt_error_clear(&first);
		/* a refusal may come of a stub: the full load says what is wrong */
		if (rt__models_apply(l->ctx, l->a, l->dialect, seq, n, &scratch, &first))
			return 1;
		if (make_dir(l))
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		for (size_t f = 0; f < l->nfiles; f++) {
			if (!in[f] || (!l->files[f].ntables && !l->files[f].nenums))
				continue;
			if (!take_share(l, f, &scratch))
				return 1;
			if (l->dir && !l->hit[f] && write_entry(l, f))
				return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		}
		schema_name = scratch.schema_name;
	}
	if (merge(l, schema_name, out))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	return 0;
}

int rt__models_load(rt_ctx *ctx, rt__arena *a, rt__schema *out, rt_error *err)
{
	return rt__models_load_from(ctx, a, rt_config_models(ctx->cfg), out, err);
}

int rt__models_load_from(rt_ctx *ctx, rt__arena *a, const char *models, rt__schema *out,
                         rt_error *err)
{
	if (!models) {
		int rc = rt_error_set(err, RT_ERR_CONFIG, "no models configured");
		rt_error_hint(err,
		              "add 'models = models' (a directory of *.sql files) to the config");
		return rc;
	}
	const rt_url *url;
	int rc = rt__ctx_url(ctx, &url, err);
	if (rc)
		return rc;
	loader l = {.ctx = ctx, .a = a, .dialect = url->dialect};
	rt__schema parsed;
	rt__schema_init(&parsed, a, url->dialect);
	char **paths;
	rc = rt__models_list(a, models, &paths, &l.nfiles, err);
	l.files = rc ? NULL : rt__arena_array(a, l.nfiles + 1, sizeof(rt__mdep_file));
	l.part = rc ? NULL : rt__arena_array(a, l.nfiles + 1, sizeof(rt__schema));
	l.hit = rc ? NULL : rt__arena_array(a, l.nfiles + 1, sizeof(bool));
	if (!rc && (!l.files || !l.part || !l.hit))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < l.nfiles; i++) {
		char *text;
		l.files[i].path = paths[i];
		rc = rt__models_parse_file(a, &parsed, url->dialect, paths[i], i, &l.set, &text,
		                           &l.files[i].len, err);
		l.files[i].text = text;
	}
	if (rc)
		return rc;
	/* only models of the config (adopt loads others) are cached */
	l.dir = models == rt_config_models(ctx->cfg) ? cache_dir(ctx, a) : NULL;
	const char *doubt = NULL;
	if (l.dir) {
		unsigned char global[RT__MCACHE_KEY];
		rt__mdep_stmt *st = rt__arena_array(a, l.set.n + 1, sizeof(rt__mdep_stmt));
		if (!st)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < l.set.n; i++)
			st[i] = (rt__mdep_stmt){&l.set.v[i].ddl, l.set.v[i].fileno,
			                        l.set.v[i].text.sql, l.set.v[i].text.len};
		rc = global_key(ctx, a, url->dialect, global, err);
		if (!rc && rt__mdeps_build(a, l.files, l.nfiles, st, l.set.n, global, &doubt))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		if (rc)
			return rc;
		if (doubt)
			rt__ctx_log(ctx, RT_LOG_INFO, "model cache not used: %s", doubt);
	}
	rc = 1;
	if (l.dir && !doubt && !ctx->no_model_cache)
		rc = load_cached(&l, out, err);
	if (rc == 1)
		rc = load_all(&l, l.dir && !doubt, out, err);
	if (!rc && rt__models_annotate(out, &l.set))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	return rc;
}
