CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    qty INTEGER NOT NULL DEFAULT 0,
    status VARCHAR(20) DEFAULT 'new'
);
CREATE INDEX items_status_idx ON items (status);
