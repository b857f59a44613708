/* outbox.h — the transactional outbox (table outbox_events; docs/api.md,
 * "Events"). Writers add a row in the transaction of the change the event
 * reports, so the two commit or roll back together; the relay
 * (services/relay.c) reads rows in order and deletes each one once the
 * broker acknowledged it.
 *
 * Order: a row's seq is MAX(seq) + 1 taken in the writer's own statement,
 * so an event written after another one committed always sorts after it
 * (one user's sequential requests keep their order on any number of
 * processes); concurrent writers may share a seq, and the id breaks the tie.
 */
#ifndef REPOSITORIES_OUTBOX_H
#define REPOSITORIES_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/db.h"

/* The writers' settings, built once by the composition root. */
typedef struct repo_outbox {
	int64_t retention; /* most rows kept (OUTBOX_RETENTION) */
	bool relayed;      /* a relay sends the rows (KAFKA_BOOTSTRAP_SERVERS is set) */
} repo_outbox;

/* Adds one event of event_type keyed by key (the user's id) with payload
 * (its reference is taken in every case; NULL counts as out of memory).
 * Makes the event id (UUIDv7) and timestamp. Run it inside the caller's
 * transaction; returns 0 or a negative core_db_status with err filled.
 *
 * Retention is the writer's: every few events (each one when the limit is
 * small) the rows more than o->retention seqs behind the new one are
 * deleted, with a warning, so the table stays bounded whether or not a
 * relay runs, without a thread or a connection of its own. */
int repo_outbox_add(const repo_outbox *o, core_db *db, const char *event_type, const char *key,
                    json_t *payload, core_db_error *err);

/* user.registered for the user row just inserted (columns as
 * repo_columns(&schema_user)). */
int repo_outbox_registered(const repo_outbox *o, core_db *db, const core_db_result *user,
                           core_db_error *err);

/* The oldest limit rows: columns id, event_key, envelope. *out is the
 * caller's (core_db_result_free). */
int repo_outbox_batch(core_db *db, int64_t limit, core_db_result **out, core_db_error *err);
/* Deletes the event with this id (delivered). */
int repo_outbox_delete(core_db *db, const char *id, core_db_error *err);
/* The number of rows waiting (the backlog). */
int repo_outbox_count(core_db *db, int64_t *n, core_db_error *err);

/* The relay's election: true in *held when this connection's session holds
 * the outbox lock. PostgreSQL: a session-level advisory lock
 * (pg_try_advisory_lock(REPO_OUTBOX_LOCK_KEY)), held until the session
 * ends, so a process that dies or loses its connection gives it up at once.
 * SQLite: always true (one process per database file). */
int repo_outbox_try_lock(core_db *db, const char *dialect, bool *held, core_db_error *err);

/* "outbox" in ASCII: the advisory lock's key, in pg_locks as
 * classid 28533 (0x6f75), objid 1952608120 (0x74626f78). */
#define REPO_OUTBOX_LOCK_KEY INT64_C(0x6f7574626f78)

#endif
