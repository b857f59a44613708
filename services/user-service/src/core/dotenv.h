/* dotenv.h — a `.env` file read the way pydantic-settings reads it:
 * KEY=VALUE lines, an optional `export ` prefix, # comments, values in
 * single or double quotes (double quotes understand \n, \" and \\). The
 * process environment always wins over the file; the file never changes the
 * environment.
 */
#ifndef CORE_DOTENV_H
#define CORE_DOTENV_H

#include <stddef.h>

typedef struct core_dotenv_entry {
	char *key;
	char *value;
} core_dotenv_entry;

typedef struct core_dotenv {
	core_dotenv_entry *entries;
	size_t n;
} core_dotenv;

/* Reads path into env (caller-allocated; release with core_dotenv_release).
 * A missing file is not an error (env is left empty). Returns 0, or -1 with
 * a message in err ("<path>:<line>: ...") for an unreadable file, a line
 * without '=' or an unterminated quote, or when out of memory. */
int core_dotenv_load(core_dotenv *env, const char *path, char *err, size_t errlen);
void core_dotenv_release(core_dotenv *env);

/* The environment's value of key, else the file's, else NULL. Borrowed:
 * valid until the environment changes or env is released. */
const char *core_dotenv_get(const core_dotenv *env, const char *key);

#endif
