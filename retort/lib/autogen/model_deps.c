/* model_deps.c — model files' dependencies and cache keys (see
 * model_deps.h). Everything is sorted arrays and binary searches: a
 * thousand model files cost a few milliseconds. */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "autogen/model_deps.h"
#include "retort/error.h"
#include "banned.h"

/* Names longer than this may be truncated by PostgreSQL (63 bytes): doubt. */
#define LONG_NAME 60

typedef enum obj_kind { OBJ_TABLE, OBJ_ENUM, OBJ_RELATION } obj_kind;

/* A named object of the schema and the file that owns it. */
typedef struct obj {
	const char *name;
	obj_kind kind;
	size_t owner;
} obj;

/* An edge "from needs to" between files. */
typedef struct edge {
	size_t from, to;
} edge;

typedef struct state {
	rt__arena *a;
	rt__mdep_file *files;
	size_t nfiles;
	obj *objs; /* tables and enums (sorted by name once collected) */
	size_t nobjs, cap_objs;
	obj *rels; /* relation names for the collision check: indexes, keys */
	size_t nrels, cap_rels;
	edge *contrib; /* owner -> file that contributes to what it owns */
	size_t ncontrib, cap_contrib;
	edge *refs; /* owner -> owner of what its objects reference */
	size_t nrefs, cap_refs;
	edge *bonds;
	size_t nbonds, cap_bonds;
	const char *doubt;
} state;

static int push_obj(state *s, obj **v, size_t *n, size_t *cap, obj o)
{
	if (*n == *cap && !(*v = rt__arena_grow(s->a, *v, *n, cap, sizeof(obj))))
		return -RT_ERR_NOMEM;
	(*v)[(*n)++] = o;
	return 0;
}

static int push_edge(state *s, edge **v, size_t *n, size_t *cap, size_t from, size_t to)
{
	if (*n == *cap && !(*v = rt__arena_grow(s->a, *v, *n, cap, sizeof(edge))))
		return -RT_ERR_NOMEM;
	(*v)[(*n)++] = (edge){from, to};
	return 0;
}

static int push_name(rt__arena *a, const char ***v, size_t *n, const char *name)
{
	const char **grown = rt__arena_array(a, *n + 1, sizeof(char *));
	if (!grown)
		return -RT_ERR_NOMEM;
	if (*n)
		memcpy(grown, *v, *n * sizeof(char *));
	grown[(*n)++] = name;
	*v = grown;
	return 0;
}

static int by_obj(const void *x, const void *y)
{
	const obj *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (int)a->kind - (int)b->kind;
}

static int by_edge(const void *x, const void *y)
{
	const edge *a = x, *b = y;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return (a->to > b->to) - (a->to < b->to);
}

/* The owner of the table or enum called name, or nfiles. */
static size_t owner_of(const state *s, const char *name, obj_kind kind)
{
	size_t lo = 0, hi = s->nobjs;
	obj key = {name, kind, 0};
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (by_obj(&s->objs[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nobjs && !by_obj(&s->objs[lo], &key) ? s->objs[lo].owner : s->nfiles;
}

static const char *doubt_at(state *s, const rt__ddl_stmt *d, const char *what)
{
	const char *why =
	    rt__arena_printf(s->a, "%s:%d: %s", d->pos.file ? d->pos.file : "?", d->pos.line, what);
	return why ? why : what;
}

/* Pass 1: what each file creates. */
static int collect(state *s, const rt__mdep_stmt *st, size_t nst)
{
	for (size_t i = 0; i < nst && !s->doubt; i++) {
		const rt__ddl_stmt *d = st[i].ddl;
		rt__mdep_file *f = &s->files[st[i].file];
		int rc = 0;
		if (d->kind == RT__DDL_CREATE_TABLE && d->table) {
			rc = push_name(s->a, &f->tables, &f->ntables, d->table->name);
			rc = rc ? rc
			        : push_obj(s, &s->objs, &s->nobjs, &s->cap_objs,
			                   (obj){d->table->name, OBJ_TABLE, st[i].file});
		} else if (d->kind == RT__DDL_CREATE_ENUM && d->enum_type) {
			rc = push_name(s->a, &f->enums, &f->nenums, d->enum_type->name);
			rc = rc ? rc
			        : push_obj(s, &s->objs, &s->nobjs, &s->cap_objs,
			                   (obj){d->enum_type->name, OBJ_ENUM, st[i].file});
		}
		if (rc)
			return rc;
	}
	if (s->nobjs)
		qsort(s->objs, s->nobjs, sizeof(obj), by_obj);
	for (size_t i = 1; i < s->nobjs; i++)
		if (!strcmp(s->objs[i - 1].name, s->objs[i].name))
			s->doubt = "two model statements create objects of the same name";
	return 0;
}

/* Whether a column type (as written) may name the enum type: any mention
 * counts, so a doubtful match only adds a dependency. */
static bool mentions(const char *type, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = type; p && *p; p++) {
		size_t i = 0;
		while (i < n && p[i] &&
		       tolower((unsigned char)p[i]) == tolower((unsigned char)name[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* The dependencies of owner o on the enum types a column type names. */
static int type_refs(state *s, size_t o, const char *type)
{
	for (size_t k = 0; type && k < s->nobjs; k++)
		if (s->objs[k].kind == OBJ_ENUM && mentions(type, s->objs[k].name) &&
		    push_edge(s, &s->refs, &s->nrefs, &s->cap_refs, o, s->objs[k].owner))
			return -RT_ERR_NOMEM;
	return 0;
}

/* A constraint of a statement of file f on a table owned by o. */
static int constraint_refs(state *s, size_t f, size_t o, const char *table, const rt__constraint *k,
                           const rt__ddl_stmt *d)
{
	if ((k->kind == RT__CON_PRIMARY || k->kind == RT__CON_UNIQUE) && k->name &&
	    push_obj(s, &s->rels, &s->nrels, &s->cap_rels, (obj){k->name, OBJ_RELATION, o}))
		return -RT_ERR_NOMEM;
	if (k->kind != RT__CON_FOREIGN || !k->ref_table || !strcmp(k->ref_table, table))
		return 0;
	size_t r = owner_of(s, k->ref_table, OBJ_TABLE);
	if (r == s->nfiles) {
		s->doubt = doubt_at(s, d, "a foreign key references a table no model file creates");
		return 0;
	}
	rt__mdep_file *file = &s->files[f];
	if (push_name(s->a, &file->refs, &file->nrefs, k->ref_table) ||
	    push_edge(s, &s->refs, &s->nrefs, &s->cap_refs, o, r))
		return -RT_ERR_NOMEM;
	return 0;
}

/* A name the database may give an object of owner o. */
static int push_rel(state *s, size_t o, const char *name)
{
	if (!name)
		return -RT_ERR_NOMEM;
	return push_obj(s, &s->rels, &s->nrels, &s->cap_rels, (obj){name, OBJ_RELATION, o});
}

/* The name PostgreSQL makes up for an unnamed primary or unique key. */
static int auto_key_name(state *s, size_t o, const char *table, const rt__constraint *k)
{
	if (k->name || (k->kind != RT__CON_PRIMARY && k->kind != RT__CON_UNIQUE))
		return 0;
	if (k->kind == RT__CON_PRIMARY)
		return push_rel(s, o, rt__arena_printf(s->a, "%s_pkey", table));
	const char *n = table;
	for (size_t c = 0; n && c < k->ncolumns; c++)
		n = rt__arena_printf(s->a, "%s_%s", n, k->columns[c]);
	return push_rel(s, o, n ? rt__arena_printf(s->a, "%s_key", n) : NULL);
}

static int table_refs(state *s, size_t f, size_t o, const rt__table *t, const rt__ddl_stmt *d)
{
	int rc = 0;
	for (size_t c = 0; !rc && c < t->ncolumns; c++)
		rc = push_rel(s, o,
		              rt__arena_printf(s->a, "%s_%s_seq", t->name, t->columns[c].name));
	for (size_t c = 0; !rc && c < t->nconstraints; c++)
		rc = auto_key_name(s, o, t->name, &t->constraints[c]);
	for (size_t c = 0; !rc && c < t->ncolumns; c++)
		rc = type_refs(s, o, t->columns[c].type);
	for (size_t c = 0; !rc && c < t->nconstraints; c++)
		rc = constraint_refs(s, f, o, t->name, &t->constraints[c], d);
	for (size_t c = 0; !rc && c < t->nindexes; c++)
		rc = push_obj(s, &s->rels, &s->nrels, &s->cap_rels,
		              (obj){t->indexes[c].name, OBJ_RELATION, o});
	return rc;
}

static int alter_refs(state *s, size_t f, size_t o, const rt__ddl_stmt *d)
{
	int rc = 0;
	for (size_t i = 0; !rc && !s->doubt && i < d->nactions; i++) {
		const rt__alter *al = &d->actions[i];
		switch (al->kind) {
		case RT__ALTER_RENAME_TABLE:
			s->doubt = doubt_at(s, d, "a model file renames a table");
			break;
		case RT__ALTER_ADD_COLUMN:
			rc = al->column ? type_refs(s, o, al->column->type) : 0;
			rc = rc || !al->column
			         ? rc
			         : push_rel(s, o,
			                    rt__arena_printf(s->a, "%s_%s_seq", d->name,
			                                     al->column->name));
			for (size_t c = 0; !rc && c < al->ncolumn_constraints; c++) {
				rc = constraint_refs(s, f, o, d->name, &al->column_constraints[c],
				                     d);
				rc = rc ? rc
				        : auto_key_name(s, o, d->name, &al->column_constraints[c]);
			}
			break;
		case RT__ALTER_TYPE:
			rc = type_refs(s, o, al->type);
			break;
		case RT__ALTER_ADD_CONSTRAINT:
			rc = al->constraint ? constraint_refs(s, f, o, d->name, al->constraint, d)
			                    : 0;
			rc = rc || !al->constraint ? rc
			                           : auto_key_name(s, o, d->name, al->constraint);
			break;
		default:
			break;
		}
	}
	return rc;
}

/* Whether the text holds word (lower case) as a whole word, in any case:
 * INHERITS or LIKE in a CREATE TABLE takes columns from another table. A
 * mention in a comment or a string counts too, which only costs a full
 * rebuild. */
static bool has_word(const char *sql, size_t len, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= len; i++) {
		if (i > 0 && (isalnum((unsigned char)sql[i - 1]) || sql[i - 1] == '_'))
			continue;
		size_t k = 0;
		while (k < n && tolower((unsigned char)sql[i + k]) == word[k])
			k++;
		if (k == n &&
		    (i + n == len || !(isalnum((unsigned char)sql[i + n]) || sql[i + n] == '_')))
			return true;
	}
	return false;
}

/* Pass 2: what each statement touches and references. */
static int link(state *s, const rt__mdep_stmt *st, size_t nst)
{
	for (size_t i = 0; i < nst && !s->doubt; i++) {
		const rt__ddl_stmt *d = st[i].ddl;
		size_t f = st[i].file, o;
		const char *target;
		obj_kind kind = OBJ_TABLE;
		switch (d->kind) {
		case RT__DDL_CREATE_TABLE:
			if (has_word(st[i].sql, st[i].len, "inherits") ||
			    has_word(st[i].sql, st[i].len, "like")) {
				s->doubt =
				    doubt_at(s, d, "a table that may take columns from another");
				continue;
			}
			target = d->table ? d->table->name : NULL;
			break;
		case RT__DDL_CREATE_INDEX:
			target = d->table ? d->table->name : NULL;
			break;
		case RT__DDL_ALTER_TABLE:
		case RT__DDL_COMMENT:
			target = d->name;
			break;
		case RT__DDL_CREATE_ENUM:
		case RT__DDL_ALTER_ENUM:
			target = d->kind == RT__DDL_CREATE_ENUM && d->enum_type ? d->enum_type->name
			                                                        : d->name;
			kind = OBJ_ENUM;
			break;
		default:
			s->doubt = doubt_at(s, d, "a statement the model cache cannot attribute");
			continue;
		}
		if (!target || (o = owner_of(s, target, kind)) == s->nfiles) {
			s->doubt = doubt_at(s, d, "a statement on an object no model file creates");
			continue;
		}
		int rc = push_edge(s, &s->contrib, &s->ncontrib, &s->cap_contrib, o, f);
		rc = rc || o == f ? rc : push_edge(s, &s->bonds, &s->nbonds, &s->cap_bonds, o, f);
		rc = rc || o == f ? rc : push_edge(s, &s->bonds, &s->nbonds, &s->cap_bonds, f, o);
		if (!rc && d->table && d->kind != RT__DDL_CREATE_ENUM)
			rc = table_refs(s, f, o, d->table, d);
		if (!rc && d->kind == RT__DDL_ALTER_TABLE)
			rc = alter_refs(s, f, o, d);
		if (rc)
			return rc;
	}
	return 0;
}

/* Names the database could confuse: two owners' relation or type names
 * equal, counting the names PostgreSQL makes up (t_pkey, t_col_seq,
 * t_cols_key) besides the ones written; a leading '_' (array types); a
 * name long enough to be truncated. */
static void check_names(state *s)
{
	for (size_t i = 0; i < s->nobjs; i++)
		if (push_obj(s, &s->rels, &s->nrels, &s->cap_rels, s->objs[i])) {
			s->doubt = "out of memory";
			return;
		}
	if (s->nrels)
		qsort(s->rels, s->nrels, sizeof(obj), by_obj);
	for (size_t i = 0; i < s->nrels && !s->doubt; i++) {
		const char *n = s->rels[i].name;
		if (strlen(n) > LONG_NAME || n[0] == '_')
			s->doubt = "a long model object name, or one starting with '_'";
		for (size_t j = i + 1; j < s->nrels && !s->doubt && !strcmp(n, s->rels[j].name);
		     j++)
			if (s->rels[j].owner != s->rels[i].owner ||
			    s->rels[j].kind == s->rels[i].kind)
				s->doubt = "two model objects of the same name";
	}
}

static int by_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return (a > b) - (a < b);
}

/* The edges from e[0..n) (sorted) leaving from: their range. */
static void range_from(const edge *e, size_t n, size_t from, size_t *lo, size_t *hi)
{
	size_t l = 0, h = n;
	while (l < h) {
		size_t mid = l + (h - l) / 2;
		if (e[mid].from < from)
			l = mid + 1;
		else
			h = mid;
	}
	*lo = l;
	while (l < n && e[l].from == from)
		l++;
	*hi = l;
}

/* Adds the contributors of owner o to set (stamp marks members). */
static void add_contrib(const state *s, size_t o, size_t *set, size_t *n, size_t *stamp,
                        size_t mark)
{
	size_t lo, hi;
	if (stamp[o] != mark) {
		stamp[o] = mark;
		set[(*n)++] = o;
	}
	range_from(s->contrib, s->ncontrib, o, &lo, &hi);
	for (size_t e = lo; e < hi; e++)
		if (stamp[s->contrib[e].to] != mark) {
			stamp[s->contrib[e].to] = mark;
			set[(*n)++] = s->contrib[e].to;
		}
}

static int keys(state *s, const unsigned char global[RT__MCACHE_KEY])
{
	unsigned char(*content)[crypto_hash_sha256_BYTES] =
	    rt__arena_array(s->a, s->nfiles + 1, sizeof(*content));
	size_t *set = rt__arena_array(s->a, s->nfiles + 1, sizeof(size_t));
	size_t *stamp = rt__arena_array(s->a, s->nfiles + 1, sizeof(size_t));
	if (!content || !set || !stamp)
		return -RT_ERR_NOMEM;
	for (size_t f = 0; f < s->nfiles; f++)
		crypto_hash_sha256(content[f], (const unsigned char *)s->files[f].text,
		                   s->files[f].len);
	for (size_t f = 0; f < s->nfiles; f++) {
		size_t n = 0, lo, hi;
		add_contrib(s, f, set, &n, stamp, f + 1);
		range_from(s->refs, s->nrefs, f, &lo, &hi);
		for (size_t e = lo; e < hi; e++)
			add_contrib(s, s->refs[e].to, set, &n, stamp, f + 1);
		qsort(set, n, sizeof(size_t), by_size);
		crypto_hash_sha256_state h;
		crypto_hash_sha256_init(&h);
		crypto_hash_sha256_update(&h, global, RT__MCACHE_KEY);
		for (size_t i = 0; i < n; i++) {
			const char *path = s->files[set[i]].path;
			crypto_hash_sha256_update(&h, (const unsigned char *)path,
			                          strlen(path) + 1);
			crypto_hash_sha256_update(&h, content[set[i]], sizeof(content[0]));
		}
		crypto_hash_sha256_final(&h, s->files[f].key);
	}
	return 0;
}

/* Each file's bonds as an array of its own. */
static int bonds(state *s)
{
	if (s->nbonds)
		qsort(s->bonds, s->nbonds, sizeof(edge), by_edge);
	for (size_t i = 0; i < s->nbonds;) {
		rt__mdep_file *f = &s->files[s->bonds[i].from];
		size_t j = i;
		while (j < s->nbonds && s->bonds[j].from == s->bonds[i].from)
			j++;
		if (!(f->bonds = rt__arena_array(s->a, j - i, sizeof(size_t))))
			return -RT_ERR_NOMEM;
		for (; i < j; i++)
			f->bonds[f->nbonds++] = s->bonds[i].to;
	}
	return 0;
}

int rt__mdeps_build(rt__arena *a, rt__mdep_file *files, size_t nfiles, const rt__mdep_stmt *st,
                    size_t nst, const unsigned char global[RT__MCACHE_KEY], const char **doubt)
{
	state s = {.a = a, .files = files, .nfiles = nfiles};
	int rc = collect(&s, st, nst);
	rc = rc || s.doubt ? rc : link(&s, st, nst);
	if (!rc && !s.doubt)
		check_names(&s);
	if (!rc && !s.doubt) {
		if (s.ncontrib)
			qsort(s.contrib, s.ncontrib, sizeof(edge), by_edge);
		if (s.nrefs)
			qsort(s.refs, s.nrefs, sizeof(edge), by_edge);
		rc = keys(&s, global);
		rc = rc ? rc : bonds(&s);
	}
	*doubt = s.doubt;
	return rc;
}

int rt__mdeps_bond_closure(const rt__mdep_file *files, size_t nfiles, bool *in)
{
	size_t *stack = malloc((nfiles + 1) * sizeof(size_t));
	if (!stack)
		return -RT_ERR_NOMEM;
	size_t n = 0;
	for (size_t f = 0; f < nfiles; f++)
		if (in[f])
			stack[n++] = f;
	while (n) {
		size_t f = stack[--n];
		for (size_t b = 0; b < files[f].nbonds; b++)
			if (!in[files[f].bonds[b]]) {
				in[files[f].bonds[b]] = true;
				stack[n++] = files[f].bonds[b];
			}
	}
	free(stack);
	return 0;
}
