CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
COMMENT ON TABLE people IS 'Everyone';
COMMENT ON COLUMN people.id IS 'Key';
