/* auth.c — registration, login, refresh and callers (see auth.h). */
#include "services/auth.h"

#include <ctype.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/cpu_pool.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/throttle.h"
#include "repositories/outbox.h"
#include "schemas/events.h"
#include "schemas/users.h"
#include "banned.h"

/* ---- password work, on the hashing pool (core/cpu_pool.h) ---- */

typedef struct password_job {
	const core_security *sec;
	const char *password;
	size_t len;
	const char *hash;        /* verify: the stored hash; NULL: the dummy check */
	char out[CORE_HASH_MAX]; /* hash: the new hash */
	bool ok, needs_rehash;
} password_job;

static void run_hash(void *arg)
{
	password_job *j = arg;
	j->ok = core_password_hash(j->password, j->len, j->out) == 0;
}

static void run_verify(void *arg)
{
	password_job *j = arg;
	if (j->hash)
		j->ok = core_password_verify(j->password, j->len, j->hash, &j->needs_rehash);
	else
		j->ok = core_password_verify_dummy(j->sec, j->password, j->len); /* false */
}

/* Runs fn(j) on the hashing pool; SVC_BUSY (503, retry in a second) when
 * its queue is full: nothing was computed. */
static svc_status off_loop(const svc_context *ctx, core_cpu_job_fn fn, password_job *j,
                           svc_error *err)
{
	svc_stats *st = ctx->stats;
	if (st)
		atomic_fetch_add_explicit(&st->hashes_in_flight, 1, memory_order_relaxed);
	int rc = core_cpu_pool_run(ctx->hashing, fn, j);
	if (st) {
		atomic_fetch_sub_explicit(&st->hashes_in_flight, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(rc ? &st->hashes_refused : &st->hashes_done, 1,
		                          memory_order_relaxed);
	}
	if (rc == 0)
		return SVC_OK;
	svc_fail(err, SVC_BUSY, "Service busy, try again shortly");
	err->retry_after = 1;
	return SVC_BUSY;
}

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
	password_job j = {.password = json_string_value(pw), .len = json_string_length(pw)};
	if (off_loop(ctx, run_hash, &j, err))
		return err->status;
	if (!j.ok)
		return svc_fail(err, SVC_NOMEM, "out of memory hashing a password");
	int rc = repo_users_create(ctx->users, db, v, j.out, user, &dberr);
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

/* Replaces the user's hash after a successful login; a failure (also a
 * full hashing queue) only postpones it to the next login. */
static void rehash(const svc_context *ctx, core_db *db, const char *id, const char *old,
                   const char *password, size_t len)
{
	password_job j = {.password = password, .len = len};
	svc_error busy;
	core_db_error err;
	if (off_loop(ctx, run_hash, &j, &busy) || !j.ok ||
	    repo_users_set_password(ctx->users, db, id, old, j.out, &err))
		core_log(CORE_LOG_WARNING, "password rehash of user %s postponed", id);
}

static svc_status bad_credentials(svc_error *err)
{
	return svc_fail(err, SVC_BAD_CREDENTIALS, "Invalid email or password");
}

/* The throttle keys of an email and a client address. */
static void throttle_keys(const char *email, const char *client, char ekey[300], char akey[80])
{
	/* one key per account: emails match in any letter case */
	snprintf(ekey, 300, "e:%s", email);
	for (char *p = ekey; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(akey, 80, "a:%s", client);
}

/* SVC_THROTTLED with the longer of the two waits, or SVC_OK. */
static svc_status throttled(const svc_context *ctx, const char *ekey, const char *akey, int64_t now,
                            svc_error *err)
{
	unsigned we = core_throttle_wait(ctx->failed_email, ekey, now);
	unsigned wa = core_throttle_wait(ctx->failed_addr, akey, now);
	if (!we && !wa)
		return SVC_OK;
	svc_fail(err, SVC_THROTTLED, "Too many login attempts");
	err->retry_after = we > wa ? we : wa;
	return SVC_THROTTLED;
}

/* Looks the user up and checks the password (on the hashing pool): true
 * in *ok when it matches an active user, whose row stays in *rows. */
static svc_status check_password(const svc_context *ctx, core_db *db, const char *email,
                                 const char *password, size_t len, core_db_result **rows, bool *ok,
                                 svc_error *err)
{
	core_db_error dberr;
	*ok = false;
	if (repo_users_by_email(ctx->users, db, email, rows, &dberr))
		return svc_db_failed(&dberr, err);
	password_job j = {.sec = ctx->sec, .password = password, .len = len};
	if (core_db_rows(*rows))
		j.hash = core_db_get(*rows, 0, core_db_cols(*rows) - 1);
	if (off_loop(ctx, run_verify, &j, err))
		return err->status;
	*ok = j.ok && j.hash && user_active(*rows);
	/* "$2": bcrypt, carried over from the Python service */
	bool keep = ctx->keep_bcrypt_hashes && strncmp(j.hash, "$2", 2) == 0;
	if (*ok && j.needs_rehash && !keep)
		rehash(ctx, db, schema_user_col(*rows, 0, "id"), j.hash, password, len);
	return SVC_OK;
}

/* user.login in the outbox: no login is answered without its event. */
static svc_status login_event(const svc_context *ctx, core_db *db, const core_db_result *user,
                              svc_error *err)
{
	core_db_error dberr;
	const char *id = schema_user_col(user, 0, "id");
	json_t *payload = schema_event_login(id, schema_user_col(user, 0, "email"));
	if (repo_outbox_add(ctx->outbox, db, SCHEMA_EVENT_LOGIN, id, payload, &dberr))
		return svc_db_failed(&dberr, err);
	return SVC_OK;
}

svc_status svc_auth_login(const svc_context *ctx, const char *email, const char *password,
                          size_t len, const char *client, svc_tokens *out, svc_error *err)
{
	char ekey[300], akey[80];
	int64_t now = (int64_t)time(NULL);
	throttle_keys(email, client, ekey, akey);
	if (throttled(ctx, ekey, akey, now, err))
		return err->status; /* before any hash: refusing costs nothing */
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_db_result *rows = NULL;
	bool ok;
	svc_status st = check_password(ctx, db, email, password, len, &rows, &ok, err);
	if (st == SVC_OK && ok) {
		core_throttle_reset(ctx->failed_email, ekey);
		st = issue_pair(ctx, db, schema_user_col(rows, 0, "id"),
		                schema_user_col(rows, 0, "role"), out, err);
		st = st ? st : login_event(ctx, db, rows, err);
	} else if (st == SVC_OK) {
		core_throttle_fail(ctx->failed_email, ekey, now);
		core_throttle_fail(ctx->failed_addr, akey, now);
		st = bad_credentials(err);
	}
	core_db_result_free(rows);
	return st;
}

static svc_status bad_token(svc_error *err)
{
	return svc_fail(err, SVC_BAD_TOKEN, "Could not validate credentials");
}

/* Every refresh failure says the same, as the Python service's does (its
 * clients may test for the text). */
static svc_status bad_refresh(svc_error *err)
{
	return svc_fail(err, SVC_BAD_TOKEN, "Invalid refresh token");
}

svc_status svc_auth_refresh(const svc_context *ctx, const char *refresh_token, svc_tokens *out,
                            svc_error *err)
{
	core_claims claims;
	if (core_token_verify(ctx->sec, refresh_token, CORE_TOKEN_REFRESH, (int64_t)time(NULL),
	                      &claims))
		return bad_refresh(err);
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
		bad_refresh(err);
	core_db_result_free(rows);
	return st;
}

svc_status svc_auth_user(const svc_context *ctx, const char *user_id, svc_rows **user,
                         svc_error *err)
{
	*user = NULL;
	core_db *db = svc_db_read(ctx, err);
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
