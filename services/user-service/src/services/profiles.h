/* profiles.h — the profile endpoints' logic: the caller's user with its
 * role's profile, and the two partial updates.
 *
 * Each function returns an outcome >= 0 (svc_profile_outcome) with the
 * answer in *out (a new reference the caller owns; NULL unless
 * SVC_PROFILE_OK), or a negative core_db_status with err filled (answer
 * with api_db_failed). user_id is the authenticated caller's id.
 */
#ifndef SERVICES_PROFILES_H
#define SERVICES_PROFILES_H

#include <jansson.h>

#include "core/db.h"
#include "repositories/users.h"
#include "schemas/schema.h"

typedef enum svc_profile_outcome {
	SVC_PROFILE_OK = 0,
	SVC_PROFILE_NO_USER = 1,        /* the user is gone (deleted since the token) */
	SVC_PROFILE_NOT_INSTRUCTOR = 2, /* the user has no instructor profile */
} svc_profile_outcome;

/* The user JSON with "student_profile" or "instructor_profile" (by the
 * stored role; null when the row is missing). */
int svc_profile_get(const repo_users *users, core_db *db, const char *user_id, json_t **out,
                    core_db_error *err);

/* Applies v (schema_profile_update): only the fields sent change, null
 * clears phone_number, updated_at becomes now. *out: the user JSON. */
int svc_profile_update(core_db *db, const char *user_id, const schema_values *v, json_t **out,
                       core_db_error *err);

/* Applies v (schema_instructor_profile_update) to the caller's instructor
 * profile. *out: the instructor profile JSON. SVC_PROFILE_NOT_INSTRUCTOR
 * when the user is not an instructor (only instructors have that row). */
int svc_instructor_profile_update(core_db *db, const char *user_id, const schema_values *v,
                                  json_t **out, core_db_error *err);

#endif
