/* media.c — storing uploaded files (see media.h). */
#include "core/media.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ids.h"
#include "banned.h"

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int core_media_store(const char *dir, const unsigned char *data, size_t len, const char *ext,
                     char name[CORE_MEDIA_NAME_MAX])
{
	char id[37], path[PATH_MAX], tmp[PATH_MAX];
	core_uuid7(id);
	if (snprintf(name, CORE_MEDIA_NAME_MAX, "%s%s", id, ext) >= CORE_MEDIA_NAME_MAX ||
	    snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
	    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	int rc = write_all(fd, data, len);
	rc = rc ? rc : fsync(fd);
	int saved = errno;
	if (close(fd) && !rc) {
		rc = -1;
		saved = errno;
	}
	if (!rc && rename(tmp, path)) {
		rc = -1;
		saved = errno;
	}
	if (rc) {
		unlink(tmp);
		errno = saved;
	}
	return rc;
}

void core_media_remove(const char *dir, const char *name)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path)
		unlink(path);
}
