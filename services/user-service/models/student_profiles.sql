-- student_profiles: one per student user, created with the user in one
-- transaction by POST /auth/register.
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
