/* relay.c — the outbox relay's thread (see relay.h).
 *
 * A round: make sure this process is the elected relay (the lock belongs
 * to the thread's database session, so a reconnect means asking again),
 * read the oldest batch, produce it, wait until every message has its
 * delivery report, then delete the acknowledged rows in one transaction.
 * Only then the next round: a batch never overtakes the one before, which
 * is what keeps one user's events in order across retries. A failed report
 * leaves its row for the next round.
 *
 * The thread waits on a condition variable between rounds, so a stop is
 * seen at once; during a round it polls librdkafka in short steps and
 * checks the stop flag and the backlog clock between them. The thread
 * says when it is done, so that a stop can give up on a thread stuck in a
 * blocking database call (svc_relay_stop).
 */
#include "services/relay.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kafka.h"
#include "core/log.h"
#include "core/metrics.h"
#include "repositories/outbox.h"
#include "banned.h"

enum { STEP_MS = 50 }; /* librdkafka poll step inside a round */

typedef enum slot_state { SLOT_PENDING, SLOT_OK, SLOT_FAILED } slot_state;

typedef struct slot {
	_Atomic int state; /* slot_state, set by the delivery report */
	char error[96];    /* SLOT_FAILED: why (the report's text) */
} slot;

struct svc_relay {
	core_db_pool *pool; /* the relay's own: one connection, the lock's session */
	const char *dialect;
	svc_relay_config cfg;
	core_kafka *kafka;
	slot *slots; /* cfg.batch of them; reports point here */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;           /* under lock */
	bool finished;           /* under lock: the thread is about to return */
	int64_t deadline_ms;     /* under lock: when stopping, give up at */
	_Atomic int64_t backlog; /* -1: not counted yet */
	bool leader;             /* thread only */
	unsigned session;        /* thread only: the session that holds the lock */
	int64_t next_check_ms, next_log_ms;
	bool db_down_logged;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report(void *opaque, bool ok, const char *error)
{
	slot *s = opaque;
	if (!ok)
		snprintf(s->error, sizeof s->error, "%s", error ? error : "unknown error");
	atomic_store(&s->state, ok ? SLOT_OK : SLOT_FAILED);
}

/* True once stopping and the grace period is over (or stopping at all,
 * when past is false). */
static bool stop_due(svc_relay *r, bool past)
{
	pthread_mutex_lock(&r->lock);
	bool due = r->stopping && (!past || now_ms() >= r->deadline_ms);
	pthread_mutex_unlock(&r->lock);
	return due;
}

/* The backlog, counted every check_ms and logged every log_s while not 0. */
static void housekeeping(svc_relay *r, core_db *db)
{
	int64_t now = now_ms();
	if (now < r->next_check_ms)
		return;
	r->next_check_ms = now + r->cfg.check_ms;
	int64_t n;
	core_db_error err;
	if (repo_outbox_count(db, &n, &err))
		return;
	atomic_store(&r->backlog, n);
	if (n == 0 || now < r->next_log_ms)
		return;
	r->next_log_ms = now + r->cfg.log_s * 1000;
	core_log(CORE_LOG_INFO, "outbox: %lld events waiting for the broker", (long long)n);
}

/* The elected relay's connection, or NULL (not reachable, not elected). */
static core_db *elected(svc_relay *r)
{
	core_db_error err;
	core_db *db = core_db_pool_get(r->pool, &err);
	if (!db) {
		if (!r->db_down_logged)
			core_log(CORE_LOG_WARNING,
			         "outbox relay: database unreachable (%s); retrying", err.message);
		r->db_down_logged = true;
		r->leader = false;
		return NULL;
	}
	r->db_down_logged = false;
	housekeeping(r, db); /* every process knows the backlog, sender or not */
	if (r->leader && r->session == core_db_session(db))
		return db;
	bool held;
	bool was = r->leader;
	r->leader = false;
	if (repo_outbox_try_lock(db, r->dialect, &held, &err) || !held) {
		if (was)
			core_log(CORE_LOG_WARNING,
			         "outbox relay: lost the relay lock with the database "
			         "session; another process may send now");
		return NULL;
	}
	r->leader = true;
	r->session = core_db_session(db);
	core_log(CORE_LOG_INFO, "outbox relay: this process sends the events");
	return db;
}

/* Deletes the rows [0, sent) whose report said delivered, in one
 * transaction; one warning for those that failed. */
static void settle(core_db *db, const core_db_result *rows, size_t sent, const slot *slots)
{
	core_db_error err;
	size_t n = sent, done = 0;
	const char *why = NULL;
	for (size_t i = 0; i < n; i++) {
		int state = atomic_load(&slots[i].state);
		done += state == SLOT_OK;
		if (state == SLOT_FAILED && !why)
			why = slots[i].error;
	}
	if (done < n)
		core_log(CORE_LOG_WARNING,
		         "outbox relay: %zu of %zu events not acknowledged (%s); they stay in the "
		         "outbox for the next round",
		         n - done, n, why ? why : "stopped before the broker answered");
	if (!done)
		return;
	int rc = core_db_begin(db, &err);
	for (size_t i = 0; !rc && i < n; i++)
		if (atomic_load(&slots[i].state) == SLOT_OK)
			rc = repo_outbox_delete(db, core_db_get(rows, i, 0), &err);
	rc = rc ? rc : core_db_commit(db, &err);
	if (rc) {
		core_db_rollback(db);
		core_log(CORE_LOG_WARNING,
		         "outbox relay: cannot delete %zu delivered events (%s); "
		         "they will be sent again",
		         done, err.message);
	}
}

/* Produces rows [0, n) and waits for their reports (or the stop's grace
 * period). Returns how many were produced. */
static size_t produce(svc_relay *r, core_db *db, const core_db_result *rows)
{
	size_t n = core_db_rows(rows), sent = 0;
	char err[256];
	while (sent < n && !stop_due(r, true)) {
		const char *value = core_db_get(rows, sent, 2);
		atomic_store(&r->slots[sent].state, SLOT_PENDING);
		int rc = core_kafka_produce(r->kafka, r->cfg.topic, core_db_get(rows, sent, 1),
		                            value, strlen(value), &r->slots[sent], err, sizeof err);
		if (rc == 1) { /* local queue full: let reports drain it */
			core_kafka_poll(r->kafka, STEP_MS);
			continue;
		}
		if (rc < 0) {
			core_log(CORE_LOG_ERROR, "outbox relay: cannot produce: %s", err);
			break; /* the rest of the batch stays for the next round, in order */
		}
		sent++;
	}
	while (core_kafka_pending(r->kafka) > 0 && !stop_due(r, true)) {
		core_kafka_poll(r->kafka, STEP_MS);
		housekeeping(r, db);
	}
	return sent;
}

/* One round; returns the rows it read (a full batch: go again at once). */
static size_t round_once(svc_relay *r)
{
	core_db *db = elected(r);
	if (!db)
		return 0;
	core_db_result *rows;
	core_db_error err;
	if (repo_outbox_batch(db, r->cfg.batch, &rows, &err)) {
		core_log(CORE_LOG_WARNING, "outbox relay: cannot read the outbox: %s", err.message);
		return 0;
	}
	size_t n = core_db_rows(rows);
	for (size_t i = 0; i < n; i++)
		atomic_store(&r->slots[i].state, SLOT_FAILED);
	size_t sent = n ? produce(r, db, rows) : 0;
	if (sent)
		settle(db, rows, sent, r->slots);
	core_db_result_free(rows);
	return n;
}

/* Waits poll_ms or until woken; returns true when stopping. */
static bool pause_round(svc_relay *r)
{
	pthread_mutex_lock(&r->lock);
	if (!r->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		int64_t ns = until.tv_nsec + (r->cfg.poll_ms % 1000) * 1000000;
		until.tv_sec += r->cfg.poll_ms / 1000 + ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		pthread_cond_timedwait(&r->wake, &r->lock, &until);
	}
	bool stop = r->stopping;
	pthread_mutex_unlock(&r->lock);
	return stop;
}

static void *run(void *arg)
{
	svc_relay *r = arg;
	for (;;) {
		size_t n = round_once(r);
		if (n == (size_t)r->cfg.batch && !stop_due(r, false))
			continue;
		if (pause_round(r))
			break;
	}
	/* stopping: what the last requests wrote goes too, within the grace
	 * period; a round with nothing to send ends it */
	while (!stop_due(r, true) && round_once(r) > 0)
		;
	/* in-flight messages are purged: their rows stay for the next start */
	core_kafka_free(r->kafka);
	r->kafka = NULL;
	pthread_mutex_lock(&r->lock);
	r->finished = true;
	pthread_cond_broadcast(&r->wake);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void relay_free(svc_relay *r)
{
	core_kafka_free(r->kafka);
	core_db_pool_free(r->pool);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	free(r->slots);
	free(r);
}

int svc_relay_start(const svc_relay_config *cfg, svc_relay **out, char *err, size_t errlen)
{
	*out = NULL;
	svc_relay *r = calloc(1, sizeof *r);
	slot *slots = calloc((size_t)cfg->batch, sizeof *slots);
	if (!r || !slots) {
		free(r);
		free(slots);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*r = (svc_relay){.cfg = *cfg, .slots = slots, .backlog = -1};
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	core_db_error dberr;
	if (core_db_pool_new(cfg->database_url, &r->pool, &dberr)) {
		snprintf(err, errlen, "DATABASE_URL: %s", dberr.message);
		relay_free(r);
		return -1;
	}
	r->dialect = core_db_pool_dialect(r->pool);
	if (core_kafka_new(cfg->kafka, report, &r->kafka, err, errlen)) {
		relay_free(r);
		return -1;
	}
	if (pthread_create(&r->thread, NULL, run, r)) {
		snprintf(err, errlen, "cannot start the outbox relay thread");
		relay_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* How long past the grace period a relay may take to return from a
 * database call (connect_timeout is 3 s by default) before it is left. */
enum { STUCK_SECONDS = 5 };

void svc_relay_stop(svc_relay *r, unsigned grace_s)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	r->deadline_ms = now_ms() + (int64_t)grace_s * 1000;
	pthread_cond_broadcast(&r->wake);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)grace_s + STUCK_SECONDS;
	int rc = 0;
	while (!r->finished && rc == 0)
		rc = pthread_cond_timedwait(&r->wake, &r->lock, &until);
	bool finished = r->finished;
	pthread_mutex_unlock(&r->lock);
	if (!finished) {
		/* a blocking database call outlived the grace period: the thread
		 * and its own pool stay for the process's exit; nothing else uses them */
		core_log(CORE_LOG_WARNING, "outbox relay: stuck in a database call; left behind, "
		                           "its events stay in the outbox for the next start");
		pthread_detach(r->thread);
		return;
	}
	pthread_join(r->thread, NULL);
	relay_free(r);
}

int64_t svc_relay_backlog(const svc_relay *r)
{
	return r ? atomic_load(&r->backlog) : -1;
}

int svc_relay_metrics_write(void *ctx, rt_buf *out)
{
	int64_t n = svc_relay_backlog(ctx);
	if (n < 0)
		return 0; /* not counted yet: no sample rather than a wrong one */
	return core_metrics_head(out, CORE_METRICS_PREFIX "outbox_backlog", "gauge",
	                         "User events in the outbox not yet acknowledged by the broker, "
	                         "at the relay's last count (every OUTBOX_CHECK_SECONDS).") ||
	               core_metrics_u64(out, CORE_METRICS_PREFIX "outbox_backlog", "", (uint64_t)n)
	           ? -1
	           : 0;
}
