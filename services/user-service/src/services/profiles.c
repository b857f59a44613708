/* profiles.c — the profile endpoints' logic (see profiles.h). The role
 * that decides which profile a user has is the stored one, not the one in
 * the token; PUT /profile/instructor needs no separate role check because
 * only instructors have an instructor_profiles row (register creates it),
 * so the update itself finds out, in one statement.
 */
#include "services/profiles.h"

#include <string.h>

#include "core/ids.h"
#include "repositories/outbox.h"
#include "repositories/profiles.h"
#include "schemas/events.h"
#include "schemas/users.h"
#include "banned.h"

/* The profile table that goes with a role. */
static const struct {
	const char *role;
	svc_profile_kind kind;
	int (*get)(core_db *, const char *, core_db_result **, core_db_error *);
} by_role[] = {
    {"instructor", SVC_PROFILE_INSTRUCTOR, repo_instructor_profile_get},
    {"student", SVC_PROFILE_STUDENT, repo_student_profile_get},
};

void svc_profile_release(svc_profile *p)
{
	svc_rows_free(p->user);
	svc_rows_free(p->profile);
	*p = (svc_profile){0};
}

static svc_status no_user(svc_error *err)
{
	return svc_fail(err, SVC_USER_NOT_FOUND, "User not found");
}

static svc_status not_instructor(svc_error *err)
{
	return svc_fail(err, SVC_NOT_INSTRUCTOR, "Only instructors have an instructor profile");
}

svc_status svc_profile_get(const svc_context *ctx, const char *user_id, svc_profile *out,
                           svc_error *err)
{
	*out = (svc_profile){0};
	if (!core_uuid_valid(user_id))
		return no_user(err);
	core_db *db = svc_db_read(ctx, err);
	if (!db)
		return err->status;
	core_db_error dberr;
	if (repo_users_get(ctx->users, db, user_id, &out->user, &dberr))
		return svc_db_failed(&dberr, err);
	if (core_db_rows(out->user) == 0)
		return no_user(err);
	const char *role = schema_user_col(out->user, 0, "role");
	size_t k = sizeof by_role / sizeof by_role[0] - 1; /* unknown roles: student */
	for (size_t i = 0; role && i < sizeof by_role / sizeof by_role[0]; i++)
		if (strcmp(role, by_role[i].role) == 0)
			k = i;
	out->kind = by_role[k].kind;
	if (by_role[k].get(db, user_id, &out->profile, &dberr))
		return svc_db_failed(&dberr, err);
	if (core_db_rows(out->profile) == 0) {
		svc_rows_free(out->profile);
		out->profile = NULL;
	}
	return SVC_OK;
}

/* The one row of an update, or status when it matched none. */
static svc_status updated(int rc, const core_db_error *dberr, svc_rows **rows, svc_status none,
                          svc_error *err)
{
	if (rc)
		return svc_db_failed(dberr, err);
	if (core_db_rows(*rows) > 0)
		return SVC_OK;
	svc_rows_free(*rows);
	*rows = NULL;
	return none == SVC_USER_NOT_FOUND ? no_user(err) : not_instructor(err);
}

svc_status svc_profile_update(const svc_context *ctx, const char *user_id, const schema_values *v,
                              svc_rows **user, svc_error *err)
{
	char now[32];
	*user = NULL;
	if (!core_uuid_valid(user_id))
		return no_user(err);
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_now_rfc3339(now);
	core_db_error dberr;
	/* education_level is the student profile's (an instructor has none:
	 * nothing to set); it changes in the transaction of the user's row */
	int edu = schema_field_index(v->s, "education_level");
	bool set_edu = edu >= 0 && v->sent[edu];
	bool event = schema_event_fields_sent(v) > 0;
	if (!event && !set_edu) /* nothing changes: no event (as in Python) */
		return updated(repo_profile_update_user(db, user_id, v, now, user, &dberr), &dberr,
		               user, SVC_USER_NOT_FOUND, err);
	if (core_db_begin(db, &dberr))
		return svc_db_failed(&dberr, err);
	int rc = 0;
	if (set_edu) {
		int64_t n;
		rc = repo_student_profile_set_education_level(
		    db, user_id, json_string_value(v->v[edu]), now, &n, &dberr);
	}
	rc = rc ? rc : repo_profile_update_user(db, user_id, v, now, user, &dberr);
	if (!rc && event && core_db_rows(*user) > 0) /* the event commits with the change */
		rc = repo_outbox_add(ctx->outbox, db, SCHEMA_EVENT_PROFILE_UPDATED, user_id,
		                     schema_event_profile_updated(user_id, v), &dberr);
	rc = rc ? rc : core_db_commit(db, &dberr);
	if (rc) {
		core_db_rollback(db);
		svc_rows_free(*user);
		*user = NULL;
	}
	return updated(rc, &dberr, user, SVC_USER_NOT_FOUND, err);
}

svc_status svc_instructor_profile_update(const svc_context *ctx, const char *user_id,
                                         const schema_values *v, svc_rows **profile, svc_error *err)
{
	char now[32];
	*profile = NULL;
	if (!core_uuid_valid(user_id))
		return not_instructor(err);
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_now_rfc3339(now);
	core_db_error dberr;
	int rc = repo_instructor_profile_update(db, user_id, v, now, profile, &dberr);
	return updated(rc, &dberr, profile, SVC_NOT_INSTRUCTOR, err);
}
