/* health.c — health and readiness (see health.h). Both ask through the
 * worker's own connection, so they also prove the pool works. */
#include "services/health.h"

#include <stdio.h>
#include <string.h>

#include "core/drain.h"
#include "core/log.h"
#include "core/revision.h"
#include "banned.h"

enum { MAX_HEADS = 8 };

/* The cause's last words: the first line's text after its last ": ",
 * without surrounding blanks. libpq's "connection to server at \"h\",
 * port 5432 failed: Connection refused\n\tIs the server running..."
 * gives "Connection refused"; SQLite's "cannot open 'f': unable to open
 * database file" gives "unable to open database file". */
static void cause(const char *message, char *out, size_t len)
{
	size_t n = strcspn(message, "\n");
	const char *start = message;
	for (const char *p = message; p + 1 < message + n; p++)
		if (p[0] == ':' && p[1] == ' ')
			start = p + 2;
	while (start < message + n && (*start == ' ' || *start == '\t'))
		start++;
	size_t m = (size_t)(message + n - start);
	while (m && (start[m - 1] == ' ' || start[m - 1] == '\t' || start[m - 1] == '\r'))
		m--;
	snprintf(out, len, "%.*s", (int)m, start);
}

bool svc_health_database(const svc_context *ctx, char *reason, size_t len)
{
	svc_error err;
	core_db_error dberr;
	if (core_db_pool_get_nowait(ctx->db, &dberr))
		return true;
	svc_db_failed(&dberr, &err);
	core_log(CORE_LOG_DEBUG, "health: the database does not answer: %s", err.message);
	char why[200];
	cause(err.message, why, sizeof why);
	const char *kind = err.status == SVC_UNAVAILABLE ? "unavailable"
	                   : err.status == SVC_NOMEM     ? "out of memory"
	                                                 : "error";
	snprintf(reason, len, "%s%s%s", kind, *why ? ": " : "", why);
	return false;
}

svc_status svc_health_ready(const svc_context *ctx, const char **revision, svc_error *err)
{
	*revision = core_revision_expected();
	if (core_draining()) {
		snprintf(err->message, sizeof err->message, "the service is stopping");
		return err->status = SVC_NOT_READY;
	}
	core_db *db = svc_db(ctx, err);
	if (!db)
		return err->status;
	core_db_result *rows;
	core_db_error dberr;
	if (repo_version_heads(ctx->version, db, &rows, &dberr))
		return svc_db_failed(&dberr, err);
	const char *heads[MAX_HEADS];
	size_t n = core_db_rows(rows) < MAX_HEADS ? core_db_rows(rows) : MAX_HEADS;
	for (size_t i = 0; i < n; i++)
		heads[i] = core_db_get(rows, i, 0);
	svc_status st = SVC_OK;
	if (core_revision_compare(heads, n, err->message, sizeof err->message))
		st = err->status = SVC_NOT_READY;
	core_db_result_free(rows);
	return st;
}
