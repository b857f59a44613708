/* spawn.h — running a helper program to completion and collecting what it
 * prints on stdout and stderr. libretort uses it for one thing: asking
 * Alembic (a Python program) about a history it imports. */
#ifndef RETORT_SPAWN_H
#define RETORT_SPAWN_H

#include "retort/buf.h"
#include "retort/error.h"

/* Runs argv (argv[0] searched in PATH, argv NULL-terminated) with the
 * process environment plus env_set ("KEY=VALUE" entries, NULL-terminated,
 * or NULL; an entry replaces a variable of the same name). stdin is
 * /dev/null. out and errout (caller-owned) receive the child's stdout and
 * stderr. *status is the exit status, or 128 + the signal that ended it.
 * Errors: RT_ERR_IO "cannot run 'python3': No such file or directory" when
 * the program cannot be started; RT_ERR_NOMEM when the output overflows a
 * buffer's limit (the child is still waited for). */
int rt__spawn_run(const char *const *argv, const char *const *env_set, rt_buf *out, rt_buf *errout,
                  int *status, rt_error *err);

#endif
