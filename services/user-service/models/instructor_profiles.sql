-- instructor_profiles: one per instructor user; counters and rating are
-- maintained by the course service, verification by an administrator. The
-- inline constraints get PostgreSQL's default names, as upstream's do.
CREATE TABLE instructor_profiles (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    bio TEXT,
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
