/* health.c — readiness (see health.h). The version table is read through
 * the worker's own connection, so /ready also proves the pool works. */
#include "services/health.h"

#include "core/revision.h"
#include "banned.h"

enum { MAX_HEADS = 8 };

svc_status svc_health_ready(const svc_context *ctx, const char **revision, svc_error *err)
{
	*revision = core_revision_expected();
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
