/* pg_introspect.c — reads a PostgreSQL schema into the schema model.
 *
 * Seven catalog queries whatever the number of tables: the current schema
 * (turning JIT off, see q_start), tables, columns, constraints, indexes,
 * enum types, and restoring JIT (left out where it was off); rows are
 * attached to their table by oid. Everything is as the server prints it
 * (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef), so a
 * scratch schema the models were applied to and the live schema are
 * normalised by the same code. Two things still differ between the two and
 * are evened out here: names qualified with the scratch schema's name (when
 * a schema is given, "<schema>." is removed from types and expressions), and
 * serial columns (a column owning the sequence of its nextval() default),
 * which are reported with their serial type and no default, since the
 * sequence's name depends on history (a renamed table keeps its old one).
 * Types and literal defaults are then spelled as models write them
 * (pg_types.h), so that generated scripts are portable.
 */
#include <stdlib.h>
#include <string.h>

#include "dialect/dialect.h"
#include "dialect/pg_types.h"
#include "banned.h"

/* The current schema, and JIT turned off for the session until q_restore.
 * JIT compiles a query whose estimated cost passes jit_above_cost, which
 * catalog queries over thousands of tables reach; compiling one then takes
 * longer than running it. The second column is the setting to restore
 * (NULL on a server without the setting). */
static const char q_start[] =
    "SELECT pg_catalog.current_schema(), pg_catalog.current_setting('jit', true), "
    " CASE WHEN pg_catalog.current_setting('jit', true) IS NOT NULL "
    "  THEN pg_catalog.set_config('jit', 'off', false) END";

static const char q_restore[] = "SELECT pg_catalog.set_config('jit', $1, false)";

static const char q_tables[] =
    "SELECT c.oid, c.relname, d.description "
    "FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
    " AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
    "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "ORDER BY c.relname";

static const char q_columns[] =
    "SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
    " a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, "
    " d.description, ad.adbin IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep "
    "  JOIN pg_catalog.pg_class sq ON sq.oid = dep.objid "
    "  WHERE dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "  AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum "
    "  AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "  AND dep.deptype = 'a' AND sq.relkind = 'S') "
    "FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
    "LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid "
    " AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum "
    "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
    " AND NOT a.attisdropped "
    "ORDER BY a.attrelid, a.attnum";

#define KEY_NAMES(keys, rel)                                                                      \
	"ARRAY(SELECT a.attname FROM pg_catalog.unnest(" keys ") WITH ORDINALITY AS k(num, ord) " \
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = " rel " AND a.attnum = k.num "            \
	"ORDER BY k.ord)"

static const char q_constraints[] = "SELECT con.conrelid, con.conname, con.contype, " KEY_NAMES(
    "con.conkey",
    "con.conrelid") ", fc.relname, " KEY_NAMES("con.confkey",
                                               "con.confrelid") ", con.confdeltype, "
                                                                "con.confupdtype, "
                                                                "con.condeferrable, "
                                                                "con.condeferred, "
                                                                " CASE WHEN con.contype = 'c' THEN "
                                                                "pg_catalog.pg_get_constraintdef("
                                                                "con.oid, true) END "
                                                                "FROM pg_catalog.pg_constraint con "
                                                                "JOIN pg_catalog.pg_class c ON "
                                                                "c.oid = con.conrelid "
                                                                "JOIN pg_catalog.pg_namespace n ON "
                                                                "n.oid = c.relnamespace "
                                                                "LEFT JOIN pg_catalog.pg_class fc "
                                                                "ON fc.oid = con.confrelid "
                                                                "WHERE n.nspname = $1 AND "
                                                                "con.contype IN ('p', 'u', 'f', "
                                                                "'c') "
                                                                "ORDER BY con.conrelid, "
                                                                "con.conname";

/* The key columns of index i (not its INCLUDE columns), numbered from 1.
 * unnest, not generate_series(1, indnkeyatts): the planner guesses 1000
 * rows for the latter, which put this query's estimated cost at 1000 tables
 * above the JIT thresholds, and compiling it took ten times longer than
 * running it. */
#define INDEX_KEYS                                                                          \
	"pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord) " \
	"WHERE k.ord <= i.indnkeyatts"

/* Column keys are names as stored (pg_get_indexdef would quote them);
 * indoption bit 0 is DESC, bit 1 NULLS FIRST; DESC implies NULLS FIRST. */
static const char q_indexes[] =
    "SELECT i.indrelid, ic.relname, i.indisunique, am.amname, "
    " ARRAY(SELECT CASE WHEN k.attnum = 0 "
    "  THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::pg_catalog.int4, true) "
    "  ELSE (SELECT a.attname FROM pg_catalog.pg_attribute a "
    "   WHERE a.attrelid = i.indrelid AND a.attnum = k.attnum) END || "
    "  CASE i.indoption[k.ord - 1] & 3 WHEN 1 THEN ' DESC NULLS LAST' "
    "  WHEN 2 THEN ' NULLS FIRST' WHEN 3 THEN ' DESC' ELSE '' END "
    "  FROM " INDEX_KEYS " ORDER BY k.ord), "
    " ARRAY(SELECT k.attnum = 0 FROM " INDEX_KEYS " ORDER BY k.ord), "
    " pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) "
    "FROM pg_catalog.pg_index i "
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
    "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') "
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con "
    "  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
    "  AND con.contype IN ('p', 'u', 'x')) "
    "ORDER BY i.indrelid, ic.relname";

static const char q_enums[] = "SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t "
                              "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                              "JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid "
                              "WHERE n.nspname = $1 "
                              "ORDER BY t.typname, e.enumsortorder";

/* confdeltype / confupdtype codes; 'a' (NO ACTION) is NULL in the model. */
static const struct {
	char code;
	const char *action;
} fk_actions[] = {
    {'r', "RESTRICT"},
    {'c', "CASCADE"},
    {'n', "SET NULL"},
    {'d', "SET DEFAULT"},
};

static const struct {
	char code;
	const char *identity;
} identities[] = {
    {'a', "ALWAYS"},
    {'d', "BY DEFAULT"},
};

typedef struct oid_entry {
	unsigned long oid;
	size_t table; /* index into the schema's tables */
} oid_entry;

/* One introspection: the connection, the target and the scratch state. */
typedef struct intro {
	rt__db *db;
	rt__arena tmp; /* query results; released at the end */
	rt__schema *s;
	const char *nsp;     /* the resolved schema name */
	const char *qualify; /* schema to unqualify, or NULL */
	const char *jit;     /* the session's jit setting to restore, or NULL */
	oid_entry *oids;
	size_t noids;
	rt_error *err;
} intro;

static const char *cell(const rt__rows *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

static int nomem(intro *in)
{
	return rt_error_set(in->err, RT_ERR_NOMEM, "out of memory");
}

static int query(intro *in, const char *sql, rt__rows *out)
{
	const char *params[] = {in->nsp};
	in->db->queries++;
	return in->db->ops->query(in->db, &in->tmp, sql, in->nsp ? params : NULL, in->nsp ? 1 : 0,
	                          out, in->err);
}

static int by_oid(const void *x, const void *y)
{
	const oid_entry *a = x, *b = y;
	return a->oid < b->oid ? -1 : a->oid > b->oid;
}

/* The table a row belongs to, or NULL for a skipped table. */
static rt__table *table_of(intro *in, const char *oid_text)
{
	oid_entry key = {strtoul(oid_text ? oid_text : "0", NULL, 10), 0};
	oid_entry *e =
	    in->noids ? bsearch(&key, in->oids, in->noids, sizeof(*in->oids), by_oid) : NULL;
	return e ? &in->s->tables[e->table] : NULL;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Removes "<schema>." and "\"<schema>\"." where they start a name. */
static const char *unqualify(intro *in, const char *text)
{
	if (!text || !in->qualify)
		return text;
	char *plain = rt__arena_printf(&in->tmp, "%s.", in->qualify);
	char *quoted = rt__arena_printf(&in->tmp, "\"%s\".", in->qualify);
	char *out = rt__arena_strdup(&in->tmp, text);
	if (!plain || !quoted || !out)
		return NULL;
	size_t w = 0;
	for (size_t r = 0; text[r];) {
		const char *needles[] = {plain, quoted};
		size_t skip = 0;
		for (size_t k = 0; k < 2 && !skip; k++) {
			size_t n = strlen(needles[k]);
			bool boundary = r == 0 || (!ident_char(text[r - 1]) && text[r - 1] != '.' &&
			                           text[r - 1] != '"');
			if (boundary && !strncmp(text + r, needles[k], n))
				skip = n;
		}
		if (skip) {
			r += skip;
			continue;
		}
		out[w++] = text[r++];
	}
	out[w] = '\0';
	return out;
}

/* Splits a PostgreSQL array literal ({a,"b c",NULL}) into arena strings. */
static int split_array(intro *in, const char *text, const char ***items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!text || text[0] != '{')
		return 0;
	size_t len = strlen(text);
	const char **list = rt__arena_array(&in->tmp, len, sizeof(char *));
	char *buf = rt__arena_alloc(&in->tmp, len + 1);
	if (!list || !buf)
		return nomem(in);
	const char *p = text + 1;
	while (*p && *p != '}') {
		char *start = buf;
		bool quoted = *p == '"';
		if (quoted) {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				*buf++ = *p;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != '}')
				*buf++ = *p++;
		}
		*buf++ = '\0';
		list[(*n)++] = (!quoted && !strcmp(start, "NULL")) ? NULL : start;
		if (*p == ',')
			p++;
	}
	*items = list;
	return 0;
}

static bool skipped(const char *name, const char *const *skip, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++)
		if (skip[i] && !strcmp(skip[i], name))
			return true;
	return false;
}

static int read_tables(intro *in, const char *const *skip, size_t nskip)
{
	rt__rows r;
	int rc = query(in, q_tables, &r);
	if (rc)
		return rc;
	in->oids = rt__arena_array(&in->tmp, r.nrows + 1, sizeof(oid_entry));
	if (!in->oids)
		return nomem(in);
	for (size_t i = 0; i < r.nrows; i++) {
		if (skipped(cell(&r, i, 1), skip, nskip))
			continue;
		rt__table *t = rt__schema_add_table(in->s, cell(&r, i, 1));
		if (!t || rt__schema_set(in->s, &t->comment, cell(&r, i, 2)))
			return nomem(in);
		in->oids[in->noids].oid = strtoul(cell(&r, i, 0), NULL, 10);
		in->oids[in->noids].table = in->s->ntables - 1;
		in->noids++;
	}
	qsort(in->oids, in->noids, sizeof(*in->oids), by_oid);
	return 0;
}

static const char *lookup_identity(const char *code)
{
	for (size_t i = 0; code && i < sizeof(identities) / sizeof(identities[0]); i++)
		if (code[0] == identities[i].code)
			return identities[i].identity;
	return NULL;
}

/* A column that owns the sequence of its nextval() default was declared
 * SERIAL (the sequence name depends on history, not on the model): report
 * it as the serial type, without the default, so it compares by what was
 * declared and renders as something that creates its sequence. */
static const struct {
	const char *type, *serial;
} serials[] = {
    {"integer", "serial"},
    {"bigint", "bigserial"},
    {"smallint", "smallserial"},
};

static const char *serial_type(const char *type, const char *def)
{
	static const char pre[] = "nextval('", post[] = "'::regclass)";
	size_t n = strlen(def);
	if (strncmp(def, pre, sizeof(pre) - 1) || n < sizeof(post) - 1 ||
	    strcmp(def + n - (sizeof(post) - 1), post))
		return NULL;
	for (size_t i = 0; i < sizeof(serials) / sizeof(serials[0]); i++)
		if (!strcmp(type, serials[i].type))
			return serials[i].serial;
	return NULL;
}

static int read_columns(intro *in)
{
	rt__rows r;
	int rc = query(in, q_columns, &r);
	if (rc)
		return rc;
	for (size_t i = 0; i < r.nrows; i++) {
		rt__table *t = table_of(in, cell(&r, i, 0));
		if (!t)
			continue;
		const char *name = cell(&r, i, 1);
		const char *type = unqualify(in, cell(&r, i, 2));
		const char *def = unqualify(in, cell(&r, i, 4));
		const char *serial =
		    type && def && is_true(cell(&r, i, 7)) ? serial_type(type, def) : NULL;
		if (serial) {
			type = serial;
			def = NULL;
		} else if (type && def) {
			def = rt__pg_default_spelling(&in->tmp, def, type);
		}
		if (type)
			type = rt__pg_type_spelling(&in->tmp, type);
		rt__column *c = type ? rt__table_add_column(in->s, t, name, type) : NULL;
		if (!c || (cell(&r, i, 4) && !def && !serial) ||
		    rt__schema_set(in->s, &c->default_expr, def) ||
		    rt__schema_set(in->s, &c->comment, cell(&r, i, 6)))
			return nomem(in);
		c->not_null = is_true(cell(&r, i, 3));
		c->identity = lookup_identity(cell(&r, i, 5));
	}
	return 0;
}

/* The text between the parentheses that open at text[open]. */
static const char *inside_parens(intro *in, const char *text, size_t open)
{
	int depth = 0;
	char quote = 0;
	for (size_t i = open; text[i]; i++) {
		char ch = text[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '(') {
			depth++;
		} else if (ch == ')' && --depth == 0) {
			return rt__arena_strndup(&in->tmp, text + open + 1, i - open - 1);
		}
	}
	return rt__arena_strdup(&in->tmp, text);
}

/* "CHECK (expr) [NOT VALID]" -> "expr". */
static const char *check_expr(intro *in, const char *def)
{
	static const char pre[] = "CHECK ";
	if (!def || strncmp(def, pre, sizeof(pre) - 1) || def[sizeof(pre) - 1] != '(')
		return def;
	return inside_parens(in, def, sizeof(pre) - 1);
}

static const char *lookup_action(const char *code)
{
	for (size_t i = 0; code && i < sizeof(fk_actions) / sizeof(fk_actions[0]); i++)
		if (code[0] == fk_actions[i].code)
			return fk_actions[i].action;
	return NULL;
}

static const struct {
	char code;
	rt__con_kind kind;
} con_kinds[] = {
    {'p', RT__CON_PRIMARY},
    {'u', RT__CON_UNIQUE},
    {'f', RT__CON_FOREIGN},
    {'c', RT__CON_CHECK},
};

static int add_names(intro *in, const char *array, rt__constraint *c, bool ref)
{
	const char **items;
	size_t n;
	int rc = split_array(in, array, &items, &n);
	for (size_t k = 0; !rc && k < n; k++)
		rc = ref ? rt__constraint_add_ref_column(in->s, c, items[k])
		         : rt__constraint_add_column(in->s, c, items[k]);
	return rc ? nomem(in) : 0;
}

static int read_constraint(intro *in, const rt__rows *r, size_t i, rt__table *t)
{
	const char *code = cell(r, i, 2);
	size_t k = 0;
	while (k < sizeof(con_kinds) / sizeof(con_kinds[0]) && con_kinds[k].code != code[0])
		k++;
	if (k == sizeof(con_kinds) / sizeof(con_kinds[0]))
		return 0;
	rt__constraint *c = rt__table_add_constraint(in->s, t, con_kinds[k].kind, cell(r, i, 1));
	if (!c || add_names(in, cell(r, i, 3), c, false))
		return nomem(in);
	/* "<table>_pkey" is the name the server gives an unnamed primary key:
	 * report it unnamed, as SQLite does, so that scripts do not spell it. */
	size_t tl = strlen(t->name);
	if (c->kind == RT__CON_PRIMARY && !strncmp(c->name, t->name, tl) &&
	    !strcmp(c->name + tl, "_pkey"))
		c->name = NULL;
	if (c->kind == RT__CON_FOREIGN) {
		if (rt__schema_set(in->s, &c->ref_table, cell(r, i, 4)) ||
		    add_names(in, cell(r, i, 5), c, true))
			return nomem(in);
		c->on_delete = lookup_action(cell(r, i, 6));
		c->on_update = lookup_action(cell(r, i, 7));
		c->deferrable = is_true(cell(r, i, 8));
		c->initially_deferred = is_true(cell(r, i, 9));
	}
	if (c->kind == RT__CON_CHECK) {
		const char *expr = unqualify(in, check_expr(in, cell(r, i, 10)));
		if (!expr || rt__schema_set(in->s, &c->check_expr, expr))
			return nomem(in);
	}
	return 0;
}

static int read_constraints(intro *in)
{
	rt__rows r;
	int rc = query(in, q_constraints, &r);
	for (size_t i = 0; !rc && i < r.nrows; i++) {
		rt__table *t = table_of(in, cell(&r, i, 0));
		if (t)
			rc = read_constraint(in, &r, i, t);
	}
	return rc;
}

static int read_index(intro *in, const rt__rows *r, size_t i, rt__table *t)
{
	const char **keys, **flags;
	size_t nkeys, nflags;
	const char *method = cell(r, i, 3);
	if (method && !strcmp(method, "btree"))
		method = NULL;
	const char *where = unqualify(in, cell(r, i, 6));
	if ((cell(r, i, 6) && !where) || split_array(in, cell(r, i, 4), &keys, &nkeys) ||
	    split_array(in, cell(r, i, 5), &flags, &nflags))
		return nomem(in);
	rt__index *ix = rt__table_add_index(in->s, t, cell(r, i, 1), is_true(cell(r, i, 2)));
	if (!ix || rt__schema_set(in->s, &ix->method, method) ||
	    rt__schema_set(in->s, &ix->where, where))
		return nomem(in);
	for (size_t k = 0; k < nkeys; k++) {
		const char *key = unqualify(in, keys[k] ? keys[k] : "");
		if (!key || rt__index_add_key(in->s, ix, key, k < nflags && is_true(flags[k])))
			return nomem(in);
	}
	return 0;
}

static int read_indexes(intro *in)
{
	rt__rows r;
	int rc = query(in, q_indexes, &r);
	for (size_t i = 0; !rc && i < r.nrows; i++) {
		rt__table *t = table_of(in, cell(&r, i, 0));
		if (t)
			rc = read_index(in, &r, i, t);
	}
	return rc;
}

static int read_enums(intro *in)
{
	rt__rows r;
	int rc = query(in, q_enums, &r);
	if (rc)
		return rc;
	rt__enum *e = NULL;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *name = cell(&r, i, 0);
		if (!e || strcmp(e->name, name))
			e = rt__schema_add_enum(in->s, name);
		if (!e || rt__enum_add_value(in->s, e, cell(&r, i, 1)))
			return nomem(in);
	}
	return 0;
}

static int start(intro *in, const char *schema)
{
	rt__rows r;
	int rc = query(in, q_start, &r);
	if (rc)
		return rc;
	if (r.nrows != 1)
		return rt_error_set(in->err, RT_ERR_DB, "no current schema to introspect");
	const char *jit = cell(&r, 0, 1);
	in->jit = jit && strcmp(jit, "off") ? jit : NULL;
	in->nsp = in->qualify = schema;
	if (!schema && !(in->nsp = cell(&r, 0, 0)))
		return rt_error_set(in->err, RT_ERR_DB, "no current schema to introspect");
	return rt__schema_set(in->s, &in->s->schema_name, in->nsp) ? nomem(in) : 0;
}

/* Puts JIT back as it was; after a failure only tried, the first error
 * being the one to report. */
static int restore(intro *in, int rc)
{
	if (!in->jit)
		return rc;
	const char *params[] = {in->jit};
	rt__rows r;
	rt_error ignored;
	in->db->queries++;
	int restored =
	    in->db->ops->query(in->db, &in->tmp, q_restore, params, 1, &r, rc ? &ignored : in->err);
	return rc ? rc : restored;
}

int rt__pg_introspect(rt__db *db, const char *schema, const char *const *skip_tables, size_t nskip,
                      rt__schema *out, rt_error *err)
{
	intro in = {.db = db, .s = out, .err = err};
	rt__arena_init(&in.tmp);
	int rc = start(&in, schema);
	if (!rc)
		rc = read_tables(&in, skip_tables, nskip);
	if (!rc)
		rc = read_columns(&in);
	if (!rc)
		rc = read_constraints(&in);
	if (!rc)
		rc = read_indexes(&in);
	if (!rc)
		rc = read_enums(&in);
	rc = restore(&in, rc);
	rt__arena_release(&in.tmp);
	if (!rc)
		rt__schema_sort(out);
	return rc;
}
