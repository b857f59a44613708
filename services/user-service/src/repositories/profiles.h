/* profiles.h — SQL for the profile endpoints: the student and instructor
 * profile rows of a user, and the partial updates of PUT /profile/ (on the
 * users row) and PUT /profile/instructor (on the instructor_profiles row).
 *
 * Every function returns CORE_DB_OK or a negative core_db_status with err
 * filled (CORE_DB_NOMEM when the SQL could not be built). Rows come back in
 * *out (zero or one; the caller frees them with core_db_result_free), with
 * the columns repo_columns() lists for the schema named in the comment.
 * user_id must be a canonical UUID (core_uuid_valid).
 */
#ifndef REPOSITORIES_PROFILES_H
#define REPOSITORIES_PROFILES_H

#include "core/db.h"
#include "schemas/schema.h"

/* The student_profiles row of user_id (schema_student_profile). */
int repo_student_profile_get(core_db *db, const char *user_id, core_db_result **out,
                             core_db_error *err);
/* The instructor_profiles row of user_id (schema_instructor_profile). */
int repo_instructor_profile_get(core_db *db, const char *user_id, core_db_result **out,
                                core_db_error *err);

/* Sets the fields of v (schema_instructor_profile_update) that were sent
 * and updated_at = now (RFC 3339) on the instructor_profiles row of
 * user_id; *out is the updated row (schema_instructor_profile); none when
 * the user has no instructor profile (zero rows). */
int repo_instructor_profile_update(core_db *db, const char *user_id, const schema_values *v,
                                   const char *now, core_db_result **out, core_db_error *err);

/* Sets the fields of v (schema_profile_update) that were sent and
 * updated_at = now on the users row user_id; *out is the updated user
 * (schema_user); zero rows when there is no such user. */
int repo_profile_update_user(core_db *db, const char *user_id, const schema_values *v,
                             const char *now, core_db_result **out, core_db_error *err);

/* Sets profile_picture_url = url and updated_at = now on the user's
 * profile (student_profiles, else instructor_profiles); *affected is 0
 * when the user has neither. */
int repo_profile_set_picture(core_db *db, const char *user_id, const char *url, const char *now,
                             int64_t *affected, core_db_error *err);

/* Sets education_level (a string, or NULL to clear it) and updated_at = now
 * on the student_profiles row of user_id; *affected is 0 when the user has
 * no student profile. */
int repo_student_profile_set_education_level(core_db *db, const char *user_id,
                                             const char *education_level, const char *now,
                                             int64_t *affected, core_db_error *err);

#endif
