-- create users
--
-- Revision ID: 4ac6063c6f0a
-- Revises:
-- Create Date: 2026-11-24 09:00:00.000000

-- retort:upgrade
CREATE TABLE users (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ix_users_email ON users (email);

-- retort:downgrade
DROP INDEX ix_users_email;
DROP TABLE users;
