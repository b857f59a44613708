CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    amount INTEGER NOT NULL CONSTRAINT prices_amount_range CHECK (amount > 0 AND amount < 1000000),
    currency VARCHAR(3) NOT NULL
);
