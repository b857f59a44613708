/* auth.h — registration, login, token refresh, the current user and who
 * is calling: the rules of DESIGN §4 between the HTTP handlers
 * (api/auth.c) and the users repository. Results follow service.h: a
 * svc_status, rows for the API layer to serialise, err filled on failure.
 */
#ifndef SERVICES_AUTH_H
#define SERVICES_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "schemas/schema.h"
#include "services/service.h"

typedef struct svc_tokens {
	char access[CORE_TOKEN_MAX];
	char refresh[CORE_TOKEN_MAX];
} svc_tokens;

/* Who is calling: a canonical lowercase UUID and the role ("" unknown). */
typedef struct svc_caller {
	char user_id[37];
	char role[16];
} svc_caller;

/* Creates the user of v (validated against schema_user_register) with
 * its profile. On SVC_OK *user holds the new user's row (schema_user;
 * free with svc_rows_free). SVC_EMAIL_TAKEN when the email is taken,
 * SVC_BUSY when the hashing pool's queue is full. */
svc_status svc_auth_register(const svc_context *ctx, const schema_values *v, svc_rows **user,
                             svc_error *err);

/* Checks email (lowercased) and password[0..len) for a caller at client
 * (its address). An unknown email costs the same password check as a
 * wrong password; an inactive user fails like a wrong password
 * (SVC_BAD_CREDENTIALS). The check runs on the hashing pool: SVC_BUSY
 * when its queue is full. Failures are counted per email and per client
 * (core/throttle.h); over either limit the answer is SVC_THROTTLED before
 * any hash, with err->retry_after. Success forgets the email's failures. A
 * bcrypt or outdated Argon2id hash is replaced by a new Argon2id hash on
 * success. */
svc_status svc_auth_login(const svc_context *ctx, const char *email, const char *password,
                          size_t len, const char *client, svc_tokens *out, svc_error *err);

/* A new token pair for a valid refresh token whose user exists and is
 * active; the role and profile come from the database, not the old token.
 * SVC_BAD_TOKEN otherwise. */
svc_status svc_auth_refresh(const svc_context *ctx, const char *refresh_token, svc_tokens *out,
                            svc_error *err);

/* The row of user_id (schema_user; SVC_USER_NOT_FOUND when gone); free
 * with svc_rows_free. */
svc_status svc_auth_user(const svc_context *ctx, const char *user_id, svc_rows **user,
                         svc_error *err);

/* The caller of a bearer access token (verified, unexpired, an access
 * token): SVC_OK with *out filled, or SVC_BAD_TOKEN. */
svc_status svc_auth_token_caller(const svc_context *ctx, const char *token, svc_caller *out,
                                 svc_error *err);

/* The caller named by a trusted gateway's X-User-ID: id must be a UUID (any
 * case; else SVC_BAD_TOKEN); the role is read from the user row ("" when
 * the user does not exist: the handler answers 404 when it reads it). */
svc_status svc_auth_gateway_caller(const svc_context *ctx, const char *id, svc_caller *out,
                                   svc_error *err);

#endif
