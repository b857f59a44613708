/* db_route.h — reads on a streaming replica (DATABASE_READ_URL) that still
 * see every write committed before they started, the caller's own included.
 *
 * How: the primary's current WAL position (pg_current_wal_lsn, no table
 * touched) is read first; the replica serves the read once it has replayed
 * up to there, checked for at most wait_ms; otherwise, and whenever the
 * replica cannot be reached, the primary serves it. So a lagging or
 * stopped replica costs latency, never a failed or stale read, and the
 * routing works the same behind a load balancer whatever instance took the
 * write (nothing is carried between requests). */
#ifndef CORE_DB_ROUTE_H
#define CORE_DB_ROUTE_H

#include "core/db.h"

/* The connection a read-only request should use: replica's when it has
 * caught up within wait_ms, else primary's. replica may be NULL (no
 * replica: primary's). NULL with err filled only when the primary cannot
 * be reached. The connection belongs to its pool. */
core_db *core_db_route_read(core_db_pool *primary, core_db_pool *replica, long wait_ms,
                            core_db_error *err);

#endif
