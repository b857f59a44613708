/* ini_edit.h — changing one key of retort.ini in place (internal), for
 * `adopt`, which points version_table at Alembic's table. Everything else
 * in the file — comments, blank lines, other keys and sections, the line
 * endings — stays byte for byte. */
#ifndef RETORT_INI_EDIT_H
#define RETORT_INI_EDIT_H

#include "retort/buf.h"
#include "retort/error.h"

/* Appends to out the ini text with key set to value in section (matched
 * case-insensitively, as config.c reads them):
 *  - a line `key = old` (or `key: old`) in the section keeps its key
 *    spelling, separator, spacing and any inline comment (` ; ...`,
 *    ` # ...`); only the value changes;
 *  - a key not in the section is added after the section's last key line
 *    (after the header when it has none), as `key = value`;
 *  - a missing section is added at the end.
 * value must be one line. Errors: RT_ERR_NOMEM; RT_ERR_USAGE for a value
 * holding a newline. */
int rt__ini_edit(const char *text, const char *section, const char *key, const char *value,
                 rt_buf *out, rt_error *err);

/* rt__ini_edit on the file at path, written back through a temporary file
 * and rename, so a crash leaves the old or the new file. */
int rt__ini_set(const char *path, const char *section, const char *key, const char *value,
                rt_error *err);

#endif
