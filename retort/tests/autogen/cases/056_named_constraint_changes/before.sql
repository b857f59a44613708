CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE books (
    id INTEGER PRIMARY KEY,
    author_id INTEGER,
    title TEXT NOT NULL,
    isbn VARCHAR(20),
    CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id)
);
CREATE INDEX books_title_idx ON books (title);
