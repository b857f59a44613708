CREATE TABLE counters (
    id INTEGER PRIMARY KEY,
    hits BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX counters_hits_idx ON counters (hits);
