"""`version_table = alembic_version`: a database that Alembic has managed so
far (its alembic_version table holding the current revision, the schema
that revision made) is taken over — current shows the revision and upgrade
continues from it without re-running anything."""
import pytest

from conftest import progress, rev

A, B = rev("4ac6063c6f0a"), rev("96f087ac5e97")

USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL)"


@pytest.fixture
def alembic_db(project):
    # what `alembic upgrade head` leaves behind on the first revision
    project.db.query(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
    project.db.query(f"{USERS}")
    project.db.query(f"INSERT INTO alembic_version (version_num) VALUES ('{A}')")
    project.write_ini(version_table="alembic_version")
    project.add(A, None, message="create users", up=f"{USERS};", down_sql="DROP TABLE users;")
    project.add(B, A, message="add phone number to users",
                up="ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);",
                down_sql="ALTER TABLE users DROP COLUMN phone_number;")
    return project


def test_takeover(alembic_db):
    assert alembic_db.run("current").stdout.splitlines() == [A]

    proc = alembic_db.run("upgrade", "head")
    assert progress(proc) == [f"Running upgrade {A} -> {B}, add phone number to users"]
    assert alembic_db.db.version("alembic_version") == [B]
    assert alembic_db.run("current").stdout.splitlines() == [f"{B} (head)"]
    alembic_db.db.query("INSERT INTO users (id, email, phone_number) VALUES (1, 'a@b.c', '555')")
    assert not alembic_db.db.has_table("retort_version")

    alembic_db.run("downgrade", "-1")
    assert alembic_db.db.version("alembic_version") == [A]
