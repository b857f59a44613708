/* script_file.c — migration script files: parsing, rendering, slugs.
 *
 * The parser is line-based: a header of `--` comment lines (message, then
 * `Key: value` lines), then sections opened by `-- retort:upgrade|downgrade`
 * marker lines. Section bodies are kept verbatim; splitting them into
 * statements is sql/split.c's job, done when a section is about to run.
 * Header keys are recognised in any comment line before the first marker so
 * that a blank line inside the header is forgiven; the `header` text shown
 * by `show` is the leading block of comment lines only.
 *
 * Rendering writes only the first line of a multi-line message on the
 * message line; later lines follow as comment lines before the `--`
 * separator, so they show up in `header` but not in `message`. A rendered
 * body always ends in a newline and the upgrade body is followed by a blank
 * line, so parsing gives the bodies back with that trailing whitespace.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "script_file.h"
#include "banned.h"

#define MAX_REVISION_LEN 32 /* version_num is VARCHAR(32) */
#define MAX_SECTIONS     6  /* two directions times generic and two dialects */

/* One physical line of the file, '\r' of CRLF excluded. */
typedef struct line {
	const char *s;
	size_t len;
	size_t next; /* offset of the following line */
	int no;
} line;

enum key { K_REVISION, K_REVISES, K_DATE, K_LABELS, K_DEPENDS, K__COUNT };

static const char *const key_names[K__COUNT] = {
    "Revision ID", "Revises", "Create Date", "Branch Labels", "Depends On",
};

/* What the parse has collected so far. */
typedef struct parse {
	rt__arena *a;
	const char *path;
	rt_script *out;
	rt_error *err;
	int key_line[K__COUNT];         /* 0 while the key has not been seen */
	int section_line[MAX_SECTIONS]; /* marker line of each section */
	bool message_seen;              /* the first non-empty comment line was read */
} parse;

static int nomem(parse *p)
{
	return rt_error_set(p->err, RT_ERR_NOMEM, "out of memory");
}

static bool next_line(const char *text, size_t len, size_t off, int no, line *ln)
{
	if (off >= len)
		return false;
	const char *nl = memchr(text + off, '\n', len - off);
	size_t end = nl ? (size_t)(nl - text) : len;
	ln->s = text + off;
	ln->len = end - off;
	ln->next = nl ? end + 1 : len;
	ln->no = no;
	if (ln->len && ln->s[ln->len - 1] == '\r')
		ln->len--;
	return true;
}

static size_t skip_blanks(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* Offset just past "--" (and blanks) when ln is a comment line, else 0. */
static size_t comment_body(const line *ln)
{
	size_t i = skip_blanks(ln->s, 0, ln->len);
	if (i + 1 < ln->len && ln->s[i] == '-' && ln->s[i + 1] == '-')
		return skip_blanks(ln->s, i + 2, ln->len);
	if (i + 2 == ln->len && ln->s[i] == '-' && ln->s[i + 1] == '-')
		return i + 2;
	return 0;
}

static bool is_blank(const line *ln)
{
	return skip_blanks(ln->s, 0, ln->len) == ln->len;
}

/* "-- retort:" comments that annotate a statement inside a section rather
 * than open one: read by whoever they are for (lint), kept as SQL here. */
static const char *const annotations[] = {"lint-ignore"};

/* A marker is "-- retort:" followed directly by a word, other than an
 * annotation's. */
static bool is_marker(const line *ln, size_t *word)
{
	size_t i = comment_body(ln);
	if (!i || ln->len - i < 8 || strncasecmp(ln->s + i, "retort:", 7))
		return false;
	*word = i + 7;
	for (size_t k = 0; k < sizeof(annotations) / sizeof(annotations[0]); k++) {
		size_t n = strlen(annotations[k]);
		if (ln->len - *word >= n && !strncasecmp(ln->s + *word, annotations[k], n) &&
		    (ln->len - *word == n || isspace((unsigned char)ln->s[*word + n])))
			return false;
	}
	return !isspace((unsigned char)ln->s[i + 7]);
}

/* Revision ids: letters, digits, '_' and '.' (Alembic allows ids such as
 * "1.0"; it refuses '-', '+' and '@', which retort's targets use), never a
 * leading '.' (the file would be hidden from the versions listing). Labels
 * also allow '-'. */
static bool id_char(unsigned char c, bool label)
{
	return isalnum(c) || c == '_' || c == '.' || (label && c == '-');
}

/* Checks one revision id or label at ln->s[off..off+len). */
static int check_id(parse *p, const line *ln, size_t off, size_t len, enum key k)
{
	bool label = k == K_LABELS || k == K_DEPENDS;
	const char *what = label ? "branch label or revision" : "revision id";
	if (k == K_LABELS)
		what = "branch label";
	if (len == 0)
		return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)off + 1,
		                   "empty %s in '%s:'", what, key_names[k]);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)ln->s[off + i];
		if (!id_char(c, label) || (i == 0 && c == '.'))
			return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no,
			                   (int)(off + i) + 1,
			                   "invalid character '%c' in %s '%.*s': use letters, "
			                   "digits%s",
			                   isprint(c) ? c : '?', what, (int)len, ln->s + off,
			                   label ? ", '_', '-' or '.'" : ", '_' and '.' (not first)");
	}
	if (!label && len > MAX_REVISION_LEN)
		return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)off + 1,
		                   "revision id '%.*s' is longer than %d characters", (int)len,
		                   ln->s + off, MAX_REVISION_LEN);
	return 0;
}

/* Parses "a, b, c" at ln->s[off..ln->len) into an arena array. */
static int parse_list(parse *p, const line *ln, size_t off, enum key k, const char ***out,
                      size_t *n)
{
	size_t end = ln->len;
	while (end > off && isspace((unsigned char)ln->s[end - 1]))
		end--;
	size_t count = off < end ? 1 : 0;
	for (size_t i = off; i < end; i++)
		count += ln->s[i] == ',';
	*n = 0;
	*out = rt__arena_array(p->a, count ? count : 1, sizeof(char *));
	if (!*out)
		return nomem(p);
	size_t i = off;
	while (i < end) {
		size_t start = skip_blanks(ln->s, i, end), stop = start;
		while (stop < end && ln->s[stop] != ',')
			stop++;
		size_t item_end = stop;
		while (item_end > start && isspace((unsigned char)ln->s[item_end - 1]))
			item_end--;
		int rc = check_id(p, ln, start, item_end - start, k);
		if (rc)
			return rc;
		(*out)[(*n)++] = rt__arena_strndup(p->a, ln->s + start, item_end - start);
		if (!(*out)[*n - 1])
			return nomem(p);
		i = stop < end ? stop + 1 : end;
		if (stop < end && i == end)
			return check_id(p, ln, end, 0, k); /* trailing comma */
	}
	return 0;
}

/* Recognises "Key: value" in a comment line; returns the key or K__COUNT. */
static enum key header_key(const line *ln, size_t body, size_t *value)
{
	for (int k = 0; k < K__COUNT; k++) {
		size_t n = strlen(key_names[k]);
		if (ln->len - body > n && !strncasecmp(ln->s + body, key_names[k], n) &&
		    ln->s[body + n] == ':') {
			*value = skip_blanks(ln->s, body + n + 1, ln->len);
			return (enum key)k;
		}
	}
	return K__COUNT;
}

static int header_line(parse *p, const line *ln, size_t body)
{
	size_t value;
	enum key k = header_key(ln, body, &value);
	rt_script *s = p->out;
	if (k == K__COUNT)
		return 0;
	if (p->key_line[k])
		return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)body + 1,
		                   "'%s:' given twice (first on line %d)", key_names[k],
		                   p->key_line[k]);
	p->key_line[k] = ln->no;
	const char *v = ln->s + value;
	size_t vlen = ln->len - value;
	trim(&v, &vlen);
	switch (k) {
	case K_REVISION: {
		int rc = check_id(p, ln, value, vlen, k);
		if (rc)
			return rc;
		s->revision = rt__arena_strndup(p->a, v, vlen);
		return s->revision ? 0 : nomem(p);
	}
	case K_DATE:
		s->create_date = rt__arena_strndup(p->a, v, vlen);
		return s->create_date ? 0 : nomem(p);
	case K_REVISES:
		return parse_list(p, ln, value, k, &s->down_revisions, &s->n_down);
	case K_LABELS:
		return parse_list(p, ln, value, k, &s->branch_labels, &s->n_labels);
	case K_DEPENDS:
		return parse_list(p, ln, value, k, &s->depends_on, &s->n_depends);
	case K__COUNT:
		break;
	}
	return 0;
}

static const struct {
	const char *name;
	rt_direction dir;
} directions[] = {
    {"upgrade", RT_UP},
    {"downgrade", RT_DOWN},
};

static bool set_transaction(rt_section *sec, const char *v, size_t n)
{
	bool t = n == 4 && !strncasecmp(v, "true", 4);
	bool f = n == 5 && !strncasecmp(v, "false", 5);
	sec->transaction = t;
	return t || f;
}

static bool set_dialect(rt_section *sec, const char *v, size_t n)
{
	char name[16];
	if (n >= sizeof(name))
		return false;
	memcpy(name, v, n);
	name[n] = '\0';
	sec->dialect = rt_dialect_from_name(name);
	return sec->dialect != RT_DIALECT_NONE;
}

static const struct {
	const char *name;
	const char *values; /* what the error says is expected */
	bool (*set)(rt_section *sec, const char *v, size_t n);
} options[] = {
    {"transaction", "true|false", set_transaction},
    {"dialect", "postgresql|sqlite", set_dialect},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static size_t word_end(const line *ln, size_t i)
{
	while (i < ln->len && !isspace((unsigned char)ln->s[i]))
		i++;
	return i;
}

/* Applies one "key=value" word at ln->s[i..end) to sec. */
static int section_option(parse *p, const line *ln, size_t i, size_t end, rt_section *sec,
                          bool seen[N_OPTIONS])
{
	const char *eq = memchr(ln->s + i, '=', end - i);
	size_t klen = eq ? (size_t)(eq - ln->s) - i : end - i;
	for (size_t o = 0; o < N_OPTIONS; o++) {
		if (strlen(options[o].name) != klen ||
		    strncasecmp(options[o].name, ln->s + i, klen))
			continue;
		if (seen[o])
			return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)i + 1,
			                   "section option '%s' given twice", options[o].name);
		seen[o] = true;
		if (!eq)
			return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)i + 1,
			                   "section option '%s' needs a value: expected %s=%s",
			                   options[o].name, options[o].name, options[o].values);
		size_t v = i + klen + 1;
		if (!options[o].set(sec, ln->s + v, end - v))
			return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)v + 1,
			                   "invalid value '%.*s' for section option '%s': expected "
			                   "%s=%s",
			                   (int)(end - v), ln->s + v, options[o].name,
			                   options[o].name, options[o].values);
		return 0;
	}
	return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)i + 1,
	                   "unknown section option '%.*s': expected transaction=true|false or "
	                   "dialect=postgresql|sqlite",
	                   (int)(end - i), ln->s + i);
}

/* Parses the marker line ln (directive word at offset w) into sec. */
static int parse_marker(parse *p, const line *ln, size_t w, rt_section *sec)
{
	size_t end = word_end(ln, w);
	size_t d = 0;
	while (d < 2 && (strlen(directions[d].name) != end - w ||
	                 strncasecmp(directions[d].name, ln->s + w, end - w)))
		d++;
	if (d == 2)
		return rt_error_at(p->err, RT_ERR_PARSE, p->path, ln->no, (int)w + 1,
		                   "unknown marker 'retort:%.*s': expected 'retort:upgrade' or "
		                   "'retort:downgrade'",
		                   (int)(end - w), ln->s + w);
	*sec = (rt_section){directions[d].dir, RT_DIALECT_NONE, true, NULL, 0, ln->no + 1};
	bool seen[N_OPTIONS] = {false};
	for (size_t i = skip_blanks(ln->s, end, ln->len); i < ln->len;
	     i = skip_blanks(ln->s, end, ln->len)) {
		end = word_end(ln, i);
		int rc = section_option(p, ln, i, end, sec, seen);
		if (rc)
			return rc;
	}
	for (size_t k = 0; k < p->out->n_sections; k++) {
		const rt_section *o = &p->out->sections[k];
		if (o->direction == sec->direction && o->dialect == sec->dialect)
			return rt_error_at(
			    p->err, RT_ERR_PARSE, p->path, ln->no, (int)w + 1,
			    "second %s section for %s (first on line %d, this on line %d)",
			    directions[d].name,
			    sec->dialect ? rt_dialect_name(sec->dialect) : "all dialects",
			    p->section_line[k], ln->no);
	}
	return 0;
}

static int close_section(parse *p, const char *text, size_t end)
{
	if (!p->out->n_sections)
		return 0;
	rt_section *sec = &p->out->sections[p->out->n_sections - 1];
	size_t start = (size_t)(sec->sql - text);
	if (start > end)
		start = end;
	sec->len = end - start;
	sec->sql = rt__arena_strndup(p->a, text + start, sec->len);
	return sec->sql ? 0 : nomem(p);
}

/* Appends ln to the header text with the "-- " prefix removed. */
static int header_text(parse *p, rt_buf *hdr, const line *ln)
{
	size_t i = skip_blanks(ln->s, 0, ln->len) + 2;
	if (i < ln->len && ln->s[i] == ' ')
		i++;
	int rc = hdr->len ? rt_buf_putc(hdr, '\n') : 0;
	rc = rc ? rc : rt_buf_add(hdr, ln->s + i, ln->len - i);
	return rc ? nomem(p) : 0;
}

/* A comment line before the first marker: header text, message, keys. */
static int preamble_comment(parse *p, const line *ln, rt_buf *hdr, bool in_header)
{
	size_t body = comment_body(ln);
	int rc = in_header ? header_text(p, hdr, ln) : 0;
	if (rc)
		return rc;
	if (!p->message_seen && body < ln->len) {
		size_t value;
		p->message_seen = true;
		if (header_key(ln, body, &value) == K__COUNT) {
			const char *m = ln->s + body;
			size_t mlen = ln->len - body;
			trim(&m, &mlen);
			p->out->message = rt__arena_strndup(p->a, m, mlen);
			if (!p->out->message)
				return nomem(p);
		}
	}
	return header_line(p, ln, body);
}

static int start_section(parse *p, const char *text, const line *ln, size_t w)
{
	rt_script *s = p->out;
	int rc = close_section(p, text, (size_t)(ln->s - text));
	if (rc)
		return rc;
	rt_section sec;
	rc = parse_marker(p, ln, w, &sec);
	if (rc)
		return rc;
	sec.sql = text + ln->next;
	p->section_line[s->n_sections] = ln->no;
	s->sections[s->n_sections++] = sec;
	return 0;
}

static int finish(parse *p)
{
	rt_script *s = p->out;
	if (!p->key_line[K_REVISION])
		return rt_error_at(p->err, RT_ERR_PARSE, p->path, 1, 0,
		                   "missing 'Revision ID:' header");
	if (!p->key_line[K_REVISES]) {
		rt_error_at(p->err, RT_ERR_PARSE, p->path, 1, 0, "missing 'Revises:' header");
		rt_error_hint(p->err,
		              "write '-- Revises:' with nothing after it for a root revision");
		return -RT_ERR_PARSE;
	}
	if (!s->message)
		s->message = "";
	return 0;
}

static void checksum(const char *text, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	for (size_t i = 0; i < sizeof(h); i++) {
		hex[2 * i] = digits[h[i] >> 4];
		hex[2 * i + 1] = digits[h[i] & 15];
	}
	hex[64] = '\0';
}

static int parse_lines(parse *p, const char *text, size_t len, rt_buf *hdr)
{
	size_t off = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	int state = 0; /* 0 before the header block, 1 in it, 2 after it */
	line ln;
	for (int no = 1; next_line(text, len, off, no, &ln); no++, off = ln.next) {
		size_t w;
		int rc = 0;
		if (is_marker(&ln, &w)) {
			rc = start_section(p, text, &ln, w);
		} else if (p->out->n_sections) {
			continue;
		} else if (comment_body(&ln)) {
			state = state == 0 ? 1 : state;
			rc = preamble_comment(p, &ln, hdr, state == 1);
		} else if (is_blank(&ln)) {
			state = state == 1 ? 2 : state;
		} else {
			rc = rt_error_at(p->err, RT_ERR_PARSE, p->path, no,
			                 (int)skip_blanks(ln.s, 0, ln.len) + 1,
			                 "SQL before the first section marker");
			rt_error_hint(p->err, "put '-- retort:upgrade' or '-- retort:downgrade' on "
			                      "a line of its own above the SQL");
		}
		if (rc)
			return rc;
	}
	return close_section(p, text, len);
}

int rt__script_parse(rt__arena *a, const char *path, const char *text, size_t len, rt_script *out,
                     rt_error *err)
{
	memset(out, 0, sizeof(*out));
	parse p = {.a = a, .path = path, .out = out, .err = err};
	const char *slash = strrchr(path, '/');
	out->path = rt__arena_strdup(a, path);
	out->filename = rt__arena_strdup(a, slash ? slash + 1 : path);
	out->sections = rt__arena_array(a, MAX_SECTIONS, sizeof(rt_section));
	if (!out->path || !out->filename || !out->sections)
		return nomem(&p);
	checksum(text, len, out->checksum);
	rt_buf hdr = RT_BUF_INIT;
	int rc = parse_lines(&p, text, len, &hdr);
	if (!rc) {
		out->header = rt__arena_strndup(a, hdr.data, hdr.len);
		rc = out->header ? finish(&p) : nomem(&p);
	}
	rt_buf_release(&hdr);
	return rc;
}

const rt_section *rt_script_section(const rt_script *s, rt_direction dir, rt_dialect dialect)
{
	const rt_section *generic = NULL;
	for (size_t i = 0; i < s->n_sections; i++) {
		const rt_section *sec = &s->sections[i];
		if (sec->direction != dir)
			continue;
		if (dialect != RT_DIALECT_NONE && sec->dialect == dialect)
			return sec;
		if (sec->dialect == RT_DIALECT_NONE && !generic)
			generic = sec;
	}
	return generic;
}

static int put_list(rt_buf *out, const char *key, const char *const *v, size_t n, bool always)
{
	if (!n && !always)
		return 0;
	int rc = rt_buf_printf(out, "-- %s:", key);
	for (size_t i = 0; !rc && i < n; i++)
		rc = rt_buf_printf(out, "%s%s", i ? ", " : " ", v[i]);
	return rc ? rc : rt_buf_putc(out, '\n');
}

/* The message: its first line, then any later lines as comment lines, then
 * the "--" separator. Nothing at all for an empty message. */
static int put_message(rt_buf *out, const char *msg)
{
	int rc = 0;
	size_t n = msg ? strlen(msg) : 0;
	trim(&msg, &n);
	if (!n)
		return 0;
	while (!rc && n) {
		const char *nl = memchr(msg, '\n', n);
		size_t l = nl ? (size_t)(nl - msg) : n;
		size_t shown = l;
		while (shown && isspace((unsigned char)msg[shown - 1]))
			shown--;
		rc = rt_buf_printf(out, shown ? "-- %.*s\n" : "--\n", (int)shown, msg);
		msg += nl ? l + 1 : l;
		n -= nl ? l + 1 : l;
	}
	return rc ? rc : rt_buf_puts(out, "--\n");
}

/* A body ends with a newline; an empty one is left as one empty line. */
static int put_body(rt_buf *out, const char *sql, bool separate)
{
	size_t n = sql ? strlen(sql) : 0;
	if (!n)
		return rt_buf_putc(out, '\n');
	int rc = rt_buf_add(out, sql, n);
	if (!rc && sql[n - 1] != '\n')
		rc = rt_buf_putc(out, '\n');
	return rc || !separate ? rc : rt_buf_putc(out, '\n');
}

int rt__script_render(rt_buf *out, const rt__script_spec *spec)
{
	int rc = put_message(out, spec->message);
	rc = rc ? rc : rt_buf_printf(out, "-- Revision ID: %s\n", spec->revision);
	rc = rc ? rc : put_list(out, "Revises", spec->down_revisions, spec->n_down, true);
	if (!rc && spec->create_date)
		rc = rt_buf_printf(out, "-- Create Date: %s\n", spec->create_date);
	rc = rc ? rc : put_list(out, "Branch Labels", spec->branch_labels, spec->n_labels, false);
	rc = rc ? rc : put_list(out, "Depends On", spec->depends_on, spec->n_depends, false);
	rc = rc ? rc : rt_buf_puts(out, "\n-- retort:upgrade\n");
	rc = rc ? rc : put_body(out, spec->upgrade_sql, true);
	rc = rc ? rc : rt_buf_puts(out, "-- retort:downgrade\n");
	return rc ? rc : put_body(out, spec->downgrade_sql, false);
}

char *rt__script_slug(rt__arena *a, const char *message)
{
	enum { SLUG_MAX = 40 };
	char slug[SLUG_MAX + 1];
	size_t n = 0;
	const char *m = message ? message : "";
	while (*m) {
		while (*m && !isalnum((unsigned char)*m))
			m++;
		size_t w = 0;
		while (isalnum((unsigned char)m[w]))
			w++;
		if (!w)
			break;
		size_t need = w + (n ? 1 : 0);
		if (n + need > SLUG_MAX) {
			if (n == 0) /* a single overlong word is cut inside itself */
				need = w = SLUG_MAX;
			else
				break;
		}
		if (n)
			slug[n++] = '_';
		for (size_t i = 0; i < w; i++)
			slug[n++] = (char)tolower((unsigned char)m[i]);
		m += w;
	}
	slug[n] = '\0';
	return rt__arena_strdup(a, slug);
}
