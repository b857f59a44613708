/* app.h — the composition root: the one place that turns the settings
 * into the running parts, bottom up: the connection pool (core), the
 * repositories' SQL, the token keys, the services' context and the API's
 * context that handlers reach through req->app. Nothing below this file
 * builds another layer's parts; main.c only starts and stops.
 */
#ifndef APP_H
#define APP_H

#include <stddef.h>

#include "api/context.h"
#include "core/config.h"
#include "core/cpu_pool.h"
#include "core/db.h"
#include "core/security.h"
#include "core/throttle.h"
#include "repositories/users.h"
#include "repositories/version.h"
#include "services/service.h"

typedef struct app {
	core_db_pool *db;
	core_security security;
	repo_users users;
	repo_version version;
	core_cpu_pool *hashing;
	core_throttle *failed_email, *failed_addr;
	svc_context svc; /* borrows the fields above */
	api_context api; /* borrows svc; what the server hands handlers */
} app;

/* Builds a for cfg (borrowed; must outlive a) without connecting. The
 * parts borrow each other, so a must not move once built. Returns 0, or -1
 * with one line in err (a is then released). Release with app_release,
 * after the server has stopped. */
int app_init(app *a, const core_config *cfg, char *err, size_t errlen);
void app_release(app *a);

#endif
