/* auth.c — registration, login, refresh (see auth.h). */
#include "services/auth.h"

#include <string.h>
#include <time.h>

#include "core/log.h"
#include "schemas/users.h"
#include "banned.h"

svc_status svc_auth_register(const svc_auth *a, const schema_values *v, core_db_result **user,
                             core_db_error *err)
{
	*user = NULL;
	bool taken = false;
	/* cheap answer for the common duplicate; the unique constraint decides races */
	if (repo_users_email_taken(a->users, a->db, schema_get_string(v, "email"), &taken, err))
		return SVC_DB;
	if (taken)
		return SVC_EMAIL_TAKEN;
	json_t *pw = schema_get(v, "password");
	char hash[CORE_HASH_MAX];
	if (core_password_hash(json_string_value(pw), json_string_length(pw), hash))
		return SVC_NOMEM;
	int rc = repo_users_create(a->users, a->db, v, hash, user, err);
	if (rc == CORE_DB_UNIQUE)
		return SVC_EMAIL_TAKEN;
	return rc ? SVC_DB : SVC_OK;
}

static bool user_active(const core_db_result *rows)
{
	int i = schema_field_index(&schema_user, "is_active");
	return i >= 0 && core_db_get_bool(rows, 0, (size_t)i);
}

static svc_status issue_pair(const svc_auth *a, const char *id, const char *role, svc_tokens *out,
                             core_db_error *err)
{
	char profile_id[37];
	if (repo_users_profile_id(a->users, a->db, id, role, profile_id, err))
		return SVC_DB;
	if (core_token_issue(a->sec, CORE_TOKEN_ACCESS, id, role, profile_id, out->access) ||
	    core_token_issue(a->sec, CORE_TOKEN_REFRESH, id, role, profile_id, out->refresh))
		return SVC_NOMEM;
	return SVC_OK;
}

/* Replaces the user's hash after a successful login; a failure only
 * postpones it to the next login. */
static void rehash(const svc_auth *a, const char *id, const char *old, const char *password,
                   size_t len)
{
	char hash[CORE_HASH_MAX];
	core_db_error err;
	if (core_password_hash(password, len, hash) ||
	    repo_users_set_password(a->users, a->db, id, old, hash, &err))
		core_log(CORE_LOG_WARNING, "password rehash of user %s postponed", id);
}

svc_status svc_auth_login(const svc_auth *a, const char *email, const char *password, size_t len,
                          svc_tokens *out, core_db_error *err)
{
	core_db_result *rows;
	if (repo_users_by_email(a->users, a->db, email, &rows, err))
		return SVC_DB;
	if (core_db_rows(rows) == 0) {
		core_db_result_free(rows);
		core_password_verify_dummy(a->sec, password, len);
		return SVC_BAD_CREDENTIALS;
	}
	const char *hash = core_db_get(rows, 0, core_db_cols(rows) - 1);
	bool needs_rehash = false;
	bool ok = core_password_verify(password, len, hash, &needs_rehash) && user_active(rows);
	svc_status st = SVC_BAD_CREDENTIALS;
	if (ok) {
		const char *id = schema_user_col(rows, 0, "id");
		if (needs_rehash)
			rehash(a, id, hash, password, len);
		st = issue_pair(a, id, schema_user_col(rows, 0, "role"), out, err);
	}
	core_db_result_free(rows);
	return st;
}

svc_status svc_auth_refresh(const svc_auth *a, const char *refresh_token, svc_tokens *out,
                            core_db_error *err)
{
	core_claims claims;
	if (core_token_verify(a->sec, refresh_token, CORE_TOKEN_REFRESH, (int64_t)time(NULL),
	                      &claims))
		return SVC_BAD_TOKEN;
	core_db_result *rows;
	if (repo_users_get(a->users, a->db, claims.sub, &rows, err))
		return SVC_DB;
	svc_status st = SVC_BAD_TOKEN;
	if (core_db_rows(rows) && user_active(rows))
		st = issue_pair(a, claims.sub, schema_user_col(rows, 0, "role"), out, err);
	core_db_result_free(rows);
	return st;
}

svc_status svc_auth_user(const svc_auth *a, const char *user_id, core_db_result **user,
                         core_db_error *err)
{
	if (repo_users_get(a->users, a->db, user_id, user, err))
		return SVC_DB;
	if (core_db_rows(*user) == 0) {
		core_db_result_free(*user);
		*user = NULL;
		return SVC_NOT_FOUND;
	}
	return SVC_OK;
}
