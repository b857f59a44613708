-- outbox_events: the transactional outbox of user events (docs/api.md,
-- "Events"). id is the event's event_id (UUIDv7), seq the order the relay
-- sends in (MAX(seq) + 1 at write time, see the migration), event_key the
-- Kafka message key (the user's id), envelope the message value as sent.
CREATE TABLE outbox_events (
    id UUID NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    event_key VARCHAR(255) NOT NULL,
    envelope TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_outbox_events_seq ON outbox_events (seq);
