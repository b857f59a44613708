/* model_cache.c — cache entries as bytes and back (see model_cache.h).
 * The reader trusts nothing: every length is checked against what is left
 * before the checksum, which is checked before anything is read. */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "autogen/model_cache.h"
#include "retort/error.h"
#include "banned.h"

static const char magic[] = "retort-model-cache\n";
#define MAGIC_LEN      (sizeof(magic) - 1)
#define FORMAT_VERSION 1u
#define NO_STRING      0xFFFFFFFFu

static int put_u32(rt_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	return rt_buf_add(b, x, 4);
}

static int put_str(rt_buf *b, const char *s)
{
	if (!s)
		return put_u32(b, NO_STRING);
	size_t n = strlen(s);
	if (n >= NO_STRING)
		return -RT_ERR_NOMEM;
	int rc = put_u32(b, (uint32_t)n);
	return rc ? rc : rt_buf_add(b, s, n);
}

static int put_flag(rt_buf *b, bool v)
{
	return rt_buf_putc(b, v ? 1 : 0);
}

static int put_strs(rt_buf *b, const char *const *v, size_t n)
{
	int rc = put_u32(b, (uint32_t)n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = put_str(b, v[i]);
	return rc;
}

static int put_column(rt_buf *b, const rt__column *c)
{
	int rc = put_str(b, c->name);
	rc = rc ? rc : put_str(b, c->type);
	rc = rc ? rc : put_flag(b, c->not_null);
	rc = rc ? rc : put_str(b, c->default_expr);
	rc = rc ? rc : put_str(b, c->identity);
	rc = rc ? rc : put_flag(b, c->autoincrement);
	return rc ? rc : put_str(b, c->comment);
}

static int put_constraint(rt_buf *b, const rt__constraint *k)
{
	int rc = rt_buf_putc(b, (char)k->kind);
	rc = rc ? rc : put_str(b, k->name);
	rc = rc ? rc : put_strs(b, k->columns, k->ncolumns);
	rc = rc ? rc : put_str(b, k->ref_table);
	rc = rc ? rc : put_strs(b, k->ref_columns, k->nref_columns);
	rc = rc ? rc : put_str(b, k->on_delete);
	rc = rc ? rc : put_str(b, k->on_update);
	rc = rc ? rc : put_flag(b, k->deferrable);
	rc = rc ? rc : put_flag(b, k->initially_deferred);
	return rc ? rc : put_str(b, k->check_expr);
}

static int put_index(rt_buf *b, const rt__index *ix)
{
	int rc = put_str(b, ix->name);
	rc = rc ? rc : put_flag(b, ix->unique);
	rc = rc ? rc : put_u32(b, (uint32_t)ix->nkeys);
	for (size_t i = 0; !rc && i < ix->nkeys; i++) {
		rc = put_str(b, ix->keys[i]);
		rc = rc ? rc : put_flag(b, ix->key_is_expr[i]);
	}
	rc = rc ? rc : put_str(b, ix->where);
	return rc ? rc : put_str(b, ix->method);
}

static int put_table(rt_buf *b, const rt__table *t)
{
	int rc = put_str(b, t->name);
	rc = rc ? rc : put_str(b, t->comment);
	rc = rc ? rc : put_u32(b, (uint32_t)t->ncolumns);
	for (size_t i = 0; !rc && i < t->ncolumns; i++)
		rc = put_column(b, &t->columns[i]);
	rc = rc ? rc : put_u32(b, (uint32_t)t->nconstraints);
	for (size_t i = 0; !rc && i < t->nconstraints; i++)
		rc = put_constraint(b, &t->constraints[i]);
	rc = rc ? rc : put_u32(b, (uint32_t)t->nindexes);
	for (size_t i = 0; !rc && i < t->nindexes; i++)
		rc = put_index(b, &t->indexes[i]);
	return rc;
}

int rt__mcache_encode(rt_buf *out, const unsigned char key[RT__MCACHE_KEY], const rt__schema *part)
{
	size_t start = out->len;
	int rc = rt_buf_add(out, magic, MAGIC_LEN);
	rc = rc ? rc : put_u32(out, FORMAT_VERSION);
	rc = rc ? rc : rt_buf_add(out, key, RT__MCACHE_KEY);
	rc = rc ? rc : put_u32(out, (uint32_t)part->ntables);
	for (size_t i = 0; !rc && i < part->ntables; i++)
		rc = put_table(out, &part->tables[i]);
	rc = rc ? rc : put_u32(out, (uint32_t)part->nenums);
	for (size_t i = 0; !rc && i < part->nenums; i++) {
		const rt__enum *e = &part->enums[i];
		rc = put_str(out, e->name);
		rc = rc ? rc : put_strs(out, e->values, e->nvalues);
	}
	if (rc)
		return -RT_ERR_NOMEM;
	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(sum, (const unsigned char *)out->data + start, out->len - start);
	return rt_buf_add(out, sum, sizeof(sum)) ? -RT_ERR_NOMEM : 0;
}

/* A cursor over the bytes between the header and the checksum. */
typedef struct reader {
	const unsigned char *p, *end;
	rt__schema *s;
	bool short_read;
	bool nomem;
} reader;

static uint32_t get_u32(reader *r)
{
	if (r->end - r->p < 4) {
		r->short_read = true;
		r->p = r->end;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	             (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static bool get_flag(reader *r)
{
	if (r->p == r->end) {
		r->short_read = true;
		return false;
	}
	return *r->p++ != 0;
}

/* A string copied into the schema's arena (NULL for NULL and on a fault). */
static const char *get_str(reader *r)
{
	uint32_t n = get_u32(r);
	if (n == NO_STRING || r->short_read)
		return NULL;
	if ((size_t)(r->end - r->p) < n || memchr(r->p, 0, n)) {
		r->short_read = true;
		r->p = r->end;
		return NULL;
	}
	char *s = rt__arena_strndup(r->s->arena, (const char *)r->p, n);
	r->nomem |= !s;
	r->p += n;
	return s;
}

/* A count, refused when even one byte per item would not fit: a corrupt
 * count must not make the reader allocate or loop for long. */
static size_t get_count(reader *r)
{
	uint32_t n = get_u32(r);
	if (n > (size_t)(r->end - r->p)) {
		r->short_read = true;
		r->p = r->end;
		return 0;
	}
	return n;
}

static bool failed(const reader *r)
{
	return r->short_read || r->nomem;
}

static void get_column(reader *r, rt__table *t)
{
	const char *name = get_str(r), *type = get_str(r);
	if (failed(r) || !name || !type) {
		r->short_read |= !r->nomem;
		return;
	}
	rt__column *c = rt__table_add_column(r->s, t, name, type);
	if (!c) {
		r->nomem = true;
		return;
	}
	c->not_null = get_flag(r);
	c->default_expr = get_str(r);
	c->identity = get_str(r);
	c->autoincrement = get_flag(r);
	c->comment = get_str(r);
}

static void get_constraint(reader *r, rt__table *t)
{
	uint32_t kind = r->p < r->end ? *r->p++ : 0xFF;
	const char *name = get_str(r);
	if (failed(r) || kind > RT__CON_CHECK) {
		r->short_read |= !r->nomem;
		return;
	}
	rt__constraint *k = rt__table_add_constraint(r->s, t, (rt__con_kind)kind, name);
	r->nomem |= !k;
	for (size_t i = 0, n = failed(r) ? 0 : get_count(r); !failed(r) && i < n; i++) {
		const char *col = get_str(r);
		r->short_read |= !col;
		r->nomem |= col && rt__constraint_add_column(r->s, k, col) != 0;
	}
	if (failed(r))
		return;
	k->ref_table = get_str(r);
	for (size_t i = 0, n = failed(r) ? 0 : get_count(r); !failed(r) && i < n; i++) {
		const char *col = get_str(r);
		r->short_read |= !col;
		r->nomem |= col && rt__constraint_add_ref_column(r->s, k, col) != 0;
	}
	k->on_delete = get_str(r);
	k->on_update = get_str(r);
	k->deferrable = get_flag(r);
	k->initially_deferred = get_flag(r);
	k->check_expr = get_str(r);
}

static void get_index(reader *r, rt__table *t)
{
	const char *name = get_str(r);
	bool unique = get_flag(r);
	if (failed(r) || !name) {
		r->short_read |= !r->nomem;
		return;
	}
	rt__index *ix = rt__table_add_index(r->s, t, name, unique);
	r->nomem |= !ix;
	for (size_t i = 0, n = failed(r) ? 0 : get_count(r); !failed(r) && i < n; i++) {
		const char *key = get_str(r);
		bool expr = get_flag(r);
		r->short_read |= !key;
		r->nomem |= key && rt__index_add_key(r->s, ix, key, expr) != 0;
	}
	if (failed(r))
		return;
	ix->where = get_str(r);
	ix->method = get_str(r);
}

static void get_table(reader *r)
{
	const char *name = get_str(r);
	if (failed(r) || !name) {
		r->short_read |= !r->nomem;
		return;
	}
	rt__table *t = rt__schema_add_table(r->s, name);
	if (!t) {
		r->nomem = true;
		return;
	}
	t->comment = get_str(r);
	for (size_t i = 0, n = get_count(r); !failed(r) && i < n; i++)
		get_column(r, t);
	for (size_t i = 0, n = failed(r) ? 0 : get_count(r); !failed(r) && i < n; i++)
		get_constraint(r, t);
	for (size_t i = 0, n = failed(r) ? 0 : get_count(r); !failed(r) && i < n; i++)
		get_index(r, t);
}

static void get_enum(reader *r)
{
	const char *name = get_str(r);
	if (failed(r) || !name) {
		r->short_read |= !r->nomem;
		return;
	}
	rt__enum *e = rt__schema_add_enum(r->s, name);
	r->nomem |= !e;
	for (size_t i = 0, n = failed(r) ? 0 : get_count(r); !failed(r) && i < n; i++) {
		const char *v = get_str(r);
		r->short_read |= !v;
		r->nomem |= v && rt__enum_add_value(r->s, e, v) != 0;
	}
}

int rt__mcache_decode(const char *data, size_t len, unsigned char key[RT__MCACHE_KEY],
                      rt__schema *part, const char **why)
{
	const unsigned char *d = (const unsigned char *)data;
	size_t head = MAGIC_LEN + 4 + RT__MCACHE_KEY, tail = crypto_hash_sha256_BYTES;
	if (len < MAGIC_LEN || memcmp(d, magic, MAGIC_LEN)) {
		*why = "not a retort model cache file";
		return 1;
	}
	if (len < head + tail) {
		*why = "truncated";
		return 1;
	}
	reader r = {d + MAGIC_LEN, d + len - tail, part, false, false};
	if (get_u32(&r) != FORMAT_VERSION) {
		*why = "written in another format version";
		return 1;
	}
	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(sum, d, len - tail);
	if (sodium_memcmp(sum, d + len - tail, tail)) {
		*why = "checksum mismatch";
		return 1;
	}
	memcpy(key, r.p, RT__MCACHE_KEY);
	r.p += RT__MCACHE_KEY;
	for (size_t i = 0, n = get_count(&r); !failed(&r) && i < n; i++)
		get_table(&r);
	for (size_t i = 0, n = failed(&r) ? 0 : get_count(&r); !failed(&r) && i < n; i++)
		get_enum(&r);
	if (r.nomem)
		return -RT_ERR_NOMEM;
	if (r.short_read || r.p != r.end) {
		*why = "malformed contents";
		return 1;
	}
	return 0;
}
