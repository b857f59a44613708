/* dotenv.c — `.env` parsing (see dotenv.h). Kept apart from config.c so the
 * file format is testable on its own and config.c reads like its table. */
#include "core/dotenv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Unquotes v in place. Returns NULL for an unterminated quote. */
static char *unquote(char *v)
{
	char q = v[0];
	if (q != '"' && q != '\'') {
		char *hash = strstr(v, " #"); /* an inline comment needs a space before # */
		if (hash)
			*hash = '\0';
		return trim(v);
	}
	char *out = v, *in = v + 1;
	for (; *in && *in != q; in++) {
		if (q == '"' && *in == '\\' && in[1]) {
			in++;
			*out++ = *in == 'n' ? '\n' : *in;
		} else {
			*out++ = *in;
		}
	}
	if (*in != q)
		return NULL;
	*out = '\0';
	return v;
}

static int add(core_dotenv *env, const char *key, const char *value)
{
	core_dotenv_entry *grown = realloc(env->entries, (env->n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	env->entries = grown;
	char *k = strdup(key), *v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	env->entries[env->n++] = (core_dotenv_entry){k, v};
	return 0;
}

int core_dotenv_load(core_dotenv *env, const char *path, char *err, size_t errlen)
{
	env->entries = NULL;
	env->n = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	while (!rc && getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		if (strncmp(s, "export ", 7) == 0)
			s = trim(s + 7);
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected KEY=VALUE", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *value = unquote(trim(eq + 1));
		if (!value) {
			snprintf(err, errlen, "%s:%d: unterminated quote", path, lineno);
			rc = -1;
		} else if (add(env, trim(s), value)) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	free(line);
	fclose(f);
	if (rc)
		core_dotenv_release(env);
	return rc;
}

void core_dotenv_release(core_dotenv *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->entries[i].key);
		free(env->entries[i].value);
	}
	free(env->entries);
	env->entries = NULL;
	env->n = 0;
}

const char *core_dotenv_get(const core_dotenv *env, const char *key)
{
	const char *v = getenv(key);
	if (v)
		return v;
	/* the last assignment in the file wins, as when a shell sources it */
	for (size_t i = env->n; i-- > 0;)
		if (strcmp(env->entries[i].key, key) == 0)
			return env->entries[i].value;
	return NULL;
}
