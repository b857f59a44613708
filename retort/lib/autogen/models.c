/* models.c — model files: listed, parsed, ordered and applied to a scratch
 * schema (see models_internal.h; models_load.c decides what to apply).
 *
 * On PostgreSQL the scratch schema and all model statements go to the server
 * as one message; when the server refuses it, the statements are replayed one
 * by one in a rolled-back transaction to name the model file and line (the
 * way runtime.c locates a failing statement of a batched migration). */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autogen/models.h"
#include "autogen/models_internal.h"
#include "dialect/dialect.h"
#include "runtime.h"
#include "step.h"
#include "sql/ddl.h"
#include "sql/split.h"
#include "util/fs.h"
#include "util/heap.h"
#include "banned.h"

int rt__models_list(rt__arena *a, const char *models, char ***paths, size_t *n, rt_error *err)
{
	*paths = NULL;
	*n = 0;
	if (rt__fs_is_dir(models)) {
		char **names;
		int rc = rt__fs_list(a, models, ".sql", &names, n, err);
		if (rc)
			return rc;
		char **full = rt__arena_array(a, *n + 1, sizeof(char *));
		if (!full)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < *n; i++)
			if (!(full[i] = rt__fs_join(a, models, names[i])))
				return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		*paths = full;
		return 0;
	}
	glob_t g;
	int grc = glob(models, 0, NULL, &g);
	if (grc == GLOB_NOMATCH || (grc == 0 && g.gl_pathc == 0)) {
		if (grc == 0)
			globfree(&g);
		int rc = rt_error_set(err, RT_ERR_CONFIG, "no model files match '%s'", models);
		rt_error_hint(err,
		              "set models in the config to a directory of *.sql files or a glob");
		return rc;
	}
	if (grc != 0)
		return rt_error_set(err, RT_ERR_IO, "cannot read model files '%s'", models);
	char **full = rt__arena_array(a, g.gl_pathc + 1, sizeof(char *));
	bool nomem = !full;
	for (size_t i = 0; !nomem && i < g.gl_pathc; i++)
		nomem = !(full[i] = rt__arena_strdup(a, g.gl_pathv[i]));
	*n = g.gl_pathc;
	globfree(&g);
	if (nomem)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	*paths = full;
	return 0;
}

static int rank_of(const rt__ddl_stmt *d)
{
	switch (d->kind) {
	case RT__DDL_CREATE_ENUM:
		return 0;
	case RT__DDL_CREATE_TABLE:
		return 1;
	default:
		return 2;
	}
}

/* Statements that would end or split the scratch transaction: on
 * PostgreSQL a COMMIT there would keep the scratch schema in the live
 * database. */
/* Statements that would end or split the scratch transaction: on
 * PostgreSQL a COMMIT there would keep the scratch schema in the live
 * database. PREPARE counts only as PREPARE TRANSACTION. */
static const char *const transaction_words[] = {
    "ABORT", "BEGIN", "COMMIT", "END", "PREPARE", "RELEASE", "ROLLBACK", "SAVEPOINT", "START",
};

/* The index of the first token at or after i: past white space, a UTF-8
 * byte-order mark, -- comments and block comments (which nest on
 * PostgreSQL). */
static size_t skip_blank(const char *sql, size_t len, size_t i, bool nested)
{
	if (i == 0 && len >= 3 && !memcmp(sql, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len) {
		if (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r') {
			i++;
		} else if (i + 1 < len && sql[i] == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				i++;
		} else if (i + 1 < len && sql[i] == '/' && sql[i + 1] == '*') {
			int depth = 0;
			do {
				if (i + 1 < len && sql[i] == '/' && sql[i + 1] == '*') {
					depth = nested || depth == 0 ? depth + 1 : depth;
					i += 2;
				} else if (i + 1 < len && sql[i] == '*' && sql[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			} while (depth > 0 && i < len);
		} else {
			break;
		}
	}
	return i;
}

/* The word (letters) at i, upper-cased into out; returns the index after it. */
static size_t word_at(const char *sql, size_t len, size_t i, char out[16])
{
	size_t n = 0;
	for (; i < len && n < 15 && ((sql[i] | 0x20) >= 'a' && (sql[i] | 0x20) <= 'z'); i++)
		out[n++] = (char)(sql[i] & ~0x20);
	out[n] = '\0';
	return i;
}

static int refuse_transaction_control(const char *path, const rt__stmt *st, rt_dialect dialect,
                                      rt_error *err)
{
	bool nested = dialect == RT_DIALECT_POSTGRESQL;
	char word[16], next[16];
	size_t i = word_at(st->sql, st->len, skip_blank(st->sql, st->len, 0, nested), word);
	word_at(st->sql, st->len, skip_blank(st->sql, st->len, i, nested), next);
	if (!strcmp(word, "PREPARE") && strcmp(next, "TRANSACTION"))
		return 0;
	for (size_t k = 0; k < sizeof(transaction_words) / sizeof(transaction_words[0]); k++)
		if (!strcmp(word, transaction_words[k]))
			return rt_error_at(err, RT_ERR_PARSE, path, st->line, 0,
			                   "%s in a model file: models are applied inside retort's "
			                   "own transaction and cannot control it",
			                   word);
	return 0;
}

int rt__models_parse_file(rt__arena *a, rt__schema *scratch, rt_dialect dialect, const char *path,
                          size_t fileno, rt__model_set *set, char **text_out, size_t *len_out,
                          rt_error *err)
{
	char *text;
	size_t len, n, nddl;
	rt__stmt *stmts;
	rt__ddl_stmt *ddl;
	int rc = rt__fs_read(a, path, &text, &len, err);
	/* the same split twice: the texts to run, and the parsed statements
	 * (which carry the renamed-from annotations written above CREATE TABLE) */
	rc = rc ? rc : rt__sql_split(a, path, text, len, 1, dialect, &stmts, &n, err);
	rc = rc ? rc : rt__ddl_parse_script(a, scratch, path, text, len, dialect, &ddl, &nddl, err);
	if (!rc && n != nddl)
		return rt_error_set(err, RT_ERR_PARSE, "%s: cannot match statements to their text",
		                    path);
	for (size_t i = 0; !rc && i < n; i++) {
		if (set->n == set->cap && !(set->v = rt__arena_grow(a, set->v, set->n, &set->cap,
		                                                    sizeof(rt__model_stmt))))
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		if (ddl[i].kind == RT__DDL_OTHER &&
		    (rc = refuse_transaction_control(path, &stmts[i], dialect, err)))
			return rc;
		rt__model_stmt *m = &set->v[set->n++];
		memset(m, 0, sizeof(*m));
		m->text = stmts[i];
		m->file = path;
		m->fileno = fileno;
		m->ddl = ddl[i];
		m->rank = rank_of(&m->ddl);
	}
	if (!rc) {
		*text_out = text;
		*len_out = len;
	}
	return rc;
}

/* A table statement's name, to find the tables a foreign key names. */
typedef struct named {
	const char *name;
	size_t node; /* its place among the table statements, in file order */
} named;

static int by_name(const void *x, const void *y)
{
	const named *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->node > b->node) - (a->node < b->node);
}

/* The first of names[0..n) (sorted) called name, or n. */
static size_t first_named(const named *names, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(names[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(names[lo].name, name) ? lo : n;
}

/* The edges "table r before table j", one per foreign key of j naming r
 * (other than j's own name), grouped by r: dep[start[r]..start[r+1]) are
 * the tables waiting for r, and wait[j] counts what j waits for. */
typedef struct deps {
	size_t *start, *dep, *wait;
} deps;

static int find_deps(rt__arena *a, rt__model_stmt **tabs, size_t n, const named *names,
                     size_t nnames, deps *d)
{
	size_t cap = 0, ne = 0;
	size_t(*edges)[2] = NULL;
	for (size_t j = 0; j < n; j++) {
		const rt__table *t = tabs[j]->ddl.table;
		for (size_t c = 0; t && c < t->nconstraints; c++) {
			const rt__constraint *k = &t->constraints[c];
			if (k->kind != RT__CON_FOREIGN || !k->ref_table ||
			    !strcmp(k->ref_table, t->name))
				continue;
			for (size_t r = first_named(names, nnames, k->ref_table);
			     r < nnames && !strcmp(names[r].name, k->ref_table); r++) {
				if (ne == cap &&
				    !(edges = rt__arena_grow(a, edges, ne, &cap, sizeof(*edges))))
					return -RT_ERR_NOMEM;
				edges[ne][0] = names[r].node;
				edges[ne++][1] = j;
			}
		}
	}
	d->start = rt__arena_array(a, n + 2, sizeof(size_t));
	d->dep = rt__arena_array(a, ne + 1, sizeof(size_t));
	d->wait = rt__arena_array(a, n + 1, sizeof(size_t));
	if (!d->start || !d->dep || !d->wait)
		return -RT_ERR_NOMEM;
	for (size_t e = 0; e < ne; e++) {
		d->start[edges[e][0] + 2]++;
		d->wait[edges[e][1]]++;
	}
	for (size_t r = 2; r < n + 2; r++)
		d->start[r] += d->start[r - 1];
	for (size_t e = 0; e < ne; e++)
		d->dep[d->start[edges[e][0] + 1]++] = edges[e][1];
	return 0;
}

/* Appends the table statements to seq so that referenced tables come first:
 * Kahn's algorithm, taking the first ready table in file order next. Tables
 * on a foreign-key cycle, or waiting for one, follow in file order, marked
 * cyclic. */
static int order_tables(rt__arena *a, rt__model_stmt **tabs, size_t n, rt__model_stmt **seq,
                        size_t *k)
{
	named *names = rt__arena_array(a, n + 1, sizeof(named));
	rt__heap ready = {rt__arena_array(a, n + 1, sizeof(size_t)), 0};
	if (!names || !ready.v)
		return -RT_ERR_NOMEM;
	size_t nnames = 0;
	for (size_t j = 0; j < n; j++)
		if (tabs[j]->ddl.table)
			names[nnames++] = (named){tabs[j]->ddl.table->name, j};
	qsort(names, nnames, sizeof(named), by_name);
	deps d;
	if (find_deps(a, tabs, n, names, nnames, &d))
		return -RT_ERR_NOMEM;
	for (size_t j = 0; j < n; j++)
		if (!d.wait[j])
			rt__heap_push(&ready, j);
	while (ready.n) {
		size_t j = rt__heap_pop(&ready);
		tabs[j]->placed = true;
		seq[(*k)++] = tabs[j];
		for (size_t e = d.start[j]; e < d.start[j + 1]; e++)
			if (!--d.wait[d.dep[e]])
				rt__heap_push(&ready, d.dep[e]);
	}
	for (size_t j = 0; j < n; j++) {
		if (!tabs[j]->placed) {
			tabs[j]->placed = true;
			tabs[j]->cyclic = true;
			seq[(*k)++] = tabs[j];
		}
	}
	return 0;
}

/* Orders the statements: enum types, tables (order_tables), then the rest,
 * each in file order. */
int rt__models_order(rt__arena *a, rt__model_set *set, rt__model_stmt ***out, rt_error *err)
{
	rt__model_stmt **seq = rt__arena_array(a, set->n + 1, sizeof(rt__model_stmt *));
	rt__model_stmt **tabs = rt__arena_array(a, set->n + 1, sizeof(rt__model_stmt *));
	if (!seq || !tabs)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	size_t k = 0, ntabs = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (set->v[i].rank == 0)
			seq[k++] = &set->v[i];
		else if (set->v[i].rank == 1)
			tabs[ntabs++] = &set->v[i];
	}
	if (order_tables(a, tabs, ntabs, seq, &k))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].rank == 2)
			seq[k++] = &set->v[i];
	*out = seq;
	return 0;
}

/* The database refused a model statement: say which file and line. */
static int refused(const rt__model_stmt *m, rt_error *err)
{
	rt_error db = *err;
	rt_error_at(err, RT_ERR_PARSE, m->file, m->text.line, 0, "model statement failed: %s",
	            db.message);
	if (db.detail[0])
		rt_error_detail(err, "%s", db.detail);
	return -RT_ERR_PARSE;
}

static int add_foreign_key(rt_buf *b, const rt__table *t, const rt__constraint *k)
{
	int rc = rt_buf_puts(b, "ALTER TABLE ");
	rc = rc ? rc : rt_buf_add_ident(b, t->name);
	rc = rc ? rc : rt_buf_puts(b, " ADD ");
	rc = rc ? rc : rt__ddl_render_constraint(b, k);
	return rc ? -RT_ERR_NOMEM : 0;
}

/* A cyclic table without its foreign keys, as CREATE TABLE text. */
static int create_without_keys(rt_buf *b, rt__arena *a, const rt__table *t)
{
	rt__table bare = *t;
	bare.constraints = rt__arena_array(a, t->nconstraints + 1, sizeof(rt__constraint));
	if (!bare.constraints)
		return -RT_ERR_NOMEM;
	bare.nconstraints = 0;
	for (size_t i = 0; i < t->nconstraints; i++)
		if (t->constraints[i].kind != RT__CON_FOREIGN)
			bare.constraints[bare.nconstraints++] = t->constraints[i];
	bare.nindexes = 0;
	return rt__ddl_render_create_table(b, &bare, RT_DIALECT_POSTGRESQL);
}

/* One statement as sent to the database, and the model statement an error
 * in it is reported at. */
typedef struct sent {
	rt__stmt text;
	const rt__model_stmt *from;
} sent;

static int add_sent(rt__arena *a, sent *v, size_t *n, const rt_buf *b, const rt__model_stmt *from)
{
	char *sql = rt__arena_strndup(a, b->data, b->len);
	if (!sql)
		return -RT_ERR_NOMEM;
	v[(*n)++] = (sent){{sql, b->len, from->text.line}, from};
	return 0;
}

/* The statements to run, in order. With defer (PostgreSQL, which checks
 * references at once), tables on a foreign-key cycle are created without
 * their keys and the keys added after every table exists (SQLite checks
 * them later). */
static int plan(rt__arena *a, rt__model_stmt **seq, size_t n, bool defer, sent **out, size_t *nout)
{
	size_t cap = n;
	for (size_t i = 0; defer && i < n; i++)
		if (seq[i]->cyclic)
			cap += seq[i]->ddl.table->nconstraints;
	sent *v = rt__arena_array(a, cap + 1, sizeof(sent));
	if (!v)
		return -RT_ERR_NOMEM;
	rt_buf b = RT_BUF_INIT;
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (!(defer && seq[i]->cyclic)) {
			v[k++] = (sent){seq[i]->text, seq[i]};
			continue;
		}
		rt_buf_reset(&b);
		rc = create_without_keys(&b, a, seq[i]->ddl.table);
		rc = rc ? rc : add_sent(a, v, &k, &b, seq[i]);
	}
	for (size_t i = 0; defer && !rc && i < n; i++) {
		const rt__table *t = seq[i]->cyclic ? seq[i]->ddl.table : NULL;
		for (size_t c = 0; t && !rc && c < t->nconstraints; c++) {
			if (t->constraints[c].kind != RT__CON_FOREIGN)
				continue;
			rt_buf_reset(&b);
			rc = add_foreign_key(&b, t, &t->constraints[c]);
			rc = rc ? rc : add_sent(a, v, &k, &b, seq[i]);
		}
	}
	rt_buf_release(&b);
	*out = v;
	*nout = k;
	return rc ? -RT_ERR_NOMEM : 0;
}

/* Runs the statements one by one, so that the one the database refuses is
 * known. */
static int run_each(rt__db *db, const sent *v, size_t n, rt_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (db->ops->exec(db, v[i].text.sql, err))
			return refused(v[i].from, err);
	return 0;
}

static int by_table_name(const void *key, const void *t)
{
	return strcmp(key, ((const rt__table *)t)->name);
}

/* Carries "-- retort:renamed-from" annotations from the parsed files onto
 * the introspected schema (sorted by name, as introspect leaves it). */
int rt__models_annotate(rt__schema *out, const rt__model_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const rt__ddl_stmt *d = &set->v[i].ddl;
		if (d->kind != RT__DDL_CREATE_TABLE || !d->table)
			continue;
		rt__table *t = out->ntables ? bsearch(d->table->name, out->tables, out->ntables,
		                                      sizeof(rt__table), by_table_name)
		                            : NULL;
		if (!t)
			continue;
		if (d->table->renamed_from &&
		    rt__schema_set(out, &t->renamed_from, d->table->renamed_from))
			return -RT_ERR_NOMEM;
		for (size_t c = 0; c < d->table->ncolumns; c++) {
			const rt__column *mc = &d->table->columns[c];
			rt__column *col = mc->renamed_from ? rt__table_column(t, mc->name) : NULL;
			if (col && rt__schema_set(out, &col->renamed_from, mc->renamed_from))
				return -RT_ERR_NOMEM;
		}
	}
	return 0;
}

/* The scratch schema: created, and first on the search path so the models'
 * unqualified names land in it, for the rest of the transaction. */
typedef struct scratch_schema {
	char name[64];
	char create[96];
	char path[160];
} scratch_schema;

static void scratch_init(scratch_schema *s)
{
	snprintf(s->name, sizeof(s->name), "retort_models_%ld", (long)getpid());
	snprintf(s->create, sizeof(s->create), "CREATE SCHEMA \"%s\"", s->name);
	snprintf(s->path, sizeof(s->path), "SET LOCAL search_path TO \"%s\", public", s->name);
}

/* The batch failed: replays it statement by statement in a transaction that
 * is rolled back, to name the model file and line the database refuses.
 * Should the replay pass (an error that depends on the batch as a whole),
 * the batch's own error is reported. */
static int diagnose(rt__db *db, const scratch_schema *sc, const sent *v, size_t n, rt_error *err)
{
	rt_error batch = *err;
	int rc = db->ops->begin(db, err);
	rc = rc ? rc : db->ops->exec(db, sc->create, err);
	rc = rc ? rc : db->ops->exec(db, sc->path, err);
	rc = rc ? rc : run_each(db, v, n, err);
	db->ops->exec(db, "ROLLBACK", NULL);
	if (rc)
		return rc;
	*err = batch;
	return -RT_ERR_DB;
}

/* The scratch schema and every model statement go to the server as one
 * message (a simple query of many statements): one round trip instead of
 * one per statement, which at hundreds of tables is most of the client's
 * share of the time. */
static int apply_postgresql(rt_ctx *ctx, rt__arena *a, rt__model_stmt **seq, size_t n,
                            rt__schema *out, rt_error *err)
{
	int rc = rt__ctx_connect(ctx, err);
	if (rc)
		return rc;
	rt__db *db = ctx->db;
	scratch_schema sc;
	scratch_init(&sc);
	sent *v;
	size_t nv;
	if (plan(a, seq, n, true, &v, &nv))
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt_buf batch = RT_BUF_INIT;
	rc = rt_buf_printf(&batch, "BEGIN;\n%s;\n%s;\n\n", sc.create, sc.path);
	for (size_t i = 0; !rc && i < nv; i++)
		rc = rt__put_statement(&batch, &v[i].text);
	if (rc) {
		rt_buf_release(&batch);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	rc = db->ops->exec(db, batch.data, err);
	rt_buf_release(&batch);
	if (rc) {
		db->ops->exec(db, "ROLLBACK", NULL);
		return diagnose(db, &sc, v, nv, err);
	}
	rc = db->ops->introspect(db, sc.name, NULL, 0, out, err);
	db->ops->exec(db, "ROLLBACK", NULL);
	return rc;
}

static int apply_sqlite(rt__arena *a, rt__model_stmt **seq, size_t n, rt__schema *out,
                        rt_error *err)
{
	rt__db *db;
	int rc = rt__db_connect_memory(&db, err);
	if (rc)
		return rc;
	sent *v;
	size_t nv;
	rc = plan(a, seq, n, false, &v, &nv) ? rt_error_set(err, RT_ERR_NOMEM, "out of memory")
	                                     : run_each(db, v, nv, err);
	rc = rc ? rc : db->ops->introspect(db, NULL, NULL, 0, out, err);
	rt__db_close(db);
	return rc;
}

int rt__models_apply(rt_ctx *ctx, rt__arena *a, rt_dialect dialect, rt__model_stmt **seq, size_t n,
                     rt__schema *out, rt_error *err)
{
	rt__schema_init(out, a, dialect);
	if (dialect == RT_DIALECT_POSTGRESQL)
		return apply_postgresql(ctx, a, seq, n, out, err);
	return apply_sqlite(a, seq, n, out, err);
}
