CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    name TEXT
);
CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email));
