/* users.h — the users table (and the profile row register creates with a
 * user). The SQL text is built once from the schemas by repo_users_init and
 * kept in the application context (api_ctx(req)->users); values are always
 * bound parameters.
 *
 * A user record is one row of a core_db_result whose columns are
 * repo_columns(&schema_user): serialise it with schema_user_json, read a
 * field with schema_user_col (schemas/users.h).
 */
#ifndef REPOSITORIES_USERS_H
#define REPOSITORIES_USERS_H

#include <stdbool.h>

#include "core/db.h"
#include "schemas/schema.h"

/* The SQL text; read-only after repo_users_init. */
typedef struct repo_users {
	char *by_id;        /* SELECT <user columns> FROM users WHERE id = $1 */
	char *by_email;     /* SELECT <user columns>, password_hash ... WHERE email = $1 */
	char *email_taken;  /* SELECT 1 FROM users WHERE email = $1 */
	char *insert;       /* INSERT INTO users (...) ... RETURNING <user columns> */
	char *set_password; /* UPDATE users SET password_hash = $1 WHERE id = $2 AND ... = $3 */
	char *profile_insert[2]; /* per role (see users.c): INSERT INTO <role>_profiles ... */
	char *profile_id[2];     /* per role: SELECT id FROM <role>_profiles WHERE user_id = $1 */
	const struct repo_outbox *outbox; /* borrowed: user.registered goes there */
} repo_users;

/* Builds the SQL text. Returns 0, or -1 when out of memory (r then holds
 * nothing to release). Release with repo_users_release. */
int repo_users_init(repo_users *r);
void repo_users_release(repo_users *r);

/* The user with id (a canonical UUID; check with core_uuid_valid first).
 * *out receives the rows, one or zero (no such user); the caller frees it
 * with core_db_result_free. Returns CORE_DB_OK or a negative core_db_status
 * with err filled (answer with api_db_failed). */
int repo_users_get(const repo_users *r, core_db *db, const char *id, core_db_result **out,
                   core_db_error *err);

/* The user with email (lowercased) for login: the columns of
 * repo_users_get, then password_hash (column schema_user.n); zero or one
 * row. Same returns as above. */
int repo_users_by_email(const repo_users *r, core_db *db, const char *email, core_db_result **out,
                        core_db_error *err);

/* Inserts the user and its student or instructor profile (by the value
 * of "role") in one transaction: fresh UUIDv7 ids, created_at = updated_at
 * = now, the columns of v's schema (schema_user_register) from v, with
 * password_hash bound in the password's place. *out receives the user row
 * (columns as repo_users_get). Returns CORE_DB_OK, CORE_DB_UNIQUE when the
 * email is taken (also when another request took it a moment ago), or
 * another negative status. */
int repo_users_create(const repo_users *r, core_db *db, const schema_values *v,
                      const char *password_hash, core_db_result **out, core_db_error *err);

/* True in *taken when a user has email (lowercased). */
int repo_users_email_taken(const repo_users *r, core_db *db, const char *email, bool *taken,
                           core_db_error *err);

/* The id of the user's profile for role ("student": student_profiles,
 * "instructor": instructor_profiles) into out; "" when it has none or the
 * role is neither. */
int repo_users_profile_id(const repo_users *r, core_db *db, const char *user_id, const char *role,
                          char out[37], core_db_error *err);

/* Replaces the password hash of user id, only if it still is old (a
 * concurrent change wins). */
int repo_users_set_password(const repo_users *r, core_db *db, const char *id, const char *old,
                            const char *new_hash, core_db_error *err);

#endif
