/* outbox.c — SQL of the transactional outbox (see outbox.h). One text for
 * both dialects except the election lock, which is a table by dialect. */
#include "repositories/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ids.h"
#include "core/log.h"
#include "repositories/repo.h"
#include "schemas/events.h"
#include "schemas/users.h"
#include "banned.h"

/* VALUES, not INSERT ... SELECT: PostgreSQL types the parameters from the
 * target columns only in VALUES. */
static const char insert_sql[] =
    "INSERT INTO outbox_events (id, seq, event_type, event_key, envelope, created_at) "
    "VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox_events), $2, $3, $4, $5) "
    "RETURNING seq";

/* Rows are seq-contiguous from the oldest kept one (the relay deletes in
 * seq order, failures aside), so "more than retention behind the newest"
 * is "over the limit". Checked every TRIM_EVERY seqs when the limit is
 * large (at most that many rows over it, one indexed DELETE per
 * TRIM_EVERY events), at every event when it is small. */
enum { TRIM_EVERY = 64 };

static int trim(const repo_outbox *o, core_db *db, int64_t seq, core_db_error *err)
{
	int64_t step = o->retention >= 16 * TRIM_EVERY ? TRIM_EVERY : 1;
	if (seq <= o->retention || seq % step != 0)
		return 0;
	int64_t dropped = 0;
	int rc =
	    core_db_exec(db, "DELETE FROM outbox_events WHERE seq <= $1",
	                 (core_db_param[]){CORE_DB_INT_P(seq - o->retention)}, 1, &dropped, err);
	if (!rc && dropped > 0)
		core_log(CORE_LOG_WARNING,
		         "outbox: %lld events over the retention limit (OUTBOX_RETENTION=%lld) "
		         "dropped, oldest first: %s",
		         (long long)dropped, (long long)o->retention,
		         o->relayed ? "the broker has not taken events for too long"
		                    : "KAFKA_BOOTSTRAP_SERVERS is not set, nothing sends them");
	return rc;
}

int repo_outbox_add(const repo_outbox *o, core_db *db, const char *event_type, const char *key,
                    json_t *payload, core_db_error *err)
{
	char id[37], now[32];
	core_uuid7(id);
	core_now_rfc3339(now);
	char *envelope = schema_event_envelope(id, event_type, now, payload);
	if (!envelope)
		return repo_nomem(err);
	const char *env = envelope, *eid = id, *at = now; /* pointers, for CORE_DB_TEXT_P */
	core_db_param p[] = {CORE_DB_TEXT_P(eid), CORE_DB_TEXT_P(event_type), CORE_DB_TEXT_P(key),
	                     CORE_DB_TEXT_P(env), CORE_DB_TEXT_P(at)};
	core_db_result *rows;
	int rc = core_db_query(db, insert_sql, p, 5, &rows, err);
	free(envelope);
	if (rc)
		return rc;
	int64_t seq = core_db_rows(rows) ? core_db_get_int(rows, 0, 0) : 0;
	core_db_result_free(rows);
	return trim(o, db, seq, err);
}

int repo_outbox_registered(const repo_outbox *o, core_db *db, const core_db_result *user,
                           core_db_error *err)
{
	const char *id = schema_user_col(user, 0, "id");
	json_t *payload = schema_event_registered(id, schema_user_col(user, 0, "email"),
	                                          schema_user_col(user, 0, "first_name"),
	                                          schema_user_col(user, 0, "last_name"));
	return repo_outbox_add(o, db, SCHEMA_EVENT_REGISTERED, id, payload, err);
}

int repo_outbox_batch(core_db *db, int64_t limit, core_db_result **out, core_db_error *err)
{
	return core_db_query(db,
	                     "SELECT id, event_key, envelope FROM outbox_events "
	                     "ORDER BY seq, id LIMIT $1",
	                     (core_db_param[]){CORE_DB_INT_P(limit)}, 1, out, err);
}

int repo_outbox_delete(core_db *db, const char *id, core_db_error *err)
{
	return core_db_exec(db, "DELETE FROM outbox_events WHERE id = $1",
	                    (core_db_param[]){CORE_DB_TEXT_P(id)}, 1, NULL, err);
}

int repo_outbox_count(core_db *db, int64_t *n, core_db_error *err)
{
	core_db_result *rows;
	int rc = core_db_query(db, "SELECT COUNT(*) FROM outbox_events", NULL, 0, &rows, err);
	if (rc)
		return rc;
	*n = core_db_rows(rows) ? core_db_get_int(rows, 0, 0) : 0;
	core_db_result_free(rows);
	return 0;
}

/* The statement that tries the election lock, by dialect; NULL: the
 * dialect needs none. */
static const struct {
	const char *dialect;
	const char *sql;
} lock_sql[] = {
    {"postgresql", "SELECT pg_try_advisory_lock($1)"},
    {"sqlite", NULL},
};

int repo_outbox_try_lock(core_db *db, const char *dialect, bool *held, core_db_error *err)
{
	*held = false;
	for (size_t i = 0; i < sizeof lock_sql / sizeof lock_sql[0]; i++) {
		if (strcmp(dialect, lock_sql[i].dialect) != 0)
			continue;
		if (!lock_sql[i].sql) {
			*held = true;
			return 0;
		}
		core_db_result *rows;
		int rc = core_db_query(db, lock_sql[i].sql,
		                       (core_db_param[]){CORE_DB_INT_P(REPO_OUTBOX_LOCK_KEY)}, 1,
		                       &rows, err);
		if (rc)
			return rc;
		*held = core_db_rows(rows) && core_db_get_bool(rows, 0, 0);
		core_db_result_free(rows);
		return 0;
	}
	err->status = CORE_DB_ERROR;
	snprintf(err->message, sizeof err->message, "no election lock for dialect %s", dialect);
	return CORE_DB_ERROR;
}
