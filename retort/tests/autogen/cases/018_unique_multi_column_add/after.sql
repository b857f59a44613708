CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    qty INTEGER NOT NULL DEFAULT 0,
    status VARCHAR(20) DEFAULT 'new',
    CONSTRAINT items_qty_status_uq UNIQUE (qty, status)
);
