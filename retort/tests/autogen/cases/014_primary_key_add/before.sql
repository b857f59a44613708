CREATE TABLE tags (
    id INTEGER,
    label VARCHAR(50) NOT NULL
);
