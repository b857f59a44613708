/* url.h — database URLs as SQLAlchemy users write them.
 *
 *   postgresql://user:pass@host:port/db?sslmode=...   (any libpq URI;
 *   postgres:// and postgresql+asyncpg:// / +psycopg2 / +psycopg accepted)
 *   sqlite:///relative/path.db   sqlite:////absolute/path.db
 *   sqlite://   sqlite:///:memory:   (in-memory)
 *
 * A relative SQLite path is relative to the working directory.
 */
#ifndef RETORT_URL_H
#define RETORT_URL_H

#include "retort/error.h"

typedef enum rt_dialect {
	RT_DIALECT_NONE = 0,
	RT_DIALECT_POSTGRESQL,
	RT_DIALECT_SQLITE,
} rt_dialect;

typedef struct rt_url {
	rt_dialect dialect;
	char *conninfo; /* PostgreSQL: libpq URI with the scheme normalised to
	                 * postgresql://; NULL for SQLite */
	char *path;     /* SQLite: the file path as given, or ":memory:"; NULL
	                 * for PostgreSQL */
	char *display;  /* the URL with any password replaced by "***", for
	                 * messages */
} rt_url;

/* Parses text into out (members malloc'd; release with rt_url_release).
 * Errors (RT_ERR_URL) name the problem: empty URL, unknown scheme (listing
 * the accepted ones), missing path for sqlite, what libpq rejected. */
int rt_url_parse(const char *text, rt_url *out, rt_error *err);
void rt_url_release(rt_url *url);

/* "postgresql" / "sqlite"; static strings. */
const char *rt_dialect_name(rt_dialect d);
/* Maps "postgresql"/"postgres"/"sqlite" to a dialect; RT_DIALECT_NONE if unknown. */
rt_dialect rt_dialect_from_name(const char *name);

#endif
