/* profiles.c — the profile endpoints' logic (see profiles.h). The role
 * that decides which profile a user has is the stored one, not the one in
 * the token; PUT /profile/instructor needs no separate role check because
 * only instructors have an instructor_profiles row (register creates it),
 * so the update itself finds out, in one statement.
 */
#include "services/profiles.h"

#include <stdio.h>
#include <string.h>

#include "core/ids.h"
#include "repositories/profiles.h"
#include "schemas/users.h"
#include "banned.h"

static int nomem(core_db_error *err)
{
	err->status = CORE_DB_NOMEM;
	snprintf(err->message, sizeof err->message, "out of memory building a profile");
	err->constraint[0] = '\0';
	return CORE_DB_NOMEM;
}

/* The profile table that goes with a role, and its key in GET /profile/. */
static const struct {
	const char *role, *key;
	int (*get)(core_db *, const char *, json_t **, core_db_error *);
} by_role[] = {
    {"instructor", "instructor_profile", repo_instructor_profile_get},
    {"student", "student_profile", repo_student_profile_get},
};

int svc_profile_get(const repo_users *users, core_db *db, const char *user_id, json_t **out,
                    core_db_error *err)
{
	core_db_result *rows;
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return SVC_PROFILE_NO_USER;
	int rc = repo_users_get(users, db, user_id, &rows, err);
	if (rc)
		return rc;
	if (core_db_rows(rows) == 0) {
		core_db_result_free(rows);
		return SVC_PROFILE_NO_USER;
	}
	const char *role = schema_user_col(rows, 0, "role");
	size_t k = sizeof by_role / sizeof by_role[0] - 1; /* unknown roles: student */
	for (size_t i = 0; role && i < sizeof by_role / sizeof by_role[0]; i++)
		if (strcmp(role, by_role[i].role) == 0)
			k = i;
	json_t *user = schema_user_json(rows, 0);
	core_db_result_free(rows);
	if (!user)
		return nomem(err);
	json_t *profile;
	if ((rc = by_role[k].get(db, user_id, &profile, err))) {
		json_decref(user);
		return rc;
	}
	if (json_object_set_new(user, by_role[k].key, profile ? profile : json_null())) {
		json_decref(user);
		return nomem(err);
	}
	*out = user;
	return SVC_PROFILE_OK;
}

int svc_profile_update(core_db *db, const char *user_id, const schema_values *v, json_t **out,
                       core_db_error *err)
{
	char now[32];
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return SVC_PROFILE_NO_USER;
	core_now_rfc3339(now);
	int rc = repo_profile_update_user(db, user_id, v, now, out, err);
	if (rc)
		return rc;
	return *out ? SVC_PROFILE_OK : SVC_PROFILE_NO_USER;
}

int svc_instructor_profile_update(core_db *db, const char *user_id, const schema_values *v,
                                  json_t **out, core_db_error *err)
{
	char now[32];
	*out = NULL;
	if (!core_uuid_valid(user_id))
		return SVC_PROFILE_NOT_INSTRUCTOR;
	core_now_rfc3339(now);
	int rc = repo_instructor_profile_update(db, user_id, v, now, out, err);
	if (rc)
		return rc;
	return *out ? SVC_PROFILE_OK : SVC_PROFILE_NOT_INSTRUCTOR;
}
