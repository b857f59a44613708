-- drop total_enrollments and total_completed from student_profiles
--
-- Revision ID: a1f3c8e92d05
-- Revises: 9aa379d36b3d
-- Create Date: 2026-04-05 00:00:00.000000

-- The Python service's head (same id, same effect): a database they run is
-- at this revision in `alembic_version`.

-- retort:upgrade
ALTER TABLE student_profiles DROP COLUMN total_enrollments;
ALTER TABLE student_profiles DROP COLUMN total_completed;

-- retort:downgrade
ALTER TABLE student_profiles ADD COLUMN total_enrollments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE student_profiles ADD COLUMN total_completed INTEGER NOT NULL DEFAULT 0;
