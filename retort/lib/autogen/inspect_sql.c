/* inspect_sql.c — `retort inspect --sql [--split DIR]`: the live database's
 * owned schema written as model files (see rt_ctx_inspect_sql in
 * retort/migrate.h; the text comes from model_sql.h).
 *
 * Writing a directory is all or nothing where it can be: every target is
 * checked before the first byte is written, so a refusal leaves the
 * directory as it was. With force, each file is written beside its target
 * and renamed over it, so a file is never seen half-written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "autogen/live.h"
#include "autogen/model_sql.h"
#include "runtime.h"
#include "util/fs.h"
#include "banned.h"

/* The first target that exists, refused unless force. */
static int refuse_existing(rt__arena *a, const char *dir, const rt__model_file *files, size_t n,
                           rt_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *path = rt__fs_join(a, dir, files[i].name);
		if (!path)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		if (!rt__fs_exists(path))
			continue;
		int rc = rt_error_set(err, RT_ERR_IO, "'%s' exists; nothing was written", path);
		rt_error_hint(err, "use --force to overwrite the files inspect writes");
		return rc;
	}
	return 0;
}

/* Writes path through a temporary file renamed over it. */
static int overwrite(rt__arena *a, const char *dir, const char *name, const char *path,
                     const rt__model_file *f, rt_error *err)
{
	const char *tmp = rt__arena_printf(a, "%s/.%s.retort-tmp", dir, name);
	if (!tmp)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	unlink(tmp); /* a leftover of an interrupted run; absent is fine */
	int rc = rt__fs_create(tmp, f->sql, f->len, err);
	if (!rc && rename(tmp, path) != 0) {
		rc = rt_error_set(err, RT_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
	return rc;
}

static int write_files(rt__arena *a, const char *dir, bool force, const rt__model_file *files,
                       size_t n, rt_buf *out, rt_error *err)
{
	int rc = force ? 0 : refuse_existing(a, dir, files, n, err);
	rc = rc ? rc : rt__fs_mkdirs(dir, err);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *path = rt__fs_join(a, dir, files[i].name);
		if (!path)
			return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
		rc = force ? overwrite(a, dir, files[i].name, path, &files[i], err)
		           : rt__fs_create(path, files[i].sql, files[i].len, err);
		if (!rc && rt_buf_printf(out, "%s\n", path))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	}
	return rc;
}

int rt_ctx_inspect_sql(rt_ctx *ctx, const char *split_dir, bool force, rt_buf *out, rt_error *err)
{
	int rc = rt__ctx_connect(ctx, err);
	if (rc)
		return rc;
	rt__arena a;
	rt__arena_init(&a);
	rt__schema s;
	rt__model_file *files = NULL;
	size_t n = 0;
	/* no models: the files written are the models from now on, and the
	 * ones they replace may be stale */
	rc = rt__live_schema(ctx, &a, NULL, &s, err);
	rc = rc ? rc : rt__model_sql(&a, &s, split_dir != NULL, &files, &n, err);
	if (!rc && split_dir)
		rc = write_files(&a, split_dir, force, files, n, out, err);
	for (size_t i = 0; !rc && !split_dir && i < n; i++)
		if (rt_buf_add(out, files[i].sql, files[i].len))
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	rt__arena_release(&a);
	return rc;
}
