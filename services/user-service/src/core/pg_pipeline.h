/* pg_pipeline.h — many fibers' queries in flight on one libpq connection.
 *
 * The connection is put in libpq's pipeline mode, nonblocking, and its
 * socket is watched by the thread's event loop (core/sched.h). A query
 * from a fiber is sent at once, followed by its own sync point (so one
 * query's error does not abort its neighbours'), and the fiber parks until
 * the answer has arrived; answers arrive in the order the queries were
 * sent, so each completes the oldest one waiting.
 *
 * Transactions: between BEGIN and COMMIT/ROLLBACK the connection belongs
 * to the fiber that began, and other fibers' queries wait their turn
 * (their statements must not run inside its transaction).
 *
 * Only the thread whose scheduler was given may use a pipeline.
 */
#ifndef CORE_PG_PIPELINE_H
#define CORE_PG_PIPELINE_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "core/metrics.h"
#include "core/sched.h"

typedef struct pg_pipeline pg_pipeline;

typedef enum pg_tx {
	PG_TX_NONE,  /* an ordinary statement */
	PG_TX_BEGIN, /* the connection is the caller's until PG_TX_END */
	PG_TX_END,   /* COMMIT or ROLLBACK */
} pg_tx;

typedef struct pg_query {
	const char *sql;
	const char *name; /* the prepared statement to run; NULL: run sql as text */
	bool prepare;     /* prepare name from sql first (it is not yet) */
	int n;            /* parameters, text format */
	const char *const *values;
	pg_tx tx;
	/* counted once when the call waits for another fiber's transaction
	 * (may be NULL) */
	core_counter *waited;
} pg_query;

/* Enters pipeline mode on conn (which must be idle) and watches its socket
 * on s. *out is owned by the caller (pg_pipeline_free, before PQfinish).
 * Returns 0, or -1 when libpq refused. */
int pg_pipeline_new(PGconn *conn, core_sched *s, pg_pipeline **out);
/* Wakes every fiber still waiting (their calls fail) and stops watching. */
void pg_pipeline_free(pg_pipeline *p);

/* False once the connection failed; the pipeline is then of no more use. */
bool pg_pipeline_ok(const pg_pipeline *p);

/* Fails every call waiting and every call made from now on: the loop is
 * ending and nothing will read the socket again. */
void pg_pipeline_shut(pg_pipeline *p);

/* From a fiber: sends q, parks until its answer, and returns 0 with *res
 * (the query's result, or the first error among the prepare's and the
 * query's; caller frees with PQclear) and *prepared (q->prepare succeeded),
 * or -1 when the connection failed or the pipeline is shut (no result). */
int pg_pipeline_call(pg_pipeline *p, const pg_query *q, PGresult **res, bool *prepared);

#endif
