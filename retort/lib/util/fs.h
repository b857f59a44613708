/* fs.h — the few file-system operations libretort needs, with rt_error
 * reporting ("cannot open 'x': No such file or directory"). */
#ifndef RETORT_FS_H
#define RETORT_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/error.h"
#include "util/arena.h"

/* Reads a whole file into arena memory, NUL-terminated; *len excludes the NUL. */
int rt__fs_read(rt__arena *a, const char *path, char **data, size_t *len, rt_error *err);

/* Lists regular files in dir whose names end in suffix (e.g. ".sql"), sorted
 * by name (bytewise). Names (not paths) are arena strings. A missing dir is
 * RT_ERR_IO. */
int rt__fs_list(rt__arena *a, const char *dir, const char *suffix, char ***names, size_t *n,
                rt_error *err);

/* Creates path with the given contents; fails if it exists (O_EXCL). */
int rt__fs_create(const char *path, const char *data, size_t len, rt_error *err);
/* Creates or replaces path through a temporary file beside it and rename,
 * so a crash leaves the old file or the new one, never half of either. */
int rt__fs_replace(const char *path, const char *data, size_t len, rt_error *err);

/* mkdir -p with mode 0777 & ~umask; an existing directory is fine. */
int rt__fs_mkdirs(const char *path, rt_error *err);

bool rt__fs_exists(const char *path);
bool rt__fs_is_dir(const char *path);

/* dir of path ("." if none) and path joined to dir, as arena strings; an
 * absolute rel is returned unchanged. */
char *rt__fs_dirname(rt__arena *a, const char *path);
char *rt__fs_join(rt__arena *a, const char *dir, const char *rel);

#endif
