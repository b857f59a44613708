/* health.c — GET /health and GET /ready (see health.h). /ready reads the
 * version table through the worker's own connection, so it also proves the
 * pool works, and uses the same comparison as the start-up check. */
#include "api/health.h"

#include "api/context.h"
#include "core/revision.h"
#include "http/response.h"
#include "banned.h"

enum { MAX_HEADS = 8 };

void api_health(http_request *req, http_response *res)
{
	(void)req;
	http_json(res, 200, json_pack("{s:s, s:s}", "status", "ok", "service", "user-service"));
}

void api_ready(http_request *req, http_response *res)
{
	core_db *db = api_db(req, res);
	if (!db)
		return;
	core_db_result *rows;
	core_db_error err;
	if (core_db_query(db, api_ctx(req)->version_sql, NULL, 0, &rows, &err)) {
		api_db_failed(req, res, &err);
		return;
	}
	const char *heads[MAX_HEADS];
	size_t n = core_db_rows(rows) < MAX_HEADS ? core_db_rows(rows) : MAX_HEADS;
	for (size_t i = 0; i < n; i++)
		heads[i] = core_db_get(rows, i, 0);
	char why[512];
	if (core_revision_compare(heads, n, why, sizeof why))
		http_unavailable(res, why);
	else
		http_json(res, 200,
		          json_pack("{s:s, s:s}", "status", "ready", "revision",
		                    core_revision_expected()));
	core_db_result_free(rows);
}
