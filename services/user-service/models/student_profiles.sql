-- student_profiles: one per student user, created with the user in one
-- transaction by POST /auth/register. The inline constraints get PostgreSQL's
-- default names (student_profiles_user_id_key, ..._fkey), as upstream's do.
CREATE TABLE student_profiles (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    bio TEXT,
    education_level VARCHAR(100),
    profile_picture_url VARCHAR(500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
