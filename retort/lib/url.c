/* url.c — database URLs as SQLAlchemy users write them (see retort/url.h).
 *
 * PostgreSQL URLs are handed to libpq after the driver suffix is dropped from
 * the scheme, and libpq's own parser (PQconninfoParse) is the judge of what
 * is valid, so retort accepts exactly what libpq will connect with. SQLite
 * URLs follow SQLAlchemy's slash counting: three slashes for a relative
 * path, four for an absolute one. Passwords never reach `display`.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "retort/buf.h"
#include "retort/url.h"
#include "banned.h"

static const struct scheme {
	const char *name;
	rt_dialect dialect;
} schemes[] = {
    {"postgresql", RT_DIALECT_POSTGRESQL},
    {"postgres", RT_DIALECT_POSTGRESQL},
    {"postgresql+asyncpg", RT_DIALECT_POSTGRESQL},
    {"postgresql+psycopg2", RT_DIALECT_POSTGRESQL},
    {"postgresql+psycopg", RT_DIALECT_POSTGRESQL},
    {"postgresql+pg8000", RT_DIALECT_POSTGRESQL},
    {"sqlite", RT_DIALECT_SQLITE},
    {"sqlite+pysqlite", RT_DIALECT_SQLITE},
    {"sqlite+aiosqlite", RT_DIALECT_SQLITE},
};

#define N_SCHEMES (sizeof(schemes) / sizeof(schemes[0]))

static const struct dialect_name {
	const char *name;
	rt_dialect dialect;
} dialect_names[] = {
    {"postgresql", RT_DIALECT_POSTGRESQL},
    {"postgres", RT_DIALECT_POSTGRESQL},
    {"sqlite", RT_DIALECT_SQLITE},
};

static const char sqlite_slashes[] = "sqlite url needs three slashes: sqlite:///path (relative) "
                                     "or sqlite:////path (absolute)";

const char *rt_dialect_name(rt_dialect d)
{
	switch (d) {
	case RT_DIALECT_POSTGRESQL:
		return "postgresql";
	case RT_DIALECT_SQLITE:
		return "sqlite";
	case RT_DIALECT_NONE:
		break;
	}
	return "none";
}

rt_dialect rt_dialect_from_name(const char *name)
{
	if (!name)
		return RT_DIALECT_NONE;
	for (size_t i = 0; i < sizeof(dialect_names) / sizeof(dialect_names[0]); i++)
		if (!strcasecmp(name, dialect_names[i].name))
			return dialect_names[i].dialect;
	return RT_DIALECT_NONE;
}

void rt_url_release(rt_url *url)
{
	if (!url)
		return;
	free(url->conninfo);
	free(url->path);
	free(url->display);
	memset(url, 0, sizeof(*url));
}

/* Length of an RFC 3986 scheme followed by ':', or 0 when text has none. */
static size_t scheme_length(const char *text)
{
	if (!isalpha((unsigned char)text[0]))
		return 0;
	size_t n = 1;
	while (isalnum((unsigned char)text[n]) || text[n] == '+' || text[n] == '-' ||
	       text[n] == '.')
		n++;
	return text[n] == ':' ? n : 0;
}

static const struct scheme *find_scheme(const char *text, size_t len)
{
	for (size_t i = 0; i < N_SCHEMES; i++)
		if (strlen(schemes[i].name) == len && !strncasecmp(text, schemes[i].name, len))
			return &schemes[i];
	return NULL;
}

/* Replaces the value of every password=... query parameter in q (the text
 * after '?') by "***". */
static int mask_query(rt_buf *b, const char *q)
{
	int rc = 0;
	while (*q && !rc) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		if (eq && (size_t)(eq - q) == 8 && !strncmp(q, "password", 8)) {
			rc = rt_buf_puts(b, "password=***");
		} else {
			rc = rt_buf_add(b, q, len);
		}
		q += len;
		if (*q == '&' && !rc)
			rc = rt_buf_putc(b, *q++);
	}
	return rc;
}

/* text with the password of user:password@ and of ?password= replaced by
 * "***". The userinfo ends at the first '@' before any '/', as libpq reads it. */
static char *mask_password(const char *text)
{
	rt_buf b = RT_BUF_INIT;
	const char *auth = strstr(text, "//");
	const char *at = auth ? auth + 2 + strcspn(auth + 2, "@/") : NULL;
	const char *q;
	int rc = 0;
	if (at && *at == '@') {
		const char *colon = memchr(auth + 2, ':', (size_t)(at - auth - 2));
		if (colon && colon + 1 < at) {
			rc = rt_buf_add(&b, text, (size_t)(colon + 1 - text));
			if (!rc)
				rc = rt_buf_puts(&b, "***");
			text = at;
		}
	}
	q = auth ? strchr(text > auth ? text : auth, '?') : NULL;
	if (!rc && q) {
		rc = rt_buf_add(&b, text, (size_t)(q + 1 - text));
		if (!rc)
			rc = mask_query(&b, q + 1);
	} else if (!rc) {
		rc = rt_buf_puts(&b, text);
	}
	if (rc) {
		rt_buf_release(&b);
		return NULL;
	}
	return rt_buf_detach(&b);
}

/* A libpq message without its trailing newline. */
static void chomp(char *msg)
{
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
}

static int parse_postgresql(const char *rest, rt_url *out, rt_error *err)
{
	if (strncmp(rest, "//", 2))
		return rt_error_set(err, RT_ERR_URL,
		                    "postgresql url needs '//' after the scheme: "
		                    "postgresql://user:password@host:port/dbname");
	size_t len = strlen(rest);
	out->conninfo = malloc(len + sizeof("postgresql:"));
	if (!out->conninfo)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	memcpy(out->conninfo, "postgresql:", sizeof("postgresql:") - 1);
	memcpy(out->conninfo + sizeof("postgresql:") - 1, rest, len + 1);

	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(out->conninfo, &msg);
	if (opts) {
		PQconninfoFree(opts);
		return 0;
	}
	if (!msg)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	chomp(msg);
	int rc =
	    rt_error_set(err, RT_ERR_URL, "invalid postgresql url '%s': %s", out->display, msg);
	if (strstr(msg, "query parameter"))
		rt_error_hint(err, "only libpq's parameters are accepted in the query string "
		                   "(e.g. sslmode=require, not ssl=require)");
	PQfreemem(msg);
	return rc;
}

/* rest is the text after "sqlite:". The host part must be empty; the path
 * follows the third slash and ends at any query string. */
static int parse_sqlite(const char *rest, rt_url *out, rt_error *err)
{
	if (strncmp(rest, "//", 2)) {
		int rc = rt_error_set(err, RT_ERR_URL, "%s", sqlite_slashes);
		rt_error_detail(err, "got '%s'", out->display);
		return rc;
	}
	rest += 2;
	size_t host = strcspn(rest, "/?");
	if (host) {
		int rc = rt_error_set(err, RT_ERR_URL, "%s", sqlite_slashes);
		rt_error_detail(err, "got '%s': '%.*s' would be a host name", out->display,
		                (int)host, rest);
		return rc;
	}
	const char *path = rest[0] == '/' ? rest + 1 : rest + strlen(rest);
	size_t plen = strcspn(path, "?");
	if (plen == 0 || (plen == 8 && !strncmp(path, ":memory:", 8)))
		out->path = strdup(":memory:");
	else
		out->path = strndup(path, plen);
	if (!out->path)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	return 0;
}

static int unsupported_scheme(const char *text, size_t slen, rt_error *err)
{
	int rc = rt_error_set(err, RT_ERR_URL,
	                      "unsupported database url scheme '%.*s' (expected postgresql, "
	                      "postgres, postgresql+asyncpg or sqlite)",
	                      (int)slen, text);
	rt_buf all = RT_BUF_INIT;
	for (size_t i = 0; i < N_SCHEMES; i++)
		if (rt_buf_printf(&all, "%s%s", i ? ", " : "", schemes[i].name))
			break;
	rt_error_hint(err, "accepted schemes: %s", all.data);
	rt_buf_release(&all);
	return rc;
}

int rt_url_parse(const char *text, rt_url *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return rt_error_set(err, RT_ERR_URL, "database url is empty");
	out->display = mask_password(text);
	if (!out->display)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");

	int rc;
	size_t slen = scheme_length(text);
	const struct scheme *s = slen ? find_scheme(text, slen) : NULL;
	if (!slen)
		rc = rt_error_set(err, RT_ERR_URL,
		                  "database url '%s' has no scheme (expected postgresql://... or "
		                  "sqlite:///...)",
		                  out->display);
	else if (!s)
		rc = unsupported_scheme(text, slen, err);
	else if (s->dialect == RT_DIALECT_POSTGRESQL)
		rc = parse_postgresql(text + slen + 1, out, err);
	else
		rc = parse_sqlite(text + slen + 1, out, err);
	if (rc) {
		rt_url_release(out);
		return rc;
	}
	out->dialect = s->dialect;
	return 0;
}
