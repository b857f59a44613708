CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency VARCHAR(3) NOT NULL
);
CREATE INDEX prices_amount_idx ON prices (amount);
