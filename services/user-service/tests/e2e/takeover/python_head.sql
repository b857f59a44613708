-- python_head.sql — a database as the Python SmartCourse deployment has it:
-- the user service's schema at its Alembic head a1f3c8e92d05 (written from the
-- facts in issue 20, independently of migrations/versions/), and beside it
-- the course service's tables and version table. test_40_takeover.py loads it
-- with psql, then adds the users (bcrypt hashes are made by the test).
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('a1f3c8e92d05');

CREATE TABLE users (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    email VARCHAR(255) NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(50) DEFAULT 'student' NOT NULL,
    is_active BOOLEAN DEFAULT true NOT NULL,
    is_verified BOOLEAN DEFAULT false NOT NULL,
    phone_number VARCHAR(20),
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users USING btree (email);

CREATE TABLE student_profiles (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    user_id UUID NOT NULL,
    bio TEXT,
    education_level VARCHAR(100),
    profile_picture_url VARCHAR(500),
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (user_id),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE instructor_profiles (
    id UUID DEFAULT gen_random_uuid() NOT NULL,
    user_id UUID NOT NULL,
    bio TEXT,
    profile_picture_url VARCHAR(500),
    phone_number VARCHAR(20),
    total_students INTEGER DEFAULT 0 NOT NULL,
    total_courses INTEGER DEFAULT 0 NOT NULL,
    average_rating DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
    is_verified_instructor BOOLEAN DEFAULT false NOT NULL,
    verification_date TIMESTAMP WITHOUT TIME ZONE,
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (user_id),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

-- The course service: its own version table and tables. Its enrollments
-- refer to student profiles by id, across services (no foreign key).
CREATE TABLE alembic_version_course (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_course_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version_course (version_num) VALUES ('5d2e8c41b7a9');

CREATE TABLE courses (
    id SERIAL PRIMARY KEY,
    title VARCHAR(255) NOT NULL,
    instructor_id UUID NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL
);
CREATE TABLE enrollments (
    id SERIAL PRIMARY KEY,
    student_id UUID NOT NULL,
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    status VARCHAR(50) DEFAULT 'active' NOT NULL,
    enrolled_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL
);
CREATE INDEX ix_enrollments_student_id ON enrollments (student_id);
