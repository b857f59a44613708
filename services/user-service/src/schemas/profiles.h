/* profiles.h — the schemas of the profile endpoints: the student and
 * instructor profile objects (responses), and the two update requests
 * (PUT /profile/ changes the user row, PUT /profile/instructor the
 * instructor profile row). The tables are in profiles.c; see schema.h for
 * how to add a field.
 */
#ifndef SCHEMAS_PROFILES_H
#define SCHEMAS_PROFILES_H

#include "schemas/schema.h"

/* Responses: a student_profiles / instructor_profiles row. */
extern const schema schema_student_profile;
extern const schema schema_instructor_profile;
/* GET /profile/: schema_user's fields, then student_profile or
 * instructor_profile (the role's; the other absent). */
extern const schema schema_profile;

/* PUT /profile/: first_name, last_name, phone_number (columns of users). */
extern const schema schema_profile_update;
/* PUT /profile/instructor: bio, profile_picture_url, phone_number. */
extern const schema schema_instructor_profile_update;
/* POST /profile/avatar's answer: {"profile_picture_url": ...} */
extern const schema schema_avatar;

#endif
