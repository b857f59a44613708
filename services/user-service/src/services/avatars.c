/* avatars.c — avatars (see avatars.h). The kind of an upload is decided by
 * its magic bytes, from one table: a declared Content-Type or file name
 * proves nothing, and the stored name's extension comes from what the bytes
 * are, so the media server's type guess is right too.
 */
#include "services/avatars.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ids.h"
#include "core/media.h"
#include "repositories/profiles.h"
#include "banned.h"

static const struct {
	size_t offset;
	const char *magic;
	size_t len;
	const char *ext;
} kinds[] = {
    {0, "\x89PNG\r\n\x1a\n", 8, ".png"},
    {0, "\xff\xd8\xff", 3, ".jpg"},
    {0, "GIF87a", 6, ".gif"},
    {0, "GIF89a", 6, ".gif"},
    {8, "WEBP", 4, ".webp"}, /* after "RIFF" and the size, checked below */
};

static const char *image_ext(const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (len < kinds[i].offset + kinds[i].len ||
		    memcmp(data + kinds[i].offset, kinds[i].magic, kinds[i].len) != 0)
			continue;
		if (kinds[i].offset == 8 && memcmp(data, "RIFF", 4) != 0)
			continue;
		return kinds[i].ext;
	}
	return NULL;
}

svc_status svc_avatar_set(const svc_context *ctx, const char *user_id, const unsigned char *data,
                          size_t len, char url[SVC_AVATAR_URL_MAX], svc_error *err)
{
	url[0] = '\0';
	const char *ext = data ? image_ext(data, len) : NULL;
	if (!ext)
		return svc_fail(err, SVC_NOT_AN_IMAGE,
		                "File must be a PNG, JPEG, GIF or WebP image");
	if (!core_uuid_valid(user_id))
		return svc_fail(err, SVC_USER_NOT_FOUND, "User not found");
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	const char *base = ctx->public_base_url ? ctx->public_base_url : "";
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	char name[CORE_MEDIA_NAME_MAX];
	if (core_media_store(ctx->media_dir, data, len, ext, name))
		return svc_fail(err, SVC_STORAGE, "cannot store an avatar under %s: %s",
		                ctx->media_dir, strerror(errno));
	if (snprintf(url, SVC_AVATAR_URL_MAX, "%.*s/media/%s", (int)blen, base, name) >=
	    SVC_AVATAR_URL_MAX) {
		core_media_remove(ctx->media_dir, name);
		return svc_fail(err, SVC_STORAGE, "PUBLIC_BASE_URL is too long for an avatar URL");
	}
	char now[32];
	core_now_rfc3339(now);
	int64_t n = 0;
	core_db_error dberr;
	svc_status st = SVC_OK;
	if (repo_profile_set_picture(db, user_id, url, now, &n, &dberr))
		st = svc_db_failed(&dberr, err);
	else if (n == 0)
		st = svc_fail(err, SVC_USER_NOT_FOUND, "User not found");
	if (st != SVC_OK) {
		core_media_remove(ctx->media_dir, name);
		url[0] = '\0';
	}
	return st;
}
