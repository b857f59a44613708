/* enrollments.c — the enrollment endpoints' logic (see enrollments.h).
 * "Already enrolled" is decided by the database's partial unique index at
 * insert time, never by a read before the write, so two concurrent
 * requests for one course give one 201 and one 409.
 */
#include "services/enrollments.h"

#include <ctype.h>

#include "core/ids.h"
#include "repositories/enrollments.h"
#include "schemas/enrollments.h"
#include "banned.h"

static svc_status no_user(svc_error *err)
{
	return svc_fail(err, SVC_USER_NOT_FOUND, "User not found");
}

static svc_status not_found(svc_error *err)
{
	return svc_fail(err, SVC_ENROLLMENT_NOT_FOUND, "Enrollment not found");
}

svc_status svc_enrollment_create(const svc_context *ctx, const char *user_id,
                                 const schema_values *v, svc_rows **out, svc_error *err)
{
	char id[37], now[32];
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return no_user(err);
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_uuid7(id);
	core_now_rfc3339(now);
	core_db_error dberr;
	int rc = repo_enrollment_insert(db, id, user_id, v, now, out, &dberr);
	if (rc == CORE_DB_UNIQUE)
		return svc_fail(err, SVC_ALREADY_ENROLLED, "Already enrolled in this course");
	if (rc == CORE_DB_FOREIGN_KEY)
		return no_user(err);
	return rc ? svc_db_failed(&dberr, err) : SVC_OK;
}

svc_status svc_enrollments_list(const svc_context *ctx, const char *user_id, svc_rows **out,
                                svc_error *err)
{
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return no_user(err);
	core_db *db = svc_db_read(ctx, err);
	if (!db)
		return err->status;
	core_db_error dberr;
	if (repo_enrollments_list(db, user_id, out, &dberr))
		return svc_db_failed(&dberr, err);
	return SVC_OK;
}

svc_status svc_enrollment_cancel(const svc_context *ctx, const char *user_id, const char *id,
                                 svc_rows **out, svc_error *err)
{
	*out = NULL;
	if (!core_uuid_valid(user_id) || !core_uuid_valid(id))
		return not_found(err);
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	char key[37]; /* ids are stored lowercase; SQLite compares text exactly */
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (char)tolower((unsigned char)id[i]);
	core_db_error dberr;
	if (repo_enrollment_set_status(db, key, user_id, SCHEMA_ENROLLMENT_CANCELLED, out, &dberr))
		return svc_db_failed(&dberr, err);
	if (core_db_rows(*out) > 0)
		return SVC_OK;
	svc_rows_free(*out);
	*out = NULL;
	return not_found(err);
}
