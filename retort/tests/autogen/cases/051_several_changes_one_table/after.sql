CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0),
    status VARCHAR(40),
    sku VARCHAR(20)
);
CREATE INDEX items_qty_idx ON items (qty);
