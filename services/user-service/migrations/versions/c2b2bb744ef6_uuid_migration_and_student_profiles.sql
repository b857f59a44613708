-- uuid_migration_and_student_profiles
--
-- Revision ID: c2b2bb744ef6
-- Revises:
-- Create Date: 2026-03-16 13:00:17.818149

-- The root of the Python SmartCourse service's Alembic history, as SQL: same
-- id, same resulting PostgreSQL schema (so `retort upgrade head` on their
-- database applies only the revisions after a1f3c8e92d05). Upstream names its
-- constraints the PostgreSQL way (users_pkey, student_profiles_user_id_key,
-- ..._fkey); the unnamed inline constraints below get exactly those names.
--
-- SQLite (fresh embedded installs) has no pgcrypto and no time zones: its
-- section creates the same tables with the types and defaults the models
-- declare (the service generates ids; TIMESTAMPTZ is text), so a fresh SQLite
-- database passes through the upstream revisions to our head unchanged in
-- spirit, and the later revisions only drop and add columns there.

-- retort:upgrade dialect=postgresql
CREATE EXTENSION IF NOT EXISTS "pgcrypto";
CREATE TABLE users (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    email VARCHAR(255) NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(50) NOT NULL DEFAULT 'student',
    is_active BOOLEAN NOT NULL DEFAULT true,
    is_verified BOOLEAN NOT NULL DEFAULT false,
    phone_number VARCHAR(20),
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE TABLE student_profiles (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    bio TEXT,
    interests VARCHAR(500),
    education_level VARCHAR(100),
    profile_picture_url VARCHAR(500),
    total_enrollments INTEGER NOT NULL DEFAULT 0,
    total_completed INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (id),
    UNIQUE (user_id)
);
CREATE TABLE instructor_profiles (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    bio TEXT,
    expertise VARCHAR(500),
    profile_picture_url VARCHAR(500),
    phone_number VARCHAR(20),
    total_students INTEGER NOT NULL DEFAULT 0,
    total_courses INTEGER NOT NULL DEFAULT 0,
    average_rating DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    is_verified_instructor BOOLEAN NOT NULL DEFAULT false,
    verification_date TIMESTAMP WITHOUT TIME ZONE,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (id),
    UNIQUE (user_id)
);

-- retort:upgrade dialect=sqlite
CREATE TABLE users (
    id UUID NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(50) NOT NULL DEFAULT 'student',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
    phone_number VARCHAR(20),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE TABLE student_profiles (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    bio TEXT,
    interests VARCHAR(500),
    education_level VARCHAR(100),
    profile_picture_url VARCHAR(500),
    total_enrollments INTEGER NOT NULL DEFAULT 0,
    total_completed INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE instructor_profiles (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    bio TEXT,
    expertise VARCHAR(500),
    profile_picture_url VARCHAR(500),
    phone_number VARCHAR(20),
    total_students INTEGER NOT NULL DEFAULT 0,
    total_courses INTEGER NOT NULL DEFAULT 0,
    average_rating DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    is_verified_instructor BOOLEAN NOT NULL DEFAULT FALSE,
    verification_date TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- retort:downgrade
DROP TABLE instructor_profiles;
DROP TABLE student_profiles;
DROP INDEX ix_users_email;
DROP TABLE users;
