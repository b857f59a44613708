/* config.c — retort.ini: the [retort] section, ${VAR} expansion and .env.
 *
 * The file is read line by line like Python's configparser with `;`/`#`
 * comments (inline ones need whitespace before them); other sections are
 * skipped so an ini shared with other tools works. Values expand ${VAR} and
 * ${VAR:-default} (default used when VAR is unset or empty, and may itself
 * hold ${...}); `$$` is a literal `$`. Variables come from the process
 * environment, then from `.env` beside the config, read on first need and
 * never exported: the library does not modify the environment.
 *
 * Everything a config returns lives in the one arena the config owns; the
 * file text and .env entries live in a scratch arena dropped after loading.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "retort/buf.h"
#include "retort/config.h"
#include "ownership.h"
#include "util/arena.h"
#include "util/fs.h"
#include "banned.h"

#define DEFAULT_VERSION_TABLE "retort_version"
#define MAX_IDENT             63
#define MAX_NESTING           16

typedef struct entry {
	char *key; /* lowercased */
	char *value;
	int line; /* 0 for rt_config_new */
} entry;

struct rt_config {
	rt__arena arena;
	const char *path;
	const char *script_location;
	const char *versions_dir;
	const char *models;
	const char *database_url;
	const char *version_table;
	rt__ownership owned;
	entry *entries;
	size_t n_entries, cap_entries;
};

typedef struct dotenv_var {
	char *key, *value;
} dotenv_var;

/* State of one rt_config_load. */
typedef struct loader {
	rt_config *cfg;
	const char *path;
	const char *dir; /* of the config file */
	rt__arena scratch;
	dotenv_var *env;
	size_t n_env, cap_env;
	bool env_loaded;
	int line;
	const char *line_start; /* of the current line, for columns */
	rt_error *err;
} loader;

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
}

static rt_config *config_alloc(void)
{
	rt__arena a;
	rt__arena_init(&a);
	rt_config *cfg = rt__arena_alloc(&a, sizeof(*cfg));
	if (!cfg) {
		rt__arena_release(&a);
		return NULL;
	}
	cfg->arena = a; /* from here on only &cfg->arena is used */
	return cfg;
}

void rt_config_free(rt_config *cfg)
{
	if (!cfg)
		return;
	rt__arena a = cfg->arena; /* cfg itself lives in the arena */
	rt__arena_release(&a);
}

static entry *find_entry(const rt_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n_entries; i++)
		if (!strcasecmp(cfg->entries[i].key, key))
			return &cfg->entries[i];
	return NULL;
}

static int add_entry(rt_config *cfg, const char *key, size_t klen, const char *value, int line)
{
	rt__arena *a = &cfg->arena;
	if (cfg->n_entries == cfg->cap_entries) {
		entry *grown = rt__arena_grow(a, cfg->entries, cfg->n_entries, &cfg->cap_entries,
		                              sizeof(*grown));
		if (!grown)
			return -RT_ERR_NOMEM;
		cfg->entries = grown;
	}
	entry *e = &cfg->entries[cfg->n_entries];
	e->key = rt__arena_strndup(a, key, klen);
	e->value = rt__arena_strdup(a, value);
	if (!e->key || !e->value)
		return -RT_ERR_NOMEM;
	for (char *p = e->key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	e->line = line;
	cfg->n_entries++;
	return 0;
}

/* ---- text helpers ---------------------------------------------------- */

/* Trims [*s, *s + *len) of surrounding whitespace in place. */
static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static size_t ident_length(const char *s, size_t len)
{
	size_t n = 0;
	if (!len || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (n < len && (isalnum((unsigned char)s[n]) || s[n] == '_'))
		n++;
	return n;
}

/* Length of the value before an inline comment: `;` or `#` after whitespace. */
static size_t before_comment(const char *s, size_t len, const char *marks)
{
	for (size_t i = 1; i < len; i++)
		if (strchr(marks, s[i]) && isspace((unsigned char)s[i - 1]))
			return i;
	return len;
}

/* ---- .env ------------------------------------------------------------ */

/* The value part of a .env line: quotes stripped (double quotes honour the
 * usual backslash escapes), or an unquoted value cut at ` #`. */
static char *dotenv_value(rt__arena *a, const char *v, size_t len)
{
	trim(&v, &len);
	char q = len ? v[0] : '\0';
	const char *close = q == '\'' ? memchr(v + 1, q, len - 1) : NULL;
	if (q == '"') {
		/* the closing quote is the first one not escaped */
		for (close = v + 1; close < v + len && *close != '"'; close++)
			if (*close == '\\' && close + 1 < v + len)
				close++;
		if (close >= v + len)
			close = NULL;
	}
	if (!close) {
		len = before_comment(v, len, "#");
		trim(&v, &len);
		return rt__arena_strndup(a, v, len);
	}
	char *out = rt__arena_strndup(a, v + 1, (size_t)(close - v - 1));
	if (!out || q == '\'')
		return out;
	static const char esc_from[] = "nrt\\\"'", esc_to[] = "\n\r\t\\\"'";
	char *w = out;
	for (const char *r = out; *r; r++) {
		const char *e = r[0] == '\\' && r[1] ? strchr(esc_from, r[1]) : NULL;
		if (e) {
			*w++ = esc_to[e - esc_from];
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return out;
}

static int dotenv_line(loader *ld, const char *s, size_t len)
{
	trim(&s, &len);
	if (!len || s[0] == '#')
		return 0;
	if (len > 7 && !strncmp(s, "export", 6) && isspace((unsigned char)s[6])) {
		s += 7;
		len -= 7;
		trim(&s, &len);
	}
	const char *eq = memchr(s, '=', len);
	if (!eq)
		return 0; /* as python-dotenv: a bare KEY has no value */
	const char *key = s;
	size_t klen = (size_t)(eq - s);
	trim(&key, &klen);
	if (!klen)
		return 0;
	if (ld->n_env == ld->cap_env) {
		dotenv_var *grown =
		    rt__arena_grow(&ld->scratch, ld->env, ld->n_env, &ld->cap_env, sizeof(*grown));
		if (!grown)
			return nomem(ld->err);
		ld->env = grown;
	}
	dotenv_var *var = &ld->env[ld->n_env];
	var->key = rt__arena_strndup(&ld->scratch, key, klen);
	var->value = dotenv_value(&ld->scratch, eq + 1, (size_t)(s + len - eq - 1));
	if (!var->key || !var->value)
		return nomem(ld->err);
	ld->n_env++;
	return 0;
}

static int dotenv_load(loader *ld)
{
	ld->env_loaded = true;
	char *path = rt__fs_join(&ld->scratch, ld->dir, ".env");
	if (!path)
		return nomem(ld->err);
	if (!rt__fs_exists(path))
		return 0;
	char *data = NULL;
	size_t len = 0;
	int rc = rt__fs_read(&ld->scratch, path, &data, &len, ld->err);
	for (const char *p = data, *end = data + len; !rc && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		rc = dotenv_line(ld, p, n);
		p += n + 1;
	}
	return rc;
}

/* The environment wins over .env; within .env the last assignment wins. */
static int lookup(loader *ld, const char *name, const char **value)
{
	*value = getenv(name);
	if (*value)
		return 0;
	if (!ld->env_loaded) {
		int rc = dotenv_load(ld);
		if (rc)
			return rc;
	}
	for (size_t i = ld->n_env; i-- > 0;)
		if (!strcmp(ld->env[i].key, name)) {
			*value = ld->env[i].value;
			break;
		}
	return 0;
}

/* ---- ${VAR} expansion ------------------------------------------------- */

/* Index of the '}' closing the "${" at s[0], or len when there is none. */
static size_t closing_brace(const char *s, size_t len)
{
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			depth++;
			i++;
		} else if (s[i] == '}' && --depth == 0) {
			return i;
		}
	}
	return len;
}

static int expand(loader *ld, const char *s, size_t len, int col, int depth, rt_buf *out);

/* Expands the reference ${...} spanning s[0..end]. */
static int expand_ref(loader *ld, const char *s, size_t end, int col, int depth, rt_buf *out)
{
	const char *name = s + 2;
	size_t nlen = ident_length(name, end - 2);
	const char *after = name + nlen;
	bool has_default = after[0] == ':' && after[1] == '-' && after + 2 <= s + end;
	if (!nlen || (after != s + end && !has_default))
		return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, col,
		                   "bad variable reference '%.*s' (expected ${NAME} or "
		                   "${NAME:-default})",
		                   (int)end + 1, s);
	char *var = rt__arena_strndup(&ld->scratch, name, nlen);
	const char *value;
	int rc = var ? lookup(ld, var, &value) : nomem(ld->err);
	if (rc)
		return rc;
	if (has_default && (!value || !*value)) {
		if (depth >= MAX_NESTING)
			return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, col,
			                   "variable defaults nested too deeply");
		const char *def = after + 2;
		return expand(ld, def, (size_t)(s + end - def), col + (int)(def - s), depth + 1,
		              out);
	}
	if (!value) {
		rc = rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, col,
		                 "undefined variable '%s'", var);
		rt_error_hint(ld->err,
		              "set %s in the environment or in .env beside %s, or write "
		              "${%s:-default}",
		              var, ld->path, var);
		return rc;
	}
	return rt_buf_puts(out, value) ? nomem(ld->err) : 0;
}

/* Appends s[0..len) to out with references expanded; col is the 1-based
 * column of s[0] in the config line, for errors. */
static int expand(loader *ld, const char *s, size_t len, int col, int depth, rt_buf *out)
{
	for (size_t i = 0; i < len; i++) {
		int rc = 0;
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '$') {
			rc = rt_buf_putc(out, '$') ? nomem(ld->err) : 0;
			i++;
		} else if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			size_t end = closing_brace(s + i, len - i);
			if (end == len - i)
				return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line,
				                   col + (int)i, "unterminated '${' in value");
			rc = expand_ref(ld, s + i, end, col + (int)i, depth, out);
			i += end;
		} else {
			rc = rt_buf_putc(out, s[i]) ? nomem(ld->err) : 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the ini file ----------------------------------------------------- */

static int ini_key_value(loader *ld, const char *line, size_t len)
{
	const char *s = line;
	size_t sep = 0;
	while (sep < len && s[sep] != '=' && s[sep] != ':')
		sep++;
	if (sep == len)
		return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, 1,
		                   "malformed line in [retort]: expected 'key = value'");
	const char *key = s;
	size_t klen = sep;
	trim(&key, &klen);
	if (!klen)
		return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, 1,
		                   "missing key before '%c'", s[sep]);
	char *k = rt__arena_strndup(&ld->scratch, key, klen);
	if (!k)
		return nomem(ld->err);
	const entry *dup = find_entry(ld->cfg, k);
	if (dup)
		return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, 1,
		                   "duplicate key '%s' in [retort] (first set on line %d)", k,
		                   dup->line);
	const char *v = s + sep + 1;
	size_t vlen = before_comment(v, len - sep - 1, ";#");
	trim(&v, &vlen);
	rt_buf value = RT_BUF_INIT;
	int rc = expand(ld, v, vlen, (int)(v - ld->line_start) + 1, 0, &value);
	if (!rc && add_entry(ld->cfg, key, klen, value.data, ld->line))
		rc = nomem(ld->err);
	rt_buf_release(&value);
	return rc;
}

/* One line, already trimmed. *section: -1 before any header, 1 inside
 * [retort], 0 inside another section. */
static int ini_line(loader *ld, const char *s, size_t len, int *section, bool *seen)
{
	if (!len || s[0] == ';' || s[0] == '#')
		return 0;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, 1,
			                   "unterminated section header (expected [name])");
		const char *name = s + 1;
		size_t nlen = (size_t)(close - name);
		trim(&name, &nlen);
		*section = nlen == 6 && !strncasecmp(name, "retort", 6);
		*seen = *seen || *section;
		return 0;
	}
	if (*section < 0)
		return rt_error_at(ld->err, RT_ERR_CONFIG, ld->path, ld->line, 1,
		                   "expected a section header such as [retort] before this line");
	return *section ? ini_key_value(ld, s, len) : 0;
}

static int ini_parse(loader *ld, const char *data, size_t len)
{
	int section = -1;
	bool seen = false;
	ld->line = 0;
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *s = p;
		size_t slen = n;
		ld->line++;
		ld->line_start = p;
		trim(&s, &slen);
		int rc = ini_line(ld, s, slen, &section, &seen);
		if (rc)
			return rc;
		p += n + 1;
	}
	if (!seen)
		return rt_error_set(ld->err, RT_ERR_CONFIG, "no [retort] section in '%s'",
		                    ld->path);
	return 0;
}

/* ---- resolution ------------------------------------------------------- */

static bool plain_identifier(const char *s)
{
	size_t len = strlen(s);
	return len <= MAX_IDENT && ident_length(s, len) == len && len > 0;
}

static const char *value_of(const rt_config *cfg, const char *key)
{
	const entry *e = find_entry(cfg, key);
	return e && e->value[0] ? e->value : NULL;
}

/* Parses the glob list of key (include_tables / exclude_tables), if set. */
static int resolve_globs(rt_config *cfg, const char *key, rt__globs *out, rt_error *err)
{
	const entry *e = find_entry(cfg, key);
	const char *why;
	int rc = e ? rt__globs_parse(&cfg->arena, e->value, out, &why) : 0;
	if (rc == -RT_ERR_NOMEM)
		return nomem(err);
	if (!rc)
		return 0;
	rc = rt_error_at(err, RT_ERR_CONFIG, cfg->path[0] ? cfg->path : NULL, e->line, 0,
	                 "invalid %s '%s': %s", key, e->value, why);
	rt_error_hint(err, "write %s = GLOB, GLOB, ... (for example: users, student_*)", key);
	return rc;
}

/* Fills the accessors' fields from the entries. dir is the config file's
 * directory (NULL: paths are taken as given). */
static int resolve(rt_config *cfg, const char *dir, const char *url_override, rt_error *err)
{
	rt__arena *a = &cfg->arena;
	const char *path = cfg->path[0] ? cfg->path : NULL;
	const char *script = value_of(cfg, "script_location");
	if (!script) {
		/* the message names the file, so no location is recorded */
		int rc = path ? rt_error_set(err, RT_ERR_CONFIG,
		                             "missing script_location in [retort] of '%s'", path)
		              : rt_error_set(err, RT_ERR_CONFIG, "missing script_location");
		rt_error_hint(err, "add 'script_location = migrations' to the [retort] section");
		return rc;
	}
	const char *models = value_of(cfg, "models");
	const char *table = value_of(cfg, "version_table");
	const char *url = url_override ? url_override : value_of(cfg, "database_url");
	cfg->script_location = rt__fs_join(a, dir, script);
	cfg->versions_dir =
	    cfg->script_location ? rt__fs_join(a, cfg->script_location, "versions") : NULL;
	cfg->models = models ? rt__fs_join(a, dir, models) : NULL;
	cfg->database_url = url && *url ? rt__arena_strdup(a, url) : NULL;
	cfg->version_table = table ? table : DEFAULT_VERSION_TABLE;
	if (!cfg->versions_dir || (models && !cfg->models) || (url && *url && !cfg->database_url))
		return nomem(err);
	if (!plain_identifier(cfg->version_table)) {
		const entry *e = find_entry(cfg, "version_table");
		return rt_error_at(err, RT_ERR_CONFIG, path, e ? e->line : 0, 0,
		                   "invalid version_table '%s': expected a plain identifier "
		                   "(letters, digits and _, not starting with a digit, at most %d "
		                   "characters)",
		                   cfg->version_table, MAX_IDENT);
	}
	cfg->owned.version_table = cfg->version_table;
	int rc = resolve_globs(cfg, "include_tables", &cfg->owned.include, err);
	return rc ? rc : resolve_globs(cfg, "exclude_tables", &cfg->owned.exclude, err);
}

int rt_config_load(const char *path, const char *url_override, rt_config **out, rt_error *err)
{
	*out = NULL;
	rt_config *cfg = config_alloc();
	if (!cfg)
		return nomem(err);
	loader ld = {.cfg = cfg, .path = path, .err = err};
	rt__arena_init(&ld.scratch);
	char *data = NULL;
	size_t len = 0;
	int rc = 0;
	cfg->path = rt__arena_strdup(&cfg->arena, path);
	ld.dir = rt__fs_dirname(&cfg->arena, path);
	if (!cfg->path || !ld.dir)
		rc = nomem(err);
	if (!rc && (rc = rt__fs_read(&ld.scratch, path, &data, &len, err)) != 0 &&
	    !rt__fs_exists(path))
		rt_error_hint(err, "run 'retort init migrations' to create one, or pass -c FILE");
	if (!rc)
		rc = ini_parse(&ld, data, len);
	if (!rc)
		rc = resolve(cfg, ld.dir, url_override, err);
	rt__arena_release(&ld.scratch);
	if (rc) {
		rt_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int rt_config_new(const char *script_location, const char *database_url, rt_config **out,
                  rt_error *err)
{
	*out = NULL;
	rt_config *cfg = config_alloc();
	if (!cfg)
		return nomem(err);
	int rc = 0;
	cfg->path = "";
	if (script_location && add_entry(cfg, "script_location", 15, script_location, 0))
		rc = nomem(err);
	if (!rc && database_url && add_entry(cfg, "database_url", 12, database_url, 0))
		rc = nomem(err);
	if (!rc)
		rc = resolve(cfg, NULL, NULL, err);
	if (rc) {
		rt_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

const char *rt_config_path(const rt_config *cfg)
{
	return cfg->path;
}

const char *rt_config_script_location(const rt_config *cfg)
{
	return cfg->script_location;
}

const char *rt_config_versions_dir(const rt_config *cfg)
{
	return cfg->versions_dir;
}

const char *rt_config_models(const rt_config *cfg)
{
	return cfg->models;
}

const char *rt_config_database_url(const rt_config *cfg)
{
	return cfg->database_url;
}

const char *rt_config_version_table(const rt_config *cfg)
{
	return cfg->version_table;
}

bool rt_config_owns_table(const rt_config *cfg, const char *schema, const char *table)
{
	return rt__table_owned(&cfg->owned, schema, table);
}

const char *rt_config_get(const rt_config *cfg, const char *key)
{
	const entry *e = find_entry(cfg, key);
	return e ? e->value : NULL;
}
