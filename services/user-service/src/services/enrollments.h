/* enrollments.h — the enrollment endpoints' logic: enrol the caller in a
 * course, list the caller's enrollments, cancel one of them. Results
 * follow service.h; rows are schema_enrollment's columns; user_id is the
 * authenticated caller's id.
 */
#ifndef SERVICES_ENROLLMENTS_H
#define SERVICES_ENROLLMENTS_H

#include "schemas/schema.h"
#include "services/service.h"

/* Enrols user_id with v (schema_enrollment_create). *out: the new row.
 * SVC_ALREADY_ENROLLED when an active enrollment in the course exists,
 * SVC_USER_NOT_FOUND when the user is gone. */
svc_status svc_enrollment_create(const svc_context *ctx, const char *user_id,
                                 const schema_values *v, svc_rows **out, svc_error *err);

/* *out: user_id's enrollments, newest first (possibly none). */
svc_status svc_enrollments_list(const svc_context *ctx, const char *user_id, svc_rows **out,
                                svc_error *err);

/* Cancels enrollment id (path text, any case; malformed ids are simply
 * not found: SVC_ENROLLMENT_NOT_FOUND) of user_id. Cancelling a cancelled
 * enrollment answers it again. *out: the row. */
svc_status svc_enrollment_cancel(const svc_context *ctx, const char *user_id, const char *id,
                                 svc_rows **out, svc_error *err);

#endif
