/* avatars.h — POST /profile/avatar's logic: an uploaded image becomes the
 * caller's profile picture.
 */
#ifndef SERVICES_AVATARS_H
#define SERVICES_AVATARS_H

#include <stddef.h>

#include "services/service.h"

/* URL_MAX: profile_picture_url is VARCHAR(500), plus the NUL */
enum { SVC_AVATAR_MAX_BYTES = 5 * 1024 * 1024, SVC_AVATAR_URL_MAX = 501 };

/* Checks data is a PNG, JPEG, GIF or WebP image by its first bytes
 * (SVC_NOT_AN_IMAGE otherwise, whatever the client declared), stores it
 * under ctx->media_dir with a generated name, and sets the caller's
 * profile_picture_url to its URL (ctx->public_base_url + "/media/" + name),
 * copied into url. A file whose profile update failed is removed. */
svc_status svc_avatar_set(const svc_context *ctx, const char *user_id, const unsigned char *data,
                          size_t len, char url[SVC_AVATAR_URL_MAX], svc_error *err);

#endif
