/* service.c — the shared result convention (see service.h). */
#include "services/service.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/db_route.h"
#include "banned.h"

void svc_rows_free(svc_rows *rows)
{
	core_db_result_free(rows);
}

svc_status svc_fail(svc_error *err, svc_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	err->status = status;
	err->retry_after = 0;
	return status;
}

svc_status svc_db_failed(const core_db_error *dberr, svc_error *err)
{
	svc_status st = dberr->status == CORE_DB_UNAVAILABLE ? SVC_UNAVAILABLE
	                : dberr->status == CORE_DB_NOMEM     ? SVC_NOMEM
	                                                     : SVC_DB;
	return svc_fail(err, st, "%s", dberr->message);
}

core_db *svc_db_read(const svc_context *ctx, svc_error *err)
{
	core_db_error dberr;
	core_db *db = core_db_route_read(ctx->db, ctx->read_db, ctx->read_wait_ms, &dberr);
	if (!db)
		svc_db_failed(&dberr, err);
	return db;
}

core_db *svc_db(const svc_context *ctx, svc_error *err)
{
	core_db_error dberr;
	core_db *db = core_db_pool_get(ctx->db, &dberr);
	if (!db)
		svc_db_failed(&dberr, err);
	return db;
}
