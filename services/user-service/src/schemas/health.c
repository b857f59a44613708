/* health.c — descriptor tables of the health answers (see health.h). */
#include "schemas/health.h"

#include "banned.h"

static const schema_field dependencies_fields[] = {
    /* "ok", or why the database does not answer */
    {"database", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
};
SCHEMA_DEFINE(schema_health_dependencies, dependencies_fields);

static const schema_field health_fields[] = {
    {"status", SCHEMA_CHOICE, 0, 0, 0, "ok|degraded", NULL, NULL},
    {"service", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
    {"dependencies", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL, NULL},
};
static const schema *const health_objects[] = {&schema_health_dependencies};
SCHEMA_DEFINE_NESTED(schema_health, health_fields, health_objects);

static const schema_field ready_fields[] = {
    {"status", SCHEMA_CHOICE, 0, 0, 0, "ready", NULL, NULL},
    {"revision", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
};
SCHEMA_DEFINE(schema_ready, ready_fields);
