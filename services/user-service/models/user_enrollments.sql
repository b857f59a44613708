-- user_enrollments: a user's enrollment in a course of the course service
-- (course_id is that service's integer id, not a foreign key here). Not named
-- `enrollments`: the course service keeps a table of that name in the same
-- database. A cancelled enrollment stays as history and does not block
-- enrolling again: the partial unique index allows one *active* row per
-- (user, course).
CREATE TABLE user_enrollments (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    course_id INTEGER NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_user_enrollments_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_user_enrollments_user_id ON user_enrollments (user_id);
CREATE UNIQUE INDEX uq_user_enrollments_active ON user_enrollments (user_id, course_id)
    WHERE status = 'active';
