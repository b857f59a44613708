-- convert to the shared history
--
-- Revision ID: e1a0c2b4d6f8
-- Revises: 96f087ac5e97
-- Create Date: 2026-12-07 23:45:00.000000

-- Turns the first release's schema into exactly the one revision 7c3e9b1d5a24
-- of migrations/versions/ makes (the test checks `retort check` is clean
-- after `stamp 7c3e9b1d5a24`), keeping every row:
-- * users: the unique constraint uq_users_email becomes upstream's unique
--   index ix_users_email, plus ux_users_email_lower (the release stored emails
--   lowercased, so no two rows clash).
-- * student_profiles loses phone_number, total_enrollments and
--   completed_courses, which that release never wrote (no endpoint set them);
--   the script stops, changing nothing, if any row holds a value there.
--   It gains upstream's education_level.
-- * constraints take upstream's (PostgreSQL's default) names; the average
--   rating default is upstream's 0.0.
-- * enrollments becomes user_enrollments (the course service has an
--   `enrollments`), with its constraint and indexes renamed to match.
-- There is no way back to the first release other than a backup: the
-- downgrade refuses.

-- retort:upgrade dialect=postgresql
DO $$
DECLARE
    n BIGINT;
BEGIN
    SELECT count(*) INTO n FROM student_profiles
     WHERE phone_number IS NOT NULL OR total_enrollments <> 0 OR completed_courses <> 0;
    IF n > 0 THEN
        RAISE EXCEPTION '% student profiles hold phone_number, total_enrollments or completed_courses, which the shared schema does not have', n
            USING HINT = 'move those values elsewhere first; nothing was changed';
    END IF;
END $$;
ALTER TABLE users DROP CONSTRAINT uq_users_email;
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
ALTER TABLE student_profiles RENAME CONSTRAINT uq_student_profiles_user_id TO student_profiles_user_id_key;
ALTER TABLE student_profiles RENAME CONSTRAINT fk_student_profiles_user_id TO student_profiles_user_id_fkey;
ALTER TABLE student_profiles DROP COLUMN phone_number;
ALTER TABLE student_profiles DROP COLUMN total_enrollments;
ALTER TABLE student_profiles DROP COLUMN completed_courses;
ALTER TABLE student_profiles ADD COLUMN education_level VARCHAR(100);
ALTER TABLE instructor_profiles RENAME CONSTRAINT uq_instructor_profiles_user_id TO instructor_profiles_user_id_key;
ALTER TABLE instructor_profiles RENAME CONSTRAINT fk_instructor_profiles_user_id TO instructor_profiles_user_id_fkey;
ALTER TABLE instructor_profiles ALTER COLUMN average_rating SET DEFAULT 0.0;
ALTER TABLE enrollments RENAME TO user_enrollments;
ALTER TABLE user_enrollments RENAME CONSTRAINT fk_enrollments_user_id TO fk_user_enrollments_user_id;
ALTER INDEX ix_enrollments_user_id RENAME TO ix_user_enrollments_user_id;
ALTER INDEX uq_enrollments_active RENAME TO uq_user_enrollments_active;

-- retort:upgrade dialect=sqlite
CREATE TEMP TABLE conversion_guard (
    n INTEGER CONSTRAINT "student profiles hold phone_number, total_enrollments or completed_courses; nothing was changed" CHECK (n = 0)
);
INSERT INTO conversion_guard SELECT count(*) FROM student_profiles
 WHERE phone_number IS NOT NULL OR total_enrollments <> 0 OR completed_courses <> 0;
DROP TABLE conversion_guard;
ALTER TABLE users DROP CONSTRAINT uq_users_email;
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
ALTER TABLE student_profiles DROP COLUMN phone_number;
ALTER TABLE student_profiles DROP COLUMN total_enrollments;
ALTER TABLE student_profiles DROP COLUMN completed_courses;
ALTER TABLE student_profiles ADD COLUMN education_level VARCHAR(100);
ALTER TABLE instructor_profiles ALTER COLUMN average_rating SET DEFAULT 0.0;
DROP INDEX ix_enrollments_user_id;
DROP INDEX uq_enrollments_active;
ALTER TABLE enrollments RENAME TO user_enrollments;
ALTER TABLE user_enrollments DROP CONSTRAINT fk_enrollments_user_id;
ALTER TABLE user_enrollments ADD CONSTRAINT fk_user_enrollments_user_id FOREIGN KEY (user_id)
    REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX ix_user_enrollments_user_id ON user_enrollments (user_id);
CREATE UNIQUE INDEX uq_user_enrollments_active ON user_enrollments (user_id, course_id)
    WHERE status = 'active';

-- retort:downgrade
SELECT no_way_back_to_the_first_release_restore_a_backup();
