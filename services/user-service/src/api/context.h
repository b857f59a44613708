/* context.h — what every handler reaches through req->app: the settings,
 * the connection pool and the SQL built once at start-up. Read-only while
 * the server runs (each worker thread has its own connection in the pool).
 */
#ifndef API_CONTEXT_H
#define API_CONTEXT_H

#include "core/config.h"
#include "core/db.h"
#include "core/security.h"
#include "http/http.h"
#include "repositories/users.h"
#include "schemas/schema.h"

typedef struct api_context {
	const core_config *cfg;
	core_db_pool *db;
	char *version_sql;      /* SELECT version_num FROM <version table> ... */
	core_security security; /* token keys and lifetimes, the dummy password hash */
	repo_users users;       /* the users table's SQL (repositories/users.h) */
} api_context;

/* Builds ctx for cfg (borrowed) and a new pool; does not connect. Returns 0,
 * or -1 with one line in err. Release with api_context_release. */
int api_context_init(api_context *ctx, const core_config *cfg, char *err, size_t errlen);
void api_context_release(api_context *ctx);

static inline api_context *api_ctx(const http_request *req)
{
	return req->app;
}

/* The calling worker's connection, or NULL after answering 503 in res. */
core_db *api_db(http_request *req, http_response *res);

/* Answers a failed database call: 503 when the database is unavailable,
 * else 500; logs the database's text (never sent to the client). */
void api_db_failed(http_request *req, http_response *res, const core_db_error *err);

/* The JSON body of req validated against s into v (release v with the
 * schema's release either way), or false after answering 422 (or 413/500). */
bool api_validated(http_request *req, http_response *res, const schema *s, schema_values *v);

#endif
