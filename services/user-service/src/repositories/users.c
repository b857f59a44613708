/* users.c — the users table and the profile register creates with each
 * user (see users.h). Column lists come from the schemas (schemas/users.c):
 * a field added there is selected, inserted and returned without an edit
 * here. */
#include "repositories/users.h"

#include <stdlib.h>
#include <string.h>

#include "core/ids.h"
#include "repositories/outbox.h"
#include "repositories/repo.h"
#include "schemas/users.h"
#include "banned.h"

/* The profile table of each role; index = the slot in profile_insert and
 * profile_id. */
static const struct {
	const char *role;
	const char *table;
} profile_tables[2] = {
    {"student", "student_profiles"},
    {"instructor", "instructor_profiles"},
};

static const char *const profile_columns[] = {"id", "user_id", "created_at", "updated_at"};

enum { MAX_INSERT = SCHEMA_MAX_FIELDS + 3 };

static int role_slot(const char *role)
{
	for (int i = 0; i < 2; i++)
		if (role && strcmp(profile_tables[i].role, role) == 0)
			return i;
	return -1;
}

/* "id", the register schema's stored fields, "created_at", "updated_at". */
static size_t insert_columns(const char **cols)
{
	size_t n = 0;
	cols[n++] = "id";
	for (size_t i = 0; i < schema_user_register.n; i++)
		if (schema_user_register.fields[i].column)
			cols[n++] = schema_user_register.fields[i].column;
	cols[n++] = "created_at";
	cols[n++] = "updated_at";
	return n;
}

static int detach(rt_buf *b, int rc, char **out)
{
	if (!rc)
		*out = rt_buf_detach(b);
	rt_buf_release(b);
	return rc || !*out ? -1 : 0;
}

static int build_profiles(repo_users *r)
{
	for (size_t i = 0; i < 2; i++) {
		rt_buf b = RT_BUF_INIT;
		int rc = repo_insert_sql(&b, profile_tables[i].table, profile_columns, 4, NULL);
		if (detach(&b, rc, &r->profile_insert[i]))
			return -1;
		rc = rt_buf_puts(&b, "SELECT id FROM ");
		rc = rc ? rc : rt_buf_add_ident(&b, profile_tables[i].table);
		rc = rc ? rc : rt_buf_puts(&b, " WHERE user_id = $1");
		if (detach(&b, rc, &r->profile_id[i]))
			return -1;
	}
	return 0;
}

int repo_users_init(repo_users *r)
{
	*r = (repo_users){0};
	rt_buf b = RT_BUF_INIT;
	const char *cols[MAX_INSERT];
	size_t n = insert_columns(cols);
	int fail = detach(&b, repo_select_sql(&b, "users", &schema_user, "id = $1"), &r->by_id);
	if (!fail) {
		/* by_email: the user columns, then password_hash */
		int rc = rt_buf_puts(&b, "SELECT ");
		rc = rc ? rc : repo_columns(&b, &schema_user);
		rc = rc ? rc
		        : rt_buf_puts(&b, ", password_hash FROM users "
		                          "WHERE lower(email) = lower($1)");
		fail = detach(&b, rc, &r->by_email);
	}
	fail = fail ? fail
	            : detach(&b,
	                     rt_buf_puts(&b, "SELECT 1 FROM users "
	                                     "WHERE lower(email) = lower($1)"),
	                     &r->email_taken);
	fail = fail ? fail
	            : detach(&b, repo_insert_sql(&b, "users", cols, n, &schema_user), &r->insert);
	fail = fail ? fail
	            : detach(&b,
	                     rt_buf_puts(&b, "UPDATE users SET password_hash = $1 "
	                                     "WHERE id = $2 AND password_hash = $3"),
	                     &r->set_password);
	fail = fail ? fail : build_profiles(r);
	if (fail)
		repo_users_release(r);
	return fail;
}

void repo_users_release(repo_users *r)
{
	free(r->by_id);
	free(r->by_email);
	free(r->email_taken);
	free(r->insert);
	free(r->set_password);
	for (size_t i = 0; i < 2; i++) {
		free(r->profile_insert[i]);
		free(r->profile_id[i]);
	}
	*r = (repo_users){0};
}

int repo_users_get(const repo_users *r, core_db *db, const char *id, core_db_result **out,
                   core_db_error *err)
{
	return core_db_query(db, r->by_id, (core_db_param[]){CORE_DB_TEXT_P(id)}, 1, out, err);
}

int repo_users_by_email(const repo_users *r, core_db *db, const char *email, core_db_result **out,
                        core_db_error *err)
{
	return core_db_query(db, r->by_email, (core_db_param[]){CORE_DB_TEXT_P(email)}, 1, out,
	                     err);
}

int repo_users_email_taken(const repo_users *r, core_db *db, const char *email, bool *taken,
                           core_db_error *err)
{
	core_db_result *rows;
	int rc = core_db_query(db, r->email_taken, (core_db_param[]){CORE_DB_TEXT_P(email)}, 1,
	                       &rows, err);
	if (rc)
		return rc;
	*taken = core_db_rows(rows) > 0;
	core_db_result_free(rows);
	return 0;
}

/* The parameters of r->insert, in insert_columns order. */
static size_t insert_params(const schema_values *v, const char *id, const char *hash,
                            const char *now, core_db_param *p)
{
	size_t n = 0;
	p[n++] = CORE_DB_TEXT_P(id);
	for (size_t i = 0; i < v->s->n; i++) {
		const schema_field *f = &v->s->fields[i];
		if (!f->column)
			continue;
		if (strcmp(f->column, "password_hash") == 0)
			p[n++] = CORE_DB_TEXT_P(hash);
		else
			p[n++] = v->v[i] ? repo_param(v->v[i]) : CORE_DB_NULL_P;
	}
	p[n++] = CORE_DB_TEXT_P(now);
	p[n++] = CORE_DB_TEXT_P(now);
	return n;
}

int repo_users_create(const repo_users *r, core_db *db, const schema_values *v,
                      const char *password_hash, core_db_result **out, core_db_error *err)
{
	int slot = role_slot(schema_get_string(v, "role"));
	if (slot < 0 || v->s != &schema_user_register) {
		err->status = CORE_DB_ERROR;
		err->message[0] = '\0';
		return CORE_DB_ERROR;
	}
	char user_id[37], profile_id[37], now[32];
	core_uuid7(user_id);
	core_uuid7(profile_id);
	core_now_rfc3339(now);
	core_db_param p[MAX_INSERT];
	size_t n = insert_params(v, user_id, password_hash, now, p);
	int rc = core_db_begin(db, err);
	if (rc)
		return rc;
	rc = core_db_query(db, r->insert, p, n, out, err);
	if (rc) {
		core_db_rollback(db);
		return rc;
	}
	const char *pid = profile_id, *uid = user_id, *at = now;
	core_db_param pp[] = {CORE_DB_TEXT_P(pid), CORE_DB_TEXT_P(uid), CORE_DB_TEXT_P(at),
	                      CORE_DB_TEXT_P(at)};
	rc = core_db_exec(db, r->profile_insert[slot], pp, 4, NULL, err);
	/* the event commits with the user, or neither does */
	rc = rc ? rc : repo_outbox_registered(r->outbox, db, *out, err);
	rc = rc ? rc : core_db_commit(db, err);
	if (rc) {
		core_db_rollback(db);
		core_db_result_free(*out);
		*out = NULL;
	}
	return rc;
}

int repo_users_profile_id(const repo_users *r, core_db *db, const char *user_id, const char *role,
                          char out[37], core_db_error *err)
{
	out[0] = '\0';
	int slot = role_slot(role);
	if (slot < 0)
		return 0;
	core_db_result *rows;
	int rc = core_db_query(db, r->profile_id[slot], (core_db_param[]){CORE_DB_TEXT_P(user_id)},
	                       1, &rows, err);
	if (rc)
		return rc;
	const char *id = core_db_rows(rows) ? core_db_get(rows, 0, 0) : NULL;
	if (id && strlen(id) == 36)
		memcpy(out, id, 37);
	core_db_result_free(rows);
	return 0;
}

int repo_users_set_password(const repo_users *r, core_db *db, const char *id, const char *old,
                            const char *new_hash, core_db_error *err)
{
	core_db_param p[] = {CORE_DB_TEXT_P(new_hash), CORE_DB_TEXT_P(id), CORE_DB_TEXT_P(old)};
	return core_db_exec(db, r->set_password, p, 3, NULL, err);
}
