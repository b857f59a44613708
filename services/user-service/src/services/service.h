/* service.h — what every service shares: the context the composition root
 * (app.c) builds, the one result convention, and the rows services hand
 * back for the API layer to serialise with the schemas.
 *
 * Every service call returns a svc_status. SVC_OK means the out-parameters
 * are filled; anything else fills the caller's svc_error (the status again,
 * and a message: for SVC_DB/SVC_NOMEM the database's text, for the log
 * only; for the other statuses a sentence a client may read). Services
 * never build JSON and never know HTTP: api/ maps statuses to answers.
 */
#ifndef SERVICES_SERVICE_H
#define SERVICES_SERVICE_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/cpu_pool.h"
#include "core/db.h"
#include "core/security.h"
#include "core/throttle.h"
#include "repositories/users.h"
#include "repositories/version.h"

typedef enum svc_status {
	SVC_OK = 0,
	SVC_UNAVAILABLE,          /* the database cannot be reached now: 503 */
	SVC_DB,                   /* a database call failed otherwise: 500, logged */
	SVC_NOMEM,                /* out of memory: 500 */
	SVC_BUSY,                 /* the hashing queue is full: 503 with retry_after */
	SVC_THROTTLED,            /* too many failed logins: 429 with retry_after */
	SVC_NOT_READY,            /* /ready: the database is not at our revision (message: why) */
	SVC_EMAIL_TAKEN,          /* register: 400 (message: "Email x is already registered") */
	SVC_BAD_CREDENTIALS,      /* login: 401 "Invalid email or password" */
	SVC_BAD_TOKEN,            /* a token or gateway id that proves nothing: 401 */
	SVC_USER_NOT_FOUND,       /* the user does not exist (any more): 404 */
	SVC_NOT_INSTRUCTOR,       /* the user has no instructor profile: 403 */
	SVC_ALREADY_ENROLLED,     /* an active enrollment in that course exists: 409 */
	SVC_ENROLLMENT_NOT_FOUND, /* no such enrollment of this user: 404 */
	SVC_NOT_AN_IMAGE,         /* an upload that is no PNG, JPEG, GIF or WebP: 400 */
	SVC_STORAGE               /* the media directory cannot be written: 500, logged */
} svc_status;

enum { SVC_STATUS_COUNT = SVC_STORAGE + 1 };

typedef struct svc_error {
	svc_status status;
	unsigned retry_after; /* seconds, for SVC_BUSY and SVC_THROTTLED; else 0 */
	char message[512];
} svc_error;

/* Database rows as a service returns them: the columns are
 * repo_columns(&schema_x) of the schema the call's contract names, in
 * that order, so schema_serialize_row / schema_write_row read them. The
 * caller owns them: free with svc_rows_free (NULL is fine). */
typedef core_db_result svc_rows;
void svc_rows_free(svc_rows *rows);

/* What services count for /metrics (services/metrics.h) that no lower
 * layer sees. Shared atomics: a password hash costs ~85 ms of CPU, so
 * three atomic adds around it are nothing, and hashing has no per-worker
 * home (the pool's threads serve every worker). */
typedef struct svc_stats {
	atomic_long hashes_in_flight; /* handed to the pool, not yet back */
	atomic_ullong hashes_refused; /* the pool's queue was full: 503 */
	atomic_ullong hashes_done;    /* ran on the pool */
} svc_stats;

/* Everything the services work with, built once by the composition root
 * and read-only while the server runs (each worker has its own
 * connection in the pool). All borrowed. */
typedef struct svc_context {
	core_db_pool *db;
	core_db_pool *read_db; /* a streaming replica for reads, or NULL */
	long read_wait_ms;     /* how long a read waits for it to catch up */
	const core_security *sec;
	const repo_users *users;
	const repo_version *version;
	core_cpu_pool *hashing;      /* password hashes run here, off the loop */
	core_throttle *failed_email; /* failed logins per email */
	core_throttle *failed_addr;  /* failed logins per client address */
	svc_stats *stats;            /* counted into while serving; NULL: not counted */
	/* the user events' writers (repositories/outbox.h) */
	const struct repo_outbox *outbox;
	/* true: carried-over bcrypt hashes stay bcrypt (the Python service can
	 * still verify them after a rollback; docs/switching.md) */
	bool keep_bcrypt_hashes;
	const char *media_dir;       /* uploaded avatars are stored here */
	const char *public_base_url; /* and served under <this>/media/ */
} svc_context;

/* ---- for the services' own files ---- */

/* The calling worker's connection, or NULL with err filled. */
core_db *svc_db(const svc_context *ctx, svc_error *err);
/* The same for a read-only service call: the replica's connection when it
 * has every write committed so far (core/db_route.h), else the primary's. */
core_db *svc_db_read(const svc_context *ctx, svc_error *err);
/* Fills err from a failed database call and returns its status
 * (SVC_UNAVAILABLE, SVC_NOMEM or SVC_DB). */
svc_status svc_db_failed(const core_db_error *dberr, svc_error *err);
/* Fills err with status and a printf-style message; returns status. */
svc_status svc_fail(svc_error *err, svc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
