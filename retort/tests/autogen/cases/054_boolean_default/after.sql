CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    name TEXT,
    active BOOLEAN NOT NULL DEFAULT true
);
