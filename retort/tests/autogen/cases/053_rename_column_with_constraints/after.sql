CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    cents INTEGER NOT NULL CHECK (cents > 0), -- retort:renamed-from amount
    currency VARCHAR(3) NOT NULL
);
CREATE INDEX prices_amount_idx ON prices (cents);
