-- initial schema: users, student_profiles, instructor_profiles, enrollments
--
-- Revision ID: 4ac6063c6f0a
-- Revises:
-- Create Date: 2026-11-24 09:00:00.000000

-- One text for both dialects: SQLite accepts PostgreSQL's type names (UUID and
-- TIMESTAMPTZ get NUMERIC affinity and keep the service's UUID and RFC 3339
-- strings as text; BOOLEAN stores 0/1), so the database holds exactly what
-- models/ says and `retort check` compares like with like on both.

-- retort:upgrade
CREATE TABLE users (
    id UUID NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(50) NOT NULL DEFAULT 'student',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_users_email UNIQUE (email)
);
CREATE TABLE student_profiles (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    bio TEXT,
    profile_picture_url VARCHAR(500),
    phone_number VARCHAR(20),
    total_enrollments INTEGER NOT NULL DEFAULT 0,
    completed_courses INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_student_profiles_user_id UNIQUE (user_id),
    CONSTRAINT fk_student_profiles_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE instructor_profiles (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    bio TEXT,
    profile_picture_url VARCHAR(500),
    phone_number VARCHAR(20),
    total_students INTEGER NOT NULL DEFAULT 0,
    total_courses INTEGER NOT NULL DEFAULT 0,
    average_rating DOUBLE PRECISION NOT NULL DEFAULT 0,
    is_verified_instructor BOOLEAN NOT NULL DEFAULT FALSE,
    verification_date TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_instructor_profiles_user_id UNIQUE (user_id),
    CONSTRAINT fk_instructor_profiles_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE enrollments (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    course_id INTEGER NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_enrollments_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_enrollments_user_id ON enrollments (user_id);
CREATE UNIQUE INDEX uq_enrollments_active ON enrollments (user_id, course_id)
    WHERE status = 'active';

-- retort:downgrade
DROP INDEX uq_enrollments_active;
DROP INDEX ix_enrollments_user_id;
DROP TABLE enrollments;
DROP TABLE instructor_profiles;
DROP TABLE student_profiles;
DROP TABLE users;
