/* auth.c — registration, login, refresh and callers (see auth.h). */
#include "services/auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/ids.h"
#include "core/log.h"
#include "schemas/users.h"
#include "banned.h"

svc_status svc_auth_register(const svc_context *ctx, const schema_values *v, svc_rows **user,
                             svc_error *err)
{
	*user = NULL;
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	const char *email = schema_get_string(v, "email");
	bool taken = false;
	core_db_error dberr;
	/* cheap answer for the common duplicate; the unique constraint decides races */
	if (repo_users_email_taken(ctx->users, db, email, &taken, &dberr))
		return svc_db_failed(&dberr, err);
	if (taken)
		return svc_fail(err, SVC_EMAIL_TAKEN, "Email %s is already registered", email);
	json_t *pw = schema_get(v, "password");
	char hash[CORE_HASH_MAX];
	if (core_password_hash(json_string_value(pw), json_string_length(pw), hash))
		return svc_fail(err, SVC_NOMEM, "out of memory hashing a password");
	int rc = repo_users_create(ctx->users, db, v, hash, user, &dberr);
	if (rc == CORE_DB_UNIQUE)
		return svc_fail(err, SVC_EMAIL_TAKEN, "Email %s is already registered", email);
	return rc ? svc_db_failed(&dberr, err) : SVC_OK;
}

static bool user_active(const core_db_result *rows)
{
	int i = schema_field_index(&schema_user, "is_active");
	return i >= 0 && core_db_get_bool(rows, 0, (size_t)i);
}

static svc_status issue_pair(const svc_context *ctx, core_db *db, const char *id, const char *role,
                             svc_tokens *out, svc_error *err)
{
	char profile_id[37];
	core_db_error dberr;
	if (repo_users_profile_id(ctx->users, db, id, role, profile_id, &dberr))
		return svc_db_failed(&dberr, err);
	if (core_token_issue(ctx->sec, CORE_TOKEN_ACCESS, id, role, profile_id, out->access) ||
	    core_token_issue(ctx->sec, CORE_TOKEN_REFRESH, id, role, profile_id, out->refresh))
		return svc_fail(err, SVC_NOMEM, "cannot issue a token");
	return SVC_OK;
}

/* Replaces the user's hash after a successful login; a failure only
 * postpones it to the next login. */
static void rehash(const svc_context *ctx, core_db *db, const char *id, const char *old,
                   const char *password, size_t len)
{
	char hash[CORE_HASH_MAX];
	core_db_error err;
	if (core_password_hash(password, len, hash) ||
	    repo_users_set_password(ctx->users, db, id, old, hash, &err))
		core_log(CORE_LOG_WARNING, "password rehash of user %s postponed", id);
}

static svc_status bad_credentials(svc_error *err)
{
	return svc_fail(err, SVC_BAD_CREDENTIALS, "Invalid email or password");
}

svc_status svc_auth_login(const svc_context *ctx, const char *email, const char *password,
                          size_t len, svc_tokens *out, svc_error *err)
{
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_db_result *rows;
	core_db_error dberr;
	if (repo_users_by_email(ctx->users, db, email, &rows, &dberr))
		return svc_db_failed(&dberr, err);
	if (core_db_rows(rows) == 0) {
		core_db_result_free(rows);
		core_password_verify_dummy(ctx->sec, password, len);
		return bad_credentials(err);
	}
	const char *hash = core_db_get(rows, 0, core_db_cols(rows) - 1);
	bool needs_rehash = false;
	bool ok = core_password_verify(password, len, hash, &needs_rehash) && user_active(rows);
	svc_status st = SVC_BAD_CREDENTIALS;
	if (ok) {
		const char *id = schema_user_col(rows, 0, "id");
		if (needs_rehash)
			rehash(ctx, db, id, hash, password, len);
		st = issue_pair(ctx, db, id, schema_user_col(rows, 0, "role"), out, err);
	} else {
		bad_credentials(err);
	}
	core_db_result_free(rows);
	return st;
}

static svc_status bad_token(svc_error *err)
{
	return svc_fail(err, SVC_BAD_TOKEN, "Could not validate credentials");
}

svc_status svc_auth_refresh(const svc_context *ctx, const char *refresh_token, svc_tokens *out,
                            svc_error *err)
{
	core_claims claims;
	if (core_token_verify(ctx->sec, refresh_token, CORE_TOKEN_REFRESH, (int64_t)time(NULL),
	                      &claims))
		return bad_token(err);
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_db_result *rows;
	core_db_error dberr;
	if (repo_users_get(ctx->users, db, claims.sub, &rows, &dberr))
		return svc_db_failed(&dberr, err);
	svc_status st = SVC_BAD_TOKEN;
	if (core_db_rows(rows) && user_active(rows))
		st = issue_pair(ctx, db, claims.sub, schema_user_col(rows, 0, "role"), out, err);
	else
		bad_token(err);
	core_db_result_free(rows);
	return st;
}

svc_status svc_auth_user(const svc_context *ctx, const char *user_id, svc_rows **user,
                         svc_error *err)
{
	*user = NULL;
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_db_error dberr;
	if (repo_users_get(ctx->users, db, user_id, user, &dberr))
		return svc_db_failed(&dberr, err);
	if (core_db_rows(*user) == 0) {
		core_db_result_free(*user);
		*user = NULL;
		return svc_fail(err, SVC_USER_NOT_FOUND, "User not found");
	}
	return SVC_OK;
}

static void set_caller(svc_caller *out, const char *user_id, const char *role)
{
	snprintf(out->user_id, sizeof out->user_id, "%s", user_id);
	snprintf(out->role, sizeof out->role, "%s", role ? role : "");
	for (char *p = out->user_id; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
}

svc_status svc_auth_token_caller(const svc_context *ctx, const char *token, svc_caller *out,
                                 svc_error *err)
{
	core_claims c;
	if (core_token_verify(ctx->sec, token, CORE_TOKEN_ACCESS, (int64_t)time(NULL), &c))
		return bad_token(err);
	set_caller(out, c.sub, c.role);
	return SVC_OK;
}

svc_status svc_auth_gateway_caller(const svc_context *ctx, const char *id, svc_caller *out,
                                   svc_error *err)
{
	if (!core_uuid_valid(id))
		return bad_token(err);
	set_caller(out, id, NULL);
	svc_rows *user;
	svc_status st = svc_auth_user(ctx, out->user_id, &user, err);
	if (st != SVC_OK && st != SVC_USER_NOT_FOUND)
		return st;
	const char *role = user ? schema_user_col(user, 0, "role") : NULL;
	snprintf(out->role, sizeof out->role, "%s", role ? role : "");
	svc_rows_free(user);
	return SVC_OK;
}
