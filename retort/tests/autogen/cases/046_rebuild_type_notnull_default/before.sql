CREATE TABLE owners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    balance INTEGER,
    note VARCHAR(50),
    CONSTRAINT accounts_balance_chk CHECK (balance >= 0)
);
CREATE INDEX accounts_owner_idx ON accounts (owner_id);
CREATE UNIQUE INDEX accounts_note_idx ON accounts (note);
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id)
);
