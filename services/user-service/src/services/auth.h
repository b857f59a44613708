/* auth.h — registration, login, token refresh and the current user: the
 * rules of DESIGN §4 between the HTTP handlers (api/auth.c) and the users
 * repository. Nothing here knows HTTP; results are svc_status codes the
 * handler turns into answers.
 */
#ifndef SERVICES_AUTH_H
#define SERVICES_AUTH_H

#include <stddef.h>

#include "core/db.h"
#include "core/security.h"
#include "repositories/users.h"
#include "schemas/schema.h"

typedef enum svc_status {
	SVC_OK = 0,
	SVC_DB = -1,              /* a database call failed: err says how */
	SVC_EMAIL_TAKEN = -2,     /* register: 400 */
	SVC_BAD_CREDENTIALS = -3, /* login: 401 "Invalid email or password" */
	SVC_BAD_TOKEN = -4,       /* refresh: 401 */
	SVC_NOT_FOUND = -5,       /* the user does not exist (any more) */
	SVC_NOMEM = -6,
} svc_status;

/* What the calls work with; all borrowed for the call. */
typedef struct svc_auth {
	const core_security *sec;
	const repo_users *users;
	core_db *db;
} svc_auth;

typedef struct svc_tokens {
	char access[CORE_TOKEN_MAX];
	char refresh[CORE_TOKEN_MAX];
} svc_tokens;

/* Creates the user of v (validated against schema_user_register) with
 * its profile. On SVC_OK *user holds the new user's row (free with
 * core_db_result_free). */
svc_status svc_auth_register(const svc_auth *a, const schema_values *v, core_db_result **user,
                             core_db_error *err);

/* Checks email (lowercased) and password[0..len). An unknown email costs
 * the same password check as a wrong password; an inactive user fails
 * like a wrong password. A bcrypt or outdated Argon2id hash is replaced by
 * a new Argon2id hash on success. */
svc_status svc_auth_login(const svc_auth *a, const char *email, const char *password, size_t len,
                          svc_tokens *out, core_db_error *err);

/* A new token pair for a valid refresh token whose user exists and is
 * active; the role and profile come from the database, not the old token. */
svc_status svc_auth_refresh(const svc_auth *a, const char *refresh_token, svc_tokens *out,
                            core_db_error *err);

/* The row of user_id (SVC_NOT_FOUND when gone); free with
 * core_db_result_free. */
svc_status svc_auth_user(const svc_auth *a, const char *user_id, core_db_result **user,
                         core_db_error *err);

#endif
