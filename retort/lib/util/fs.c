/* fs.c — file helpers for libretort (see util/fs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"
#include "util/fs.h"

int rt__fs_read(rt__arena *a, const char *path, char **data, size_t *len, rt_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return rt_error_set(err, RT_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return rt_error_set(err, RT_ERR_IO, "cannot read '%s': not a regular file", path);
	}
	size_t size = (size_t)st.st_size;
	char *p = rt__arena_alloc(a, size + 1);
	if (!p) {
		fclose(f);
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory reading '%s'", path);
	}
	size_t got = fread(p, 1, size, f);
	int failed = ferror(f);
	fclose(f);
	if (failed || got != size)
		return rt_error_set(err, RT_ERR_IO, "cannot read '%s'", path);
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int rt__fs_list(rt__arena *a, const char *dir, const char *suffix, char ***names, size_t *n,
                rt_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return rt_error_set(err, RT_ERR_IO, "cannot open directory '%s': %s", dir,
		                    strerror(errno));
	size_t cap = 0, count = 0, slen = strlen(suffix);
	char **list = NULL;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= slen || strcmp(e->d_name + len - slen, suffix))
			continue;
		char *full = rt__fs_join(a, dir, e->d_name);
		struct stat st;
		if (!full || stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (count == cap && !(list = rt__arena_grow(a, list, count, &cap, sizeof(*list)))) {
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory listing '%s'", dir);
			break;
		}
		if (!(list[count++] = rt__arena_strdup(a, e->d_name))) {
			rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory listing '%s'", dir);
			break;
		}
	}
	closedir(d);
	if (rc)
		return rc;
	if (count)
		qsort(list, count, sizeof(*list), cmp_names);
	*names = list;
	*n = count;
	return 0;
}

int rt__fs_create(const char *path, const char *data, size_t len, rt_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return rt_error_set(err, RT_ERR_IO, "cannot create '%s': %s", path,
		                    strerror(errno));
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			unlink(path);
			return rt_error_set(err, RT_ERR_IO, "cannot write '%s': %s", path,
			                    strerror(e));
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		int e = errno;
		unlink(path);
		return rt_error_set(err, RT_ERR_IO, "cannot write '%s': %s", path, strerror(e));
	}
	return 0;
}

int rt__fs_mkdirs(const char *path, rt_error *err)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 1);
	if (!tmp)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
				int e = errno;
				rt_error_set(err, RT_ERR_IO, "cannot create directory '%s': %s",
				             tmp, strerror(e));
				free(tmp);
				return -RT_ERR_IO;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	free(tmp);
	if (!rt__fs_is_dir(path))
		return rt_error_set(err, RT_ERR_IO, "'%s' exists and is not a directory", path);
	return 0;
}

bool rt__fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

bool rt__fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *rt__fs_dirname(rt__arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return rt__arena_strdup(a, ".");
	if (slash == path)
		return rt__arena_strdup(a, "/");
	return rt__arena_strndup(a, path, (size_t)(slash - path));
}

char *rt__fs_join(rt__arena *a, const char *dir, const char *rel)
{
	if (rel[0] == '/' || !dir || !dir[0] || !strcmp(dir, "."))
		return rt__arena_strdup(a, rel);
	size_t dl = strlen(dir);
	return rt__arena_printf(a, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", rel);
}

int rt__fs_replace(const char *path, const char *data, size_t len, rt_error *err)
{
	size_t n = strlen(path) + sizeof(".retort-tmp");
	char *tmp = malloc(n);
	if (!tmp)
		return rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	snprintf(tmp, n, "%s.retort-tmp", path);
	unlink(tmp); /* a leftover of a crashed run */
	int rc = rt__fs_create(tmp, data, len, err);
	if (!rc && rename(tmp, path) != 0) {
		rc = rt_error_set(err, RT_ERR_IO, "cannot replace '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}
