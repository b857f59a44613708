CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    kind VARCHAR(30) NOT NULL,
    happened_at TIMESTAMP NOT NULL,
    payload TEXT
);
CREATE INDEX events_kind_idx ON events (kind);
