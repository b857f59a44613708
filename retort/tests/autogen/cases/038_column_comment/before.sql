CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
COMMENT ON COLUMN people.name IS 'Full name';
