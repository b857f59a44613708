/* db_route.c — replica reads with read-your-writes (see db_route.h). */
#include "core/db_route.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "banned.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The primary's current WAL position into lsn ("16/B374D848"). */
static int primary_lsn(core_db *db, char *lsn, size_t len, core_db_error *err)
{
	core_db_result *r = NULL;
	if (core_db_query(db, "SELECT pg_catalog.pg_current_wal_lsn()::text", NULL, 0, &r, err))
		return -1;
	const char *v = core_db_rows(r) ? core_db_get(r, 0, 0) : NULL;
	int rc = v && strlen(v) < len ? 0 : -1;
	if (!rc)
		snprintf(lsn, len, "%s", v);
	core_db_result_free(r);
	return rc;
}

/* 1: replica has replayed up to lsn; 0: not yet; -1: it does not answer
 * (or is not a standby: pg_last_wal_replay_lsn is NULL on a primary). */
static int caught_up(core_db *replica, const char *lsn)
{
	core_db_error err;
	core_db_result *r = NULL;
	if (core_db_query(replica,
	                  "SELECT pg_catalog.pg_last_wal_replay_lsn() >= CAST($1 AS pg_lsn)",
	                  (core_db_param[]){CORE_DB_TEXT_P(lsn)}, 1, &r, &err))
		return -1;
	const char *v = core_db_rows(r) ? core_db_get(r, 0, 0) : NULL;
	int rc = !v ? -1 : strcmp(v, "t") == 0;
	core_db_result_free(r);
	return rc;
}

core_db *core_db_route_read(core_db_pool *primary, core_db_pool *replica, long wait_ms,
                            core_db_error *err)
{
	core_db *p = core_db_pool_get(primary, err);
	if (!p || !replica)
		return p;
	char lsn[64];
	core_db_error ignored;
	if (primary_lsn(p, lsn, sizeof lsn, &ignored))
		return p; /* the request's own query on the primary reports it */
	/* nowait: a replica whose connect hangs must not hold up the read */
	core_db *r = core_db_pool_get_nowait(replica, &ignored);
	long deadline = now_ms() + wait_ms;
	for (int state; r && (state = caught_up(r, lsn)) >= 0;) {
		if (state)
			return r;
		if (now_ms() >= deadline)
			break;
	}
	return p;
}
