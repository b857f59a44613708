-- add_outbox_events
--
-- Revision ID: 8117412dc82c
-- Revises: 7c3e9b1d5a24
-- Create Date: 2026-12-07 23:30:00.000000

-- The transactional outbox (docs/api.md, "Events"): one row per event, written
-- in the transaction of the change it reports, deleted by the relay once the
-- broker acknowledged it. seq orders the rows: the writer takes MAX(seq) + 1
-- in its own transaction, so an event written after another one committed
-- sorts after it on every dialect (equal values only for concurrent writers,
-- whose order nobody observed); it is indexed because both the writer's
-- MAX and the relay's ORDER BY read it.

-- retort:upgrade
CREATE TABLE outbox_events (
    id UUID NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    event_key VARCHAR(255) NOT NULL,
    envelope TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_outbox_events_seq ON outbox_events (seq);

-- retort:downgrade
DROP INDEX ix_outbox_events_seq;
DROP TABLE outbox_events;
