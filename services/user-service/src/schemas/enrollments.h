/* enrollments.h — the schemas of the enrollment endpoints: the enrollment
 * object (response) and the POST /enrollments request. The tables are in
 * enrollments.c; see schema.h for how to add a field.
 */
#ifndef SCHEMAS_ENROLLMENTS_H
#define SCHEMAS_ENROLLMENTS_H

#include "schemas/schema.h"

/* Response: an enrollments row (id, user_id, course_id, status, created_at). */
extern const schema schema_enrollment;
/* POST /enrollments: course_id, an integer in 1..2^31-1. */
extern const schema schema_enrollment_create;

/* The values of enrollments.status. */
#define SCHEMA_ENROLLMENT_ACTIVE    "active"
#define SCHEMA_ENROLLMENT_CANCELLED "cancelled"

#endif
