CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    name TEXT
);
CREATE INDEX users_name_idx ON users (name);
