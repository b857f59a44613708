/* users.h — the user schemas: the request bodies of POST /auth/register,
 * /auth/login and /auth/refresh, and the user as every endpoint answers it
 * (DESIGN §4 "User JSON").
 *
 * schema_user lists only stored, serialised fields, so a row selected with
 * repo_columns(&schema_user) has field i of the table in column i; that is
 * what schema_user_col relies on.
 */
#ifndef SCHEMAS_USERS_H
#define SCHEMAS_USERS_H

#include <jansson.h>

#include "core/db.h"
#include "schemas/schema.h"

/* id, email, first_name, last_name, role, is_active, is_verified,
 * phone_number, created_at, updated_at. */
extern const schema schema_user;
/* email, first_name, last_name, password, role, phone_number. */
extern const schema schema_user_register;
/* email, password. */
extern const schema schema_user_login;
/* refresh_token. */
extern const schema schema_token_refresh;
/* Response of login and refresh: access_token, refresh_token, token_type
 * ("bearer"). */
extern const schema schema_token_pair;

/* The user JSON for row of r (columns as repo_columns(&schema_user)):
 * booleans as JSON booleans, times RFC 3339 UTC, phone_number null when
 * unset. New reference; NULL when out of memory. */
json_t *schema_user_json(const core_db_result *r, size_t row);
/* The same as JSON text (malloc'd, the caller frees it), for answers that
 * are the user alone; NULL when out of memory. */
char *schema_user_text(const core_db_result *r, size_t row);

/* The text of field name ("role", "id", ...) in row of r, selected as
 * above; NULL for SQL NULL or an unknown name. Borrowed from r. */
const char *schema_user_col(const core_db_result *r, size_t row, const char *name);

#endif
