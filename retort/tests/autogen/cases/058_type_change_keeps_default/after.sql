-- the default survives the type change: PostgreSQL then stores it as
-- 'untitled'::character varying::text, which still compares equal
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT 'untitled',
    code CHAR(3) DEFAULT 'ab'
);
