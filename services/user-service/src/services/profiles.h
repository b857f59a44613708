/* profiles.h — the profile endpoints' logic: the caller's user with its
 * role's profile, and the two partial updates. Results follow service.h;
 * user_id is the authenticated caller's id.
 */
#ifndef SERVICES_PROFILES_H
#define SERVICES_PROFILES_H

#include "schemas/schema.h"
#include "services/service.h"

/* Which profile a user has, by the stored role. */
typedef enum svc_profile_kind {
	SVC_PROFILE_STUDENT,
	SVC_PROFILE_INSTRUCTOR,
} svc_profile_kind;

/* The caller's user row (schema_user) and its profile row
 * (schema_student_profile or schema_instructor_profile by kind; NULL when
 * the user has none). Release with svc_profile_release. */
typedef struct svc_profile {
	svc_rows *user;
	svc_rows *profile;
	svc_profile_kind kind;
} svc_profile;

void svc_profile_release(svc_profile *p);

/* Fills *out (released by the caller in every case). SVC_USER_NOT_FOUND
 * when the user is gone. Unknown roles count as students. */
svc_status svc_profile_get(const svc_context *ctx, const char *user_id, svc_profile *out,
                           svc_error *err);

/* Applies v (schema_profile_update): only the fields sent change, null
 * clears phone_number, updated_at becomes now. *user: the updated row
 * (schema_user), free with svc_rows_free. */
svc_status svc_profile_update(const svc_context *ctx, const char *user_id, const schema_values *v,
                              svc_rows **user, svc_error *err);

/* Applies v (schema_instructor_profile_update) to the caller's instructor
 * profile. *profile: the updated row (schema_instructor_profile).
 * SVC_NOT_INSTRUCTOR when the user is not an instructor (only instructors
 * have that row). */
svc_status svc_instructor_profile_update(const svc_context *ctx, const char *user_id,
                                         const schema_values *v, svc_rows **profile,
                                         svc_error *err);

#endif
