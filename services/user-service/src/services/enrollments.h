/* enrollments.h — the enrollment endpoints' logic: enrol the caller in a
 * course, list the caller's enrollments, cancel one of them.
 *
 * Each function returns an outcome >= 0 (svc_enrollment_outcome) with the
 * answer in *out (a new reference the caller owns; NULL unless
 * SVC_ENROLLMENT_OK), or a negative core_db_status with err filled (answer
 * with api_db_failed). user_id is the authenticated caller's id.
 */
#ifndef SERVICES_ENROLLMENTS_H
#define SERVICES_ENROLLMENTS_H

#include <jansson.h>

#include "core/db.h"
#include "schemas/schema.h"

typedef enum svc_enrollment_outcome {
	SVC_ENROLLMENT_OK = 0,
	SVC_ENROLLMENT_ALREADY = 1,   /* an active enrollment in that course exists */
	SVC_ENROLLMENT_NOT_FOUND = 2, /* no such enrollment of this user */
	SVC_ENROLLMENT_NO_USER = 3,   /* the user is gone (deleted since the token) */
} svc_enrollment_outcome;

/* Enrols user_id with v (schema_enrollment_create). *out: the enrollment. */
int svc_enrollment_create(core_db *db, const char *user_id, const schema_values *v, json_t **out,
                          core_db_error *err);

/* *out: the array of user_id's enrollments, newest first. */
int svc_enrollments_list(core_db *db, const char *user_id, json_t **out, core_db_error *err);

/* Cancels enrollment id (path text, any case; malformed ids are simply
 * not found) of user_id. Cancelling a cancelled enrollment answers it
 * again. *out: the enrollment. */
int svc_enrollment_cancel(core_db *db, const char *user_id, const char *id, json_t **out,
                          core_db_error *err);

#endif
