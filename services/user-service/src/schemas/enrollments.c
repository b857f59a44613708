/* enrollments.c — descriptor tables of the enrollment schemas (see
 * enrollments.h). course_id is the course service's id: no foreign key
 * here, but the column is a 32-bit INTEGER, so larger values are a 422
 * rather than a database error.
 */
#include "schemas/enrollments.h"

#include "banned.h"

static const schema_field enrollment_fields[] = {
    {"id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "id"},
    {"user_id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "user_id"},
    {"course_id", SCHEMA_INT, 0, 0, 0, NULL, NULL, "course_id"},
    {"status", SCHEMA_CHOICE, 0, 0, 0, SCHEMA_ENROLLMENT_ACTIVE "|" SCHEMA_ENROLLMENT_CANCELLED,
     NULL, "status"},
    {"created_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "created_at"},
};
SCHEMA_DEFINE(schema_enrollment, enrollment_fields);

static const schema_field enrollment_create_fields[] = {
    {"course_id", SCHEMA_INT, 0, 1, 2147483647, NULL, NULL, "course_id"},
};
SCHEMA_DEFINE(schema_enrollment_create, enrollment_create_fields);
