CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    amount INTEGER NOT NULL CONSTRAINT prices_amount_range CHECK (amount > 0),
    currency VARCHAR(3) NOT NULL
);
