CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    kind VARCHAR(30) NOT NULL,
    happened_at TIMESTAMP NOT NULL,
    payload TEXT
);
CREATE UNIQUE INDEX events_payload_idx ON events (payload);
