/* profiles.c — descriptor tables of the profile schemas (see profiles.h).
 * Bounds follow the model columns (the models/ files): names are VARCHAR(100),
 * phone numbers VARCHAR(20) with at least 10 characters as at
 * registration, picture URLs VARCHAR(500), bios TEXT (unbounded).
 */
#include "schemas/profiles.h"

#include "schemas/users.h"

#include "banned.h"

enum { OPT_NULL = SCHEMA_OPTIONAL | SCHEMA_NULLABLE };

static const schema_field student_profile_fields[] = {
    {"id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "id"},
    {"user_id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "user_id"},
    {"bio", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 0, NULL, NULL, "bio"},
    {"education_level", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 0, NULL, NULL, "education_level"},
    {"profile_picture_url", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 0, NULL, NULL,
     "profile_picture_url"},
    {"created_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "created_at"},
    {"updated_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "updated_at"},
};
SCHEMA_DEFINE(schema_student_profile, student_profile_fields);

static const schema_field instructor_profile_fields[] = {
    {"id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "id"},
    {"user_id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "user_id"},
    {"bio", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 0, NULL, NULL, "bio"},
    {"profile_picture_url", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 0, NULL, NULL,
     "profile_picture_url"},
    {"phone_number", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 0, NULL, NULL, "phone_number"},
    {"total_students", SCHEMA_INT, 0, 0, 0, NULL, NULL, "total_students"},
    {"total_courses", SCHEMA_INT, 0, 0, 0, NULL, NULL, "total_courses"},
    {"average_rating", SCHEMA_NUMBER, 0, 0, 0, NULL, NULL, "average_rating"},
    {"is_verified_instructor", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, "is_verified_instructor"},
    {"verification_date", SCHEMA_DATETIME, SCHEMA_NULLABLE, 0, 0, NULL, NULL, "verification_date"},
    {"created_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "created_at"},
    {"updated_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "updated_at"},
};
SCHEMA_DEFINE(schema_instructor_profile, instructor_profile_fields);

/* Only the fields sent change; null clears phone_number and
 * education_level, while a name cannot be null (the columns are NOT NULL),
 * so null there is a 422. education_level lives on the student profile, not
 * on users: no column here, services/profiles.c writes it there. */
static const schema_field profile_update_fields[] = {
    {"first_name", SCHEMA_STRING, SCHEMA_OPTIONAL, 1, 100, NULL, NULL, "first_name"},
    {"last_name", SCHEMA_STRING, SCHEMA_OPTIONAL, 1, 100, NULL, NULL, "last_name"},
    {"phone_number", SCHEMA_STRING, OPT_NULL, 10, 20, NULL, NULL, "phone_number"},
    {"education_level", SCHEMA_STRING, OPT_NULL, 0, 100, NULL, NULL, NULL},
};
SCHEMA_DEFINE(schema_profile_update, profile_update_fields);

static const schema_field instructor_profile_update_fields[] = {
    {"bio", SCHEMA_STRING, OPT_NULL, 0, 0, NULL, NULL, "bio"},
    {"profile_picture_url", SCHEMA_STRING, OPT_NULL, 0, 500, NULL, NULL, "profile_picture_url"},
    {"phone_number", SCHEMA_STRING, OPT_NULL, 10, 20, NULL, NULL, "phone_number"},
};
SCHEMA_DEFINE(schema_instructor_profile_update, instructor_profile_update_fields);

/* GET /profile/: the user, and the profile of its role under its key; the
 * other key is null, as the Python service answers (api/profiles.c builds
 * it). */
static const schema_field profile_fields[] = {
    {"student_profile", SCHEMA_OBJECT, SCHEMA_NULLABLE, 0, 0, NULL, NULL, NULL},
    {"instructor_profile", SCHEMA_OBJECT, SCHEMA_NULLABLE, 0, 0, NULL, NULL, NULL},
};
static const schema *const profile_objects[] = {&schema_student_profile,
                                                &schema_instructor_profile};
SCHEMA_DEFINE_EXTENDS(schema_profile, schema_user, profile_fields, profile_objects);

/* POST /profile/avatar's answer: where the stored picture is served. */
static const schema_field avatar_fields[] = {
    {"profile_picture_url", SCHEMA_STRING, 0, 0, 500, NULL, NULL, NULL},
};
SCHEMA_DEFINE(schema_avatar, avatar_fields);
