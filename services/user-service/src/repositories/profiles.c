/* profiles.c — SQL for the profile endpoints (see profiles.h).
 *
 * The SQL text is derived from the schema tables on each call (a few
 * hundred bytes; the statement cache is keyed by text, so each distinct
 * statement is still prepared once per connection). That keeps this file
 * free of start-up state, and partial updates need per-call text anyway.
 */
#include "repositories/profiles.h"

#include "repositories/repo.h"
#include "schemas/profiles.h"
#include "schemas/users.h"
#include "banned.h"

enum { MAX_PARAMS = SCHEMA_MAX_FIELDS + 2 };

static int by_user(core_db *db, const char *table, const schema *s, const char *user_id,
                   core_db_result **out, core_db_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	*out = NULL;
	if (repo_select_sql(&sql, table, s, "\"user_id\" = $1")) {
		rt_buf_release(&sql);
		return repo_nomem(err);
	}
	int rc =
	    core_db_query(db, sql.data, (core_db_param[]){CORE_DB_TEXT_P(user_id)}, 1, out, err);
	rt_buf_release(&sql);
	return rc;
}

int repo_student_profile_get(core_db *db, const char *user_id, core_db_result **out,
                             core_db_error *err)
{
	return by_user(db, "student_profiles", &schema_student_profile, user_id, out, err);
}

int repo_instructor_profile_get(core_db *db, const char *user_id, core_db_result **out,
                                core_db_error *err)
{
	return by_user(db, "instructor_profiles", &schema_instructor_profile, user_id, out, err);
}

/* UPDATE table SET <sent fields>, updated_at WHERE key = key_value
 * RETURNING <returning>, the rows into *out. */
static int update_one(core_db *db, const char *table, const schema_values *v, const char *now,
                      const char *key, const char *key_value, const schema *returning,
                      core_db_result **out, core_db_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	core_db_param params[MAX_PARAMS];
	size_t n;
	*out = NULL;
	if (repo_update_sql(&sql, table, v, true, now, key, key_value, returning, params,
	                    MAX_PARAMS, &n)) {
		rt_buf_release(&sql);
		return repo_nomem(err);
	}
	int rc = core_db_query(db, sql.data, params, n, out, err);
	rt_buf_release(&sql);
	return rc;
}

int repo_instructor_profile_update(core_db *db, const char *user_id, const schema_values *v,
                                   const char *now, core_db_result **out, core_db_error *err)
{
	return update_one(db, "instructor_profiles", v, now, "user_id", user_id,
	                  &schema_instructor_profile, out, err);
}

int repo_profile_set_picture(core_db *db, const char *user_id, const char *url, const char *now,
                             int64_t *affected, core_db_error *err)
{
	/* a user has one profile, of one kind: the first table that has it */
	static const char *const sql[] = {
	    "UPDATE student_profiles SET profile_picture_url = $1, updated_at = $2 "
	    "WHERE user_id = $3",
	    "UPDATE instructor_profiles SET profile_picture_url = $1, updated_at = $2 "
	    "WHERE user_id = $3",
	};
	core_db_param params[] = {CORE_DB_TEXT_P(url), CORE_DB_TEXT_P(now),
	                          CORE_DB_TEXT_P(user_id)};
	*affected = 0;
	int rc = 0;
	for (size_t i = 0; !rc && !*affected && i < sizeof sql / sizeof sql[0]; i++)
		rc = core_db_exec(db, sql[i], params, 3, affected, err);
	return rc;
}

int repo_student_profile_set_education_level(core_db *db, const char *user_id,
                                             const char *education_level, const char *now,
                                             int64_t *affected, core_db_error *err)
{
	static const char sql[] = "UPDATE student_profiles SET education_level = $1, "
	                          "updated_at = $2 WHERE user_id = $3";
	core_db_param params[] = {CORE_DB_TEXT_P(education_level), CORE_DB_TEXT_P(now),
	                          CORE_DB_TEXT_P(user_id)};
	return core_db_exec(db, sql, params, 3, affected, err);
}

int repo_profile_update_user(core_db *db, const char *user_id, const schema_values *v,
                             const char *now, core_db_result **out, core_db_error *err)
{
	return update_one(db, "users", v, now, "id", user_id, &schema_user, out, err);
}
