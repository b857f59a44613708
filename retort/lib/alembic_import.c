/* alembic_import.c — an Alembic history, read by Alembic itself.
 *
 * Why ask Alembic rather than parse the scripts: a revision script is a
 * Python module, and its revision, down_revision (a string, a tuple for a
 * merge, None), branch_labels and depends_on (which may name a branch
 * label) are Python values that may be computed; only Alembic's
 * ScriptDirectory reads them exactly as `alembic upgrade` does. And the SQL
 * bodies can only come from running upgrade()/downgrade() anyway.
 *
 * The SQL is Alembic's offline mode (what `alembic upgrade A:B --sql`
 * prints), run per revision: the helper below enters Alembic's
 * EnvironmentContext with as_sql=True and runs the project's env.py, as the
 * `--sql` command does, but hands the migration context exactly one step
 * (this revision, up or down) instead of a planned range. A range would
 * not isolate one revision: `upgrade A:M --sql` for a merge M pulls in the
 * other parent's branch, and a depends_on target is upgraded along. The
 * step's function is wrapped so that only what upgrade()/downgrade() emit
 * is kept: Alembic's CREATE/INSERT/UPDATE/DELETE/DROP of its version table
 * and the BEGIN/COMMIT around them are written outside it and dropped,
 * since retort keeps its own version table.
 *
 * The helper (Python, below) prints one record per line, tab-separated,
 * fields escaped (\\ \n \t); the protocol is private to this file.
 * Branch labels are the module's own: Alembic's Script.branch_labels also
 * holds the labels a revision inherits from its branch.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alembic_import.h"
#include "retort/buf.h"
#include "util/fs.h"
#include "util/spawn.h"
#include "banned.h"

/* argv: script_dir; the environment: DATABASE_URL. Records: revision ID PATH, down ID,
 * label L, depends ID, message M, date D, upgrade SQL, downgrade SQL, end;
 * then version_table NAME; or error KIND MESSAGE (exit 3). stdout and fd 1
 * of the env.py's own prints go to stderr; the records to a copy of fd 1. */
/* clang-format off */
static const char helper_py[] =
    "import functools, os, re, sys\n"
    "proto = os.fdopen(os.dup(1), \"w\")\n"
    "os.dup2(2, 1)\n"
    "sys.stdout = sys.stderr\n"
    "BS, NL, TAB = chr(92), chr(10), chr(9)\n"
    "def put(*fields):\n"
    "    esc = lambda s: str(s).replace(BS, BS + BS).replace(NL, BS + \"n\").replace(TAB, BS + \"t\")\n"
    "    proto.write(TAB.join(esc(f) for f in fields) + NL)\n"
    "def fail(kind, msg):\n"
    "    put(\"error\", kind, msg)\n"
    "    proto.flush()\n"
    "    os._exit(3)\n"
    "try:\n"
    "    from alembic.config import Config\n"
    "    from alembic.runtime.environment import EnvironmentContext\n"
    "    from alembic.runtime.migration import RevisionStep\n"
    "    from alembic.script import ScriptDirectory\n"
    "except ImportError as e:\n"
    "    fail(\"noalembic\", str(e))\n"
    "script_dir, url = os.path.abspath(sys.argv[1]), os.environ[\"DATABASE_URL\"]\n"
    "ini = os.path.join(os.path.dirname(script_dir), \"alembic.ini\")\n"
    "cfg = Config(ini if os.path.isfile(ini) else None)\n"
    "if cfg.config_file_name is None:\n"
    "    cfg.set_main_option(\"prepend_sys_path\", \".\")\n"
    "cfg.set_main_option(\"script_location\", script_dir)\n"
    "cfg.set_main_option(\"sqlalchemy.url\", url.replace(\"%\", \"%%\"))\n"
    "os.chdir(os.path.dirname(script_dir))\n"
    "version_table = []\n"
    "def tup(v):\n"
    "    return () if v is None else (v,) if isinstance(v, str) else tuple(v)\n"
    "class Sink:\n"
    "    def __init__(self):\n"
    "        self.on, self.parts = False, []\n"
    "    def write(self, text):\n"
    "        if self.on:\n"
    "            self.parts.append(text)\n"
    "    def flush(self):\n"
    "        pass\n"
    "def one_step(sc, upgrade, sink):\n"
    "    step = RevisionStep(script.revision_map, sc, upgrade)\n"
    "    body = step.migration_fn\n"
    "    @functools.wraps(body)\n"
    "    def captured(**kw):\n"
    "        sink.on = True\n"
    "        try:\n"
    "            body(**kw)\n"
    "        finally:\n"
    "            sink.on = False\n"
    "    step.migration_fn = captured\n"
    "    def fn(heads, context):\n"
    "        version_table[:] = [context.version_table]\n"
    "        return [step]\n"
    "    return fn\n"
    "def offline_sql(sc, upgrade):\n"
    "    sink = Sink()\n"
    "    start = tup(sc.down_revision) if upgrade else (sc.revision,)\n"
    "    with EnvironmentContext(cfg, script, fn=one_step(sc, upgrade, sink), as_sql=True,\n"
    "                            starting_rev=start or None, destination_rev=sc.revision,\n"
    "                            output_buffer=sink):\n"
    "        script.run_env()\n"
    "    return \"\".join(sink.parts)\n"
    "try:\n"
    "    script = ScriptDirectory.from_config(cfg)\n"
    "    revs = list(script.walk_revisions())\n"
    "    revs.reverse()\n"
    "    for sc in revs:\n"
    "        put(\"revision\", sc.revision, sc.path)\n"
    "        for d in tup(sc.down_revision):\n"
    "            put(\"down\", d)\n"
    "        for label in sorted(tup(getattr(sc.module, \"branch_labels\", None))):\n"
    "            put(\"label\", label)\n"
    "        for d in tup(sc.dependencies):\n"
    "            put(\"depends\", script.get_revision(d).revision)\n"
    "        put(\"message\", sc.doc)\n"
    "        m = re.search(r\"^Create Date: *(.*)$\", sc.longdoc, re.M)\n"
    "        if m:\n"
    "            put(\"date\", m.group(1).strip())\n"
    "        put(\"upgrade\", offline_sql(sc, True))\n"
    "        put(\"downgrade\", offline_sql(sc, False))\n"
    "        put(\"end\")\n"
    "    put(\"version_table\", version_table[0] if version_table else \"alembic_version\")\n"
    "except Exception as e:\n"
    "    fail(\"alembic\", \"%s: %s\" % (type(e).__name__, e))\n"
    "proto.flush()\n";
/* clang-format on */

#define HELPER_OUTPUT_LIMIT (64u << 20) /* the whole history's SQL */

typedef struct reader {
	rt__arena *a;
	rt__alembic_history *h;
	size_t cap;
	rt__alembic_rev *cur; /* between "revision" and "end" */
	rt_error *err;
} reader;

static int nomem(rt_error *err)
{
	return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
}

/* Unescapes field [s, s + len) into an arena string. */
static char *unescape(rt__arena *a, const char *s, size_t len)
{
	char *out = rt__arena_alloc(a, len + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\' || i + 1 == len) {
			out[n++] = s[i];
			continue;
		}
		char c = s[++i];
		out[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
	}
	out[n] = '\0';
	return out;
}

/* Splits one line into at most max fields (arena strings). */
static size_t split_fields(rt__arena *a, const char *line, size_t len, char **f, size_t max)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len && n < max; i++) {
		if (i == len || line[i] == '\t') {
			if (!(f[n++] = unescape(a, line + start, i - start)))
				return (size_t)-1;
			start = i + 1;
		}
	}
	return n;
}

static int push(rt__arena *a, const char ***list, size_t *n, const char *v)
{
	const char **grown = rt__arena_array(a, *n + 1, sizeof(char *));
	if (!grown)
		return -RT_ERR_NOMEM;
	if (*n)
		memcpy(grown, *list, *n * sizeof(char *));
	grown[(*n)++] = v;
	*list = grown;
	return 0;
}

static int protocol_error(reader *r, const char *what)
{
	return rt_error_set(r->err, RT_ERR_CONFIG, "unexpected output from the Alembic helper (%s)",
	                    what);
}

/* A revision's field; f[0] is the record kind. */
static int rev_field(reader *r, char **f, size_t nf)
{
	rt__alembic_rev *v = r->cur;
	const char *k = f[0];
	if (!v || nf != 2)
		return protocol_error(r, k);
	if (!strcmp(k, "down"))
		return push(r->a, &v->downs, &v->n_down, f[1]);
	if (!strcmp(k, "label"))
		return push(r->a, &v->labels, &v->n_labels, f[1]);
	if (!strcmp(k, "depends"))
		return push(r->a, &v->depends, &v->n_depends, f[1]);
	if (!strcmp(k, "message"))
		v->message = f[1];
	else if (!strcmp(k, "date"))
		v->create_date = f[1];
	else if (!strcmp(k, "upgrade"))
		v->upgrade_sql = f[1];
	else if (!strcmp(k, "downgrade"))
		v->downgrade_sql = f[1];
	else
		return protocol_error(r, k);
	return 0;
}

static int record(reader *r, char **f, size_t nf)
{
	rt__alembic_history *h = r->h;
	if (!strcmp(f[0], "revision") && nf == 3 && !r->cur) {
		if (h->n == r->cap) {
			rt__alembic_rev *g =
			    rt__arena_grow(r->a, h->revs, h->n, &r->cap, sizeof(*g));
			if (!g)
				return nomem(r->err);
			h->revs = g;
		}
		r->cur = &h->revs[h->n++];
		memset(r->cur, 0, sizeof(*r->cur));
		r->cur->revision = f[1];
		r->cur->source = f[2];
		return 0;
	}
	if (!strcmp(f[0], "end") && r->cur) {
		r->cur = NULL;
		return 0;
	}
	if (!strcmp(f[0], "version_table") && nf == 2 && !r->cur) {
		h->version_table = f[1];
		return 0;
	}
	int rc = rev_field(r, f, nf);
	return rc == -RT_ERR_NOMEM ? nomem(r->err) : rc;
}

/* The helper's "error KIND MESSAGE" record, as the user's error. */
static int helper_error(const char *python, const char *dir, char **f, size_t nf, rt_error *err)
{
	const char *msg = nf > 2 ? f[2] : "";
	if (!strcmp(f[1], "noalembic")) {
		int rc = rt_error_set(err, RT_ERR_CONFIG, "Alembic is not installed for '%s': %s",
		                      python, msg);
		rt_error_hint(err, "install Alembic (Debian: apt install python3-alembic), or set "
		                   "alembic_python in retort.ini (or RETORT_ALEMBIC_PYTHON) to a "
		                   "Python that has it");
		return rc;
	}
	return rt_error_set(err, RT_ERR_CONFIG, "Alembic could not read '%s': %s", dir, msg);
}

/* The last non-empty line of a helper's stderr, for a crash report. */
static void last_line(const rt_buf *b, rt_error *err)
{
	size_t end = b->len;
	while (end && isspace((unsigned char)b->data[end - 1]))
		end--;
	size_t start = end;
	while (start && b->data[start - 1] != '\n')
		start--;
	if (end > start)
		rt_error_detail(err, "%.*s", (int)(end - start), b->data + start);
}

static int parse_output(reader *r, const char *python, const char *dir, const rt_buf *out,
                        const rt_buf *errout, int status)
{
	for (size_t off = 0; off < out->len;) {
		const char *line = out->data + off;
		const char *nl = memchr(line, '\n', out->len - off);
		size_t len = nl ? (size_t)(nl - line) : out->len - off;
		off += len + 1;
		char *f[3];
		size_t nf = split_fields(r->a, line, len, f, 3);
		if (nf == (size_t)-1)
			return nomem(r->err);
		if (nf >= 2 && !strcmp(f[0], "error"))
			return helper_error(python, dir, f, nf, r->err);
		int rc = nf ? record(r, f, nf) : protocol_error(r, "empty line");
		if (rc)
			return rc;
	}
	if (status != 0 || r->cur || !r->h->version_table) {
		int rc = rt_error_set(r->err, RT_ERR_CONFIG,
		                      "Alembic failed reading '%s' (%s exited with status %d)", dir,
		                      python, status);
		last_line(errout, r->err);
		return rc;
	}
	return 0;
}

/* Alembic's script directory holds env.py (and, usually, versions/). */
static int check_script_dir(rt__arena *a, const char *dir, rt_error *err)
{
	if (!rt__fs_is_dir(dir))
		return rt_error_set(err, RT_ERR_CONFIG,
		                    "'%s' is not an Alembic script directory: "
		                    "no such directory",
		                    dir);
	char *env_py = rt__fs_join(a, dir, "env.py");
	if (!env_py)
		return nomem(err);
	if (rt__fs_exists(env_py))
		return 0;
	int rc = rt_error_set(err, RT_ERR_CONFIG,
	                      "'%s' is not an Alembic script directory: it has no env.py", dir);
	rt_error_hint(err, "pass the directory alembic.ini's script_location names (the one "
	                   "holding env.py and versions/)");
	return rc;
}

int rt__alembic_read(rt__arena *a, const char *python, const char *script_dir,
                     const char *database_url, rt__alembic_history *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = check_script_dir(a, script_dir, err);
	if (rc)
		return rc;
	char *env_url = rt__arena_printf(a, "DATABASE_URL=%s", database_url);
	if (!env_url)
		return nomem(err);
	/* the URL only in the environment: argv is visible to every user */
	const char *argv[] = {python, "-c", helper_py, script_dir, NULL};
	const char *env[] = {env_url, "PYTHONDONTWRITEBYTECODE=1", NULL};
	rt_buf o, e;
	rt_buf_init(&o, HELPER_OUTPUT_LIMIT);
	rt_buf_init(&e, HELPER_OUTPUT_LIMIT);
	int status = 0;
	rc = rt__spawn_run(argv, env, &o, &e, &status, err);
	if (rc == -RT_ERR_IO)
		rt_error_hint(err, "install Alembic (Debian: apt install python3-alembic), or set "
		                   "alembic_python in retort.ini (or RETORT_ALEMBIC_PYTHON) to a "
		                   "Python that has it");
	reader r = {.a = a, .h = out, .err = err};
	rc = rc ? rc : parse_output(&r, python, script_dir, &o, &e, status);
	if (!rc && !out->n)
		rc =
		    rt_error_set(err, RT_ERR_CONFIG, "'%s' holds no Alembic revisions", script_dir);
	rt_buf_release(&o);
	rt_buf_release(&e);
	return rc;
}
