-- take over from the Python service
--
-- Revision ID: 7c3e9b1d5a24
-- Revises: a1f3c8e92d05
-- Create Date: 2026-12-07 23:30:00.000000

-- The C service's needs on top of the Python service's head (docs/switching.md):
-- * emails match case-insensitively: a unique index on lower(email). Their
--   data may hold two accounts differing only by case; then the upgrade stops
--   first, listing them, before anything changes (the whole script is one
--   transaction anyway; the check gives the message).
-- * times are timestamptz read as UTC. Their columns are naive UTC (now() on
--   a UTC server, datetime.utcnow in the app): converted AT TIME ZONE 'UTC'
--   both ways, so the session's TimeZone never shifts a value.
-- * the service generates its ids (UUIDv7): the gen_random_uuid() defaults go
--   (SQLite never had them); the downgrade puts them back.
-- * our enrollments are `user_enrollments`: the course service keeps its own
--   `enrollments` in the same database.
-- Every change is additive or a type widening, so `downgrade a1f3c8e92d05`
-- gives their schema back with every row (our enrollments excepted).

-- retort:upgrade dialect=postgresql
DO $$
DECLARE
    clashes TEXT;
BEGIN
    SELECT string_agg(lower(email) || ' (' || n || ' accounts: ' || ids || ')', '; ')
      INTO clashes
      FROM (SELECT lower(email) AS email, count(*) AS n,
                   string_agg(id::text || ' ' || email, ', ' ORDER BY email) AS ids
              FROM users GROUP BY lower(email) HAVING count(*) > 1) AS dup;
    IF clashes IS NOT NULL THEN
        RAISE EXCEPTION 'accounts whose emails differ only by letter case: %', clashes
            USING HINT = 'merge or rename them with the Python service still running, then run the upgrade again; nothing was changed';
    END IF;
END $$;
ALTER TABLE users ALTER COLUMN id DROP DEFAULT;
ALTER TABLE users ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE 'UTC';
ALTER TABLE users ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE users ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING updated_at AT TIME ZONE 'UTC';
ALTER TABLE users ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP;
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
ALTER TABLE student_profiles ALTER COLUMN id DROP DEFAULT;
ALTER TABLE student_profiles ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE 'UTC';
ALTER TABLE student_profiles ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE student_profiles ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING updated_at AT TIME ZONE 'UTC';
ALTER TABLE student_profiles ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE instructor_profiles ALTER COLUMN id DROP DEFAULT;
ALTER TABLE instructor_profiles ALTER COLUMN verification_date TYPE TIMESTAMPTZ USING verification_date AT TIME ZONE 'UTC';
ALTER TABLE instructor_profiles ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE 'UTC';
ALTER TABLE instructor_profiles ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE instructor_profiles ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING updated_at AT TIME ZONE 'UTC';
ALTER TABLE instructor_profiles ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP;
CREATE TABLE user_enrollments (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    course_id INTEGER NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_user_enrollments_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_user_enrollments_user_id ON user_enrollments (user_id);
CREATE UNIQUE INDEX uq_user_enrollments_active ON user_enrollments (user_id, course_id)
    WHERE status = 'active';

-- retort:upgrade dialect=sqlite
-- (c2b2bb744ef6's SQLite section already made the times TIMESTAMPTZ and left
-- the ids without a default.)
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
CREATE TABLE user_enrollments (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    course_id INTEGER NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_user_enrollments_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_user_enrollments_user_id ON user_enrollments (user_id);
CREATE UNIQUE INDEX uq_user_enrollments_active ON user_enrollments (user_id, course_id)
    WHERE status = 'active';

-- retort:downgrade dialect=postgresql
DROP TABLE user_enrollments;
DROP INDEX ux_users_email_lower;
ALTER TABLE instructor_profiles ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE instructor_profiles ALTER COLUMN updated_at TYPE TIMESTAMP WITHOUT TIME ZONE USING updated_at AT TIME ZONE 'UTC';
ALTER TABLE instructor_profiles ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE instructor_profiles ALTER COLUMN created_at TYPE TIMESTAMP WITHOUT TIME ZONE USING created_at AT TIME ZONE 'UTC';
ALTER TABLE instructor_profiles ALTER COLUMN verification_date TYPE TIMESTAMP WITHOUT TIME ZONE USING verification_date AT TIME ZONE 'UTC';
ALTER TABLE instructor_profiles ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE student_profiles ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE student_profiles ALTER COLUMN updated_at TYPE TIMESTAMP WITHOUT TIME ZONE USING updated_at AT TIME ZONE 'UTC';
ALTER TABLE student_profiles ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE student_profiles ALTER COLUMN created_at TYPE TIMESTAMP WITHOUT TIME ZONE USING created_at AT TIME ZONE 'UTC';
ALTER TABLE student_profiles ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE users ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE users ALTER COLUMN updated_at TYPE TIMESTAMP WITHOUT TIME ZONE USING updated_at AT TIME ZONE 'UTC';
ALTER TABLE users ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE users ALTER COLUMN created_at TYPE TIMESTAMP WITHOUT TIME ZONE USING created_at AT TIME ZONE 'UTC';
ALTER TABLE users ALTER COLUMN id SET DEFAULT gen_random_uuid();

-- retort:downgrade dialect=sqlite
DROP TABLE user_enrollments;
DROP INDEX ux_users_email_lower;
