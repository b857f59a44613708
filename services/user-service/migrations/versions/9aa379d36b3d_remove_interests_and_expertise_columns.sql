-- remove interests and expertise columns
--
-- Revision ID: 9aa379d36b3d
-- Revises: c2b2bb744ef6
-- Create Date: 2026-03-31 07:03:10.522338

-- The Python service's second revision (same id, same effect).

-- retort:upgrade
ALTER TABLE student_profiles DROP COLUMN interests;
ALTER TABLE instructor_profiles DROP COLUMN expertise;

-- retort:downgrade
ALTER TABLE student_profiles ADD COLUMN interests VARCHAR(500);
ALTER TABLE instructor_profiles ADD COLUMN expertise VARCHAR(500);
