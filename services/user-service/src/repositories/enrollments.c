/* enrollments.c — SQL for the enrollment endpoints (see enrollments.h).
 * As in profiles.c, the SQL text is derived from the schema tables on each
 * call; the statement cache makes each text a prepared statement once per
 * connection.
 */
#include "repositories/enrollments.h"

#include "repositories/repo.h"
#include "schemas/enrollments.h"
#include "banned.h"

enum { FIXED_COLUMNS = 4, MAX_COLUMNS = FIXED_COLUMNS + SCHEMA_MAX_FIELDS };

static const char table[] = "user_enrollments";

int repo_enrollment_insert(core_db *db, const char *id, const char *user_id, const schema_values *v,
                           const char *now, core_db_result **out, core_db_error *err)
{
	/* the columns the service sets, then those of the request schema */
	const char *columns[MAX_COLUMNS] = {"id", "user_id", "status", "created_at"};
	core_db_param params[MAX_COLUMNS] = {
	    CORE_DB_TEXT_P(id),
	    CORE_DB_TEXT_P(user_id),
	    CORE_DB_TEXT_P(SCHEMA_ENROLLMENT_ACTIVE),
	    CORE_DB_TEXT_P(now),
	};
	size_t n = FIXED_COLUMNS;
	for (size_t i = 0; i < v->s->n && i < SCHEMA_MAX_FIELDS; i++) {
		if (!v->s->fields[i].column || !v->v[i])
			continue;
		columns[n] = v->s->fields[i].column;
		params[n++] = repo_param(v->v[i]);
	}
	rt_buf sql = RT_BUF_INIT;
	*out = NULL;
	if (repo_insert_sql(&sql, table, columns, n, &schema_enrollment)) {
		rt_buf_release(&sql);
		return repo_nomem(err);
	}
	int rc = core_db_query(db, sql.data, params, n, out, err);
	rt_buf_release(&sql);
	return rc;
}

int repo_enrollments_list(core_db *db, const char *user_id, core_db_result **out,
                          core_db_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	*out = NULL;
	/* ids are UUIDv7, time-ordered: the tie-break for equal times */
	if (repo_select_sql(&sql, table, &schema_enrollment, "\"user_id\" = $1") ||
	    rt_buf_puts(&sql, " ORDER BY \"created_at\" DESC, \"id\" DESC")) {
		rt_buf_release(&sql);
		return repo_nomem(err);
	}
	int rc =
	    core_db_query(db, sql.data, (core_db_param[]){CORE_DB_TEXT_P(user_id)}, 1, out, err);
	rt_buf_release(&sql);
	return rc;
}

int repo_enrollment_set_status(core_db *db, const char *id, const char *user_id, const char *status,
                               core_db_result **out, core_db_error *err)
{
	rt_buf sql = RT_BUF_INIT;
	*out = NULL;
	int brc = rt_buf_puts(&sql, "UPDATE ");
	brc = brc ? brc : rt_buf_add_ident(&sql, table);
	brc = brc ? brc
	          : rt_buf_puts(&sql, " SET \"status\" = $1 WHERE \"id\" = $2 AND \"user_id\" = $3"
	                              " RETURNING ");
	brc = brc ? brc : repo_columns(&sql, &schema_enrollment);
	if (brc) {
		rt_buf_release(&sql);
		return repo_nomem(err);
	}
	core_db_param params[] = {CORE_DB_TEXT_P(status), CORE_DB_TEXT_P(id),
	                          CORE_DB_TEXT_P(user_id)};
	int rc = core_db_query(db, sql.data, params, 3, out, err);
	rt_buf_release(&sql);
	return rc;
}
