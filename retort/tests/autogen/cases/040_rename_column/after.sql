CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    display_name TEXT -- retort:renamed-from name
);
CREATE INDEX users_name_idx ON users (display_name);
