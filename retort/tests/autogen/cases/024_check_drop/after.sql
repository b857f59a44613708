CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    amount INTEGER NOT NULL,
    currency VARCHAR(3) NOT NULL
);
