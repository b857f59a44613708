CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
COMMENT ON COLUMN people.name IS 'Given and family name, it''s free text';
