CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    name TEXT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    message TEXT NOT NULL
);
