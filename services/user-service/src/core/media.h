/* media.h — files uploaded by users (avatars), stored under one directory
 * with names the service generates, never the client's.
 */
#ifndef CORE_MEDIA_H
#define CORE_MEDIA_H

#include <stddef.h>

enum { CORE_MEDIA_NAME_MAX = 64 };

/* Writes data[0..len) to dir/<uuid7><ext> through a temporary file and a
 * rename (a reader never sees half a file), creating dir if missing. The
 * name (without dir) goes into name. Returns 0, or -1 with errno set and
 * nothing left behind. ext includes its dot (".png"). */
int core_media_store(const char *dir, const unsigned char *data, size_t len, const char *ext,
                     char name[CORE_MEDIA_NAME_MAX]);

/* Removes dir/name (a stored file whose database update failed). */
void core_media_remove(const char *dir, const char *name);

#endif
