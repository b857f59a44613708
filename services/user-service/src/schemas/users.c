/* users.c — the user schemas (see users.h). Bounds and messages follow the
 * Python service's pydantic models. */
#include "schemas/users.h"

#include "banned.h"

/* Every field stored and serialised (see users.h: field i is column i). */
static const schema_field user_fields[] = {
    {"id", SCHEMA_UUID, 0, 0, 0, NULL, NULL, "id"},
    {"email", SCHEMA_EMAIL, 0, 0, 0, NULL, NULL, "email"},
    {"first_name", SCHEMA_STRING, 0, 1, 100, NULL, NULL, "first_name"},
    {"last_name", SCHEMA_STRING, 0, 1, 100, NULL, NULL, "last_name"},
    {"role", SCHEMA_CHOICE, 0, 0, 0, "student|instructor", NULL, "role"},
    {"is_active", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, "is_active"},
    {"is_verified", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, "is_verified"},
    {"phone_number", SCHEMA_STRING, SCHEMA_NULLABLE, 10, 20, NULL, NULL, "phone_number"},
    {"created_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "created_at"},
    {"updated_at", SCHEMA_DATETIME, 0, 0, 0, NULL, NULL, "updated_at"},
};
SCHEMA_DEFINE(schema_user, user_fields);

/* Emails are at most 254 characters (RFC 5321's path limit; the column
 * holds 255), checked before the address's form. */
enum { EMAIL_MAX = 254 };

/* The password is stored as its hash: the repository binds the hash in the
 * password's place (column password_hash). */
static const schema_field register_fields[] = {
    {"email", SCHEMA_EMAIL, 0, 0, EMAIL_MAX, NULL, NULL, "email"},
    {"first_name", SCHEMA_STRING, 0, 1, 100, NULL, NULL, "first_name"},
    {"last_name", SCHEMA_STRING, 0, 1, 100, NULL, NULL, "last_name"},
    {"password", SCHEMA_STRING, SCHEMA_WRITE_ONLY, 8, 100, NULL, NULL, "password_hash"},
    {"role", SCHEMA_CHOICE, SCHEMA_OPTIONAL, 0, 0, "student|instructor", "\"student\"", "role"},
    {"phone_number", SCHEMA_STRING, SCHEMA_OPTIONAL | SCHEMA_NULLABLE, 10, 20, NULL, NULL,
     "phone_number"},
};
SCHEMA_DEFINE(schema_user_register, register_fields);

static const schema_field login_fields[] = {
    {"email", SCHEMA_EMAIL, 0, 0, EMAIL_MAX, NULL, NULL, NULL},
    {"password", SCHEMA_STRING, SCHEMA_WRITE_ONLY, 0, 0, NULL, NULL, NULL},
};
SCHEMA_DEFINE(schema_user_login, login_fields);

static const schema_field refresh_fields[] = {
    {"refresh_token", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
};
SCHEMA_DEFINE(schema_token_refresh, refresh_fields);

/* The answer of login and refresh (api/auth.c builds it). */
static const schema_field token_pair_fields[] = {
    {"access_token", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
    {"refresh_token", SCHEMA_STRING, 0, 0, 0, NULL, NULL, NULL},
    {"token_type", SCHEMA_CHOICE, 0, 0, 0, "bearer", NULL, NULL},
};
SCHEMA_DEFINE(schema_token_pair, token_pair_fields);

json_t *schema_user_json(const core_db_result *r, size_t row)
{
	return schema_serialize_row(&schema_user, r, row);
}

char *schema_user_text(const core_db_result *r, size_t row)
{
	rt_buf b = RT_BUF_INIT;
	if (schema_write_row(&b, &schema_user, r, row)) {
		rt_buf_release(&b);
		return NULL;
	}
	return rt_buf_detach(&b);
}

const char *schema_user_col(const core_db_result *r, size_t row, const char *name)
{
	int i = schema_field_index(&schema_user, name);
	if (i < 0 || (size_t)i >= core_db_cols(r))
		return NULL;
	return core_db_get(r, row, (size_t)i);
}
