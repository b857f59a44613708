/* ini_edit.c — see ini_edit.h. One pass over the lines: find the section
 * and, inside it, the key's line; then rebuild the text from three pieces
 * (before the edit point, the new or changed line, after it). The line
 * grammar is config.c's: `;`/`#` comment lines, `[name]` headers, `key =
 * value` or `key: value` with inline comments after whitespace. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "ini_edit.h"
#include "util/arena.h"
#include "util/fs.h"
#include "banned.h"

typedef struct span {
	size_t start, len; /* offsets into the text */
} span;

/* Where the edit goes: value (replace those bytes), or insert_at (add a
 * line there), or neither (append a section). */
typedef struct edit_point {
	bool found_key;
	span value;          /* the old value, without spaces and inline comment */
	bool in_section;     /* the section exists */
	size_t insert_at;    /* start of the line after the section's last key */
	bool need_newline;   /* insert_at is the end of a text lacking a final \n */
	const char *newline; /* "\r\n" when the file uses CRLF */
} edit_point;

static size_t skip_space(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t trim_end(const char *s, size_t start, size_t end)
{
	while (end > start && isspace((unsigned char)s[end - 1]))
		end--;
	return end;
}

/* Section name of a header line [start, end), or false when not one. */
static bool header_is(const char *t, size_t start, size_t end, const char *section, bool *is)
{
	if (start >= end || t[start] != '[')
		return false;
	const char *close = memchr(t + start, ']', end - start);
	if (!close)
		return false;
	size_t a = skip_space(t, start + 1, (size_t)(close - t));
	size_t b = trim_end(t, a, (size_t)(close - t));
	*is = b - a == strlen(section) && !strncasecmp(t + a, section, b - a);
	return true;
}

/* For a key line [start, end): is it key? Fills the value span. */
static bool key_line(const char *t, size_t start, size_t end, const char *key, span *value)
{
	size_t sep = start;
	while (sep < end && t[sep] != '=' && t[sep] != ':')
		sep++;
	if (sep == end)
		return false;
	size_t kend = trim_end(t, start, sep);
	if (kend - start != strlen(key) || strncasecmp(t + start, key, kend - start))
		return false;
	size_t v = skip_space(t, sep + 1, end), vend = end;
	for (size_t i = v + 1; i < end; i++) {
		if ((t[i] == ';' || t[i] == '#') && isspace((unsigned char)t[i - 1])) {
			vend = i;
			break;
		}
	}
	vend = trim_end(t, v, vend);
	*value = (span){v, vend - v};
	return true;
}

static void find_point(const char *t, const char *section, const char *key, edit_point *ep)
{
	size_t len = strlen(t);
	bool inside = false;
	memset(ep, 0, sizeof(*ep));
	ep->newline = strstr(t, "\r\n") ? "\r\n" : "\n";
	for (size_t p = 0; p < len;) {
		const char *nl = memchr(t + p, '\n', len - p);
		size_t next = nl ? (size_t)(nl - t) + 1 : len;
		size_t s = skip_space(t, p, next), e = trim_end(t, s, next);
		bool is = false;
		if (header_is(t, s, e, section, &is)) {
			inside = is;
			if (is && !ep->found_key) {
				ep->in_section = true;
				ep->insert_at = next;
				ep->need_newline = !nl;
			}
		} else if (inside && s < e && t[s] != ';' && t[s] != '#') {
			span v;
			if (key_line(t, s, e, key, &v)) {
				ep->found_key = true;
				ep->value = v;
			}
			if (!ep->found_key) {
				ep->insert_at = next;
				ep->need_newline = !nl;
			}
		}
		p = next;
	}
}

int rt__ini_edit(const char *text, const char *section, const char *key, const char *value,
                 rt_buf *out, rt_error *err)
{
	if (strpbrk(value, "\r\n"))
		return rt_error_set(err, RT_ERR_USAGE, "a value for '%s' cannot hold a newline",
		                    key);
	edit_point ep;
	find_point(text, section, key, &ep);
	size_t len = strlen(text);
	int rc;
	if (ep.found_key) {
		rc = rt_buf_add(out, text, ep.value.start);
		rc = rc ? rc : rt_buf_puts(out, value);
		rc = rc ? rc : rt_buf_puts(out, text + ep.value.start + ep.value.len);
	} else if (ep.in_section) {
		rc = rt_buf_add(out, text, ep.insert_at);
		if (!rc && ep.need_newline)
			rc = rt_buf_puts(out, ep.newline);
		rc = rc ? rc : rt_buf_printf(out, "%s = %s%s", key, value, ep.newline);
		rc = rc ? rc : rt_buf_puts(out, text + ep.insert_at);
	} else {
		rc = rt_buf_puts(out, text);
		if (!rc && len && text[len - 1] != '\n')
			rc = rt_buf_puts(out, ep.newline);
		rc = rc ? rc
		        : rt_buf_printf(out, "%s[%s]%s%s = %s%s", len ? ep.newline : "", section,
		                        ep.newline, key, value, ep.newline);
	}
	return rc ? rt_error_set(err, RT_ERR_NOMEM, "out of memory") : 0;
}

int rt__ini_set(const char *path, const char *section, const char *key, const char *value,
                rt_error *err)
{
	rt__arena a;
	rt__arena_init(&a);
	char *text;
	size_t len;
	rt_buf out = RT_BUF_INIT;
	int rc = rt__fs_read(&a, path, &text, &len, err);
	if (!rc && memchr(text, '\0', len))
		rc = rt_error_set(err, RT_ERR_CONFIG, "'%s' holds a NUL byte", path);
	rc = rc ? rc : rt__ini_edit(text, section, key, value, &out, err);
	rc = rc ? rc : rt__fs_replace(path, out.data, out.len, err);
	rt_buf_release(&out);
	rt__arena_release(&a);
	return rc;
}
