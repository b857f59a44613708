-- add_phone_number_to_users
--
-- Revision ID: 96f087ac5e97
-- Revises: 4ac6063c6f0a
-- Create Date: 2026-11-24 09:05:00.000000

-- retort:upgrade
ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);

-- retort:downgrade
ALTER TABLE users DROP COLUMN phone_number;
