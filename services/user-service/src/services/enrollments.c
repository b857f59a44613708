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

int svc_enrollment_create(core_db *db, const char *user_id, const schema_values *v, json_t **out,
                          core_db_error *err)
{
	char id[37], now[32];
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return SVC_ENROLLMENT_NO_USER;
	core_uuid7(id);
	core_now_rfc3339(now);
	int rc = repo_enrollment_insert(db, id, user_id, v, now, out, err);
	if (rc == CORE_DB_UNIQUE)
		return SVC_ENROLLMENT_ALREADY;
	if (rc == CORE_DB_FOREIGN_KEY)
		return SVC_ENROLLMENT_NO_USER;
	return rc;
}

int svc_enrollments_list(core_db *db, const char *user_id, json_t **out, core_db_error *err)
{
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return SVC_ENROLLMENT_NO_USER;
	return repo_enrollments_list(db, user_id, out, err);
}

int svc_enrollment_cancel(core_db *db, const char *user_id, const char *id, json_t **out,
                          core_db_error *err)
{
	*out = NULL;
	if (!core_uuid_valid(user_id) || !core_uuid_valid(id))
		return SVC_ENROLLMENT_NOT_FOUND;
	char key[37]; /* ids are stored lowercase; SQLite compares text exactly */
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (char)tolower((unsigned char)id[i]);
	int rc =
	    repo_enrollment_set_status(db, key, user_id, SCHEMA_ENROLLMENT_CANCELLED, out, err);
	if (rc)
		return rc;
	return *out ? SVC_ENROLLMENT_OK : SVC_ENROLLMENT_NOT_FOUND;
}
