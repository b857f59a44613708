/* profiles.h — SQL for the profile endpoints: the student and instructor
 * profile rows of a user, and the partial updates of PUT /profile/ (on the
 * users row) and PUT /profile/instructor (on the instructor_profiles row).
 *
 * Every function returns CORE_DB_OK or a negative core_db_status with err
 * filled (CORE_DB_NOMEM when a result could not be built). Objects come
 * back in *out as new references the caller owns (json_decref), shaped by
 * the schema named in the comment; *out is NULL when there is no row.
 * user_id must be a canonical UUID (core_uuid_valid).
 */
#ifndef REPOSITORIES_PROFILES_H
#define REPOSITORIES_PROFILES_H

#include <jansson.h>

#include "core/db.h"
#include "schemas/schema.h"

/* The student_profiles row of user_id (schema_student_profile). */
int repo_student_profile_get(core_db *db, const char *user_id, json_t **out, core_db_error *err);
/* The instructor_profiles row of user_id (schema_instructor_profile). */
int repo_instructor_profile_get(core_db *db, const char *user_id, json_t **out, core_db_error *err);

/* Sets the fields of v (schema_instructor_profile_update) that were sent
 * and updated_at = now (RFC 3339) on the instructor_profiles row of
 * user_id; *out is the updated row (schema_instructor_profile), NULL when
 * the user has no instructor profile. */
int repo_instructor_profile_update(core_db *db, const char *user_id, const schema_values *v,
                                   const char *now, json_t **out, core_db_error *err);

/* Sets the fields of v (schema_profile_update) that were sent and
 * updated_at = now on the users row user_id; *out is the updated user
 * (schema_user), NULL when there is no such user. */
int repo_profile_update_user(core_db *db, const char *user_id, const schema_values *v,
                             const char *now, json_t **out, core_db_error *err);

#endif
