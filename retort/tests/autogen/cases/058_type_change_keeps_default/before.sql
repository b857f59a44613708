CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    title VARCHAR(10) NOT NULL DEFAULT 'untitled',
    code CHAR(3) DEFAULT 'ab'
);
