/* spawn.c — see util/spawn.h. posix_spawnp rather than fork+exec: it
 * reports a program that cannot be started as an error code (glibc runs
 * the exec in a vfork'd child and passes errno back), and it needs no
 * async-signal-safe care in a library that may live in a threaded service.
 * Both pipes are drained with poll so that a child writing much to stderr
 * cannot block while we wait on its stdout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/spawn.h"
#include "banned.h"

extern char **environ;

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* environ without the variables env_set replaces, then env_set: a malloc'd
 * array of borrowed strings. */
static char **child_env(const char *const *env_set)
{
	size_t n = 0, extra = 0;
	while (environ[n])
		n++;
	while (env_set && env_set[extra])
		extra++;
	char **env = calloc(n + extra + 1, sizeof(char *));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;
		for (size_t j = 0; j < extra && !replaced; j++) {
			size_t len = name_len(env_set[j]);
			replaced =
			    name_len(environ[i]) == len && !strncmp(environ[i], env_set[j], len);
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < extra; j++)
		env[k++] = (char *)env_set[j];
	return env;
}

/* Reads both pipes until both are closed; returns 0 or RT_ERR_NOMEM's code
 * after draining (a full buffer keeps reading, to let the child finish). */
static int drain(int fds[2], rt_buf *bufs[2], rt_error *err)
{
	int rc = 0;
	struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
	int open = 2;
	char chunk[8192];
	while (open > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return rt_error_set(err, RT_ERR_IO, "poll: %s", strerror(errno));
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t got = read(p[i].fd, chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				p[i].fd = -1;
				open--;
			} else if (!rc && rt_buf_add(bufs[i], chunk, (size_t)got)) {
				rc = rt_error_set(err, RT_ERR_NOMEM,
				                  "a helper program's output is too large");
			}
		}
	}
	return rc;
}

static int wait_child(pid_t pid, int *status, rt_error *err)
{
	int ws;
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return rt_error_set(err, RT_ERR_IO, "waitpid: %s", strerror(errno));
	}
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

int rt__spawn_run(const char *const *argv, const char *const *env_set, rt_buf *out, rt_buf *errout,
                  int *status, rt_error *err)
{
	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC))
		return rt_error_set(err, RT_ERR_IO, "pipe: %s", strerror(errno));
	if (pipe2(pe, O_CLOEXEC)) {
		close(po[0]);
		close(po[1]);
		return rt_error_set(err, RT_ERR_IO, "pipe: %s", strerror(errno));
	}
	int rc = 0;
	char **env = child_env(env_set);
	posix_spawn_file_actions_t fa;
	bool fa_ok = !posix_spawn_file_actions_init(&fa);
	if (!env || !fa_ok)
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	if (!rc && (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	            posix_spawn_file_actions_adddup2(&fa, po[1], 1) ||
	            posix_spawn_file_actions_adddup2(&fa, pe[1], 2)))
		rc = rt_error_set(err, RT_ERR_NOMEM, "out of memory");
	pid_t pid = 0;
	if (!rc) {
		int e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
		if (e)
			rc = rt_error_set(err, RT_ERR_IO, "cannot run '%s': %s", argv[0],
			                  strerror(e));
	}
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	free(env);
	close(po[1]);
	close(pe[1]);
	if (!rc) {
		int fds[2] = {po[0], pe[0]};
		rt_buf *bufs[2] = {out, errout};
		rc = drain(fds, bufs, err);
		int wrc = wait_child(pid, status, rc ? NULL : err);
		rc = rc ? rc : wrc;
	}
	close(po[0]);
	close(pe[0]);
	return rc;
}
