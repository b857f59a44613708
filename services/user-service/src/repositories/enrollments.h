/* enrollments.h — SQL for the enrollment endpoints. One active enrollment
 * per (user, course) is the database's rule (the partial unique index
 * uq_enrollments_active); the insert reports a clash as CORE_DB_UNIQUE
 * instead of checking first, so concurrent requests cannot both win.
 *
 * Every function returns CORE_DB_OK or a negative core_db_status with err
 * filled (CORE_DB_NOMEM when the SQL could not be built). Rows come back in
 * *out (the caller frees them with core_db_result_free) with the columns
 * repo_columns(&schema_enrollment) lists. Ids must be canonical lowercase
 * UUIDs.
 */
#ifndef REPOSITORIES_ENROLLMENTS_H
#define REPOSITORIES_ENROLLMENTS_H

#include "core/db.h"
#include "schemas/schema.h"

/* Inserts enrollment id for user_id, status active, created_at now (RFC
 * 3339), with the fields of v (schema_enrollment_create); *out is the new
 * row. CORE_DB_UNIQUE when an active enrollment for the course exists;
 * CORE_DB_FOREIGN_KEY when the user does not exist. */
int repo_enrollment_insert(core_db *db, const char *id, const char *user_id, const schema_values *v,
                           const char *now, core_db_result **out, core_db_error *err);

/* The enrollments of user_id, newest first. */
int repo_enrollments_list(core_db *db, const char *user_id, core_db_result **out,
                          core_db_error *err);

/* Sets the status of enrollment id when it belongs to user_id; *out is the
 * updated row, none when there is no such enrollment of that user. */
int repo_enrollment_set_status(core_db *db, const char *id, const char *user_id, const char *status,
                               core_db_result **out, core_db_error *err);

#endif
