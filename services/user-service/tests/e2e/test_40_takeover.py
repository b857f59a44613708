"""Taking over the Python SmartCourse deployment's database, and giving it back
(issue 20; docs/switching.md).

A PostgreSQL database is built as theirs is (takeover/python_head.sql: the user
service's schema at their Alembic head a1f3c8e92d05, written from the facts,
and the course service's tables, rows and alembic_version_course beside it),
with users whose emails have capitals and whose passwords are bcrypt
`$2b$12$` hashes (python3-bcrypt, as their service makes them). Then:
`retort upgrade head` applies only our revisions; every user logs in, typed in
any case; ids, profile ids and profile fields are what they were; an access
token the Python service issued before the switch still works; the course
service's tables and version row are byte-for-byte the same (pg_dump); `check`
exits 0; `downgrade a1f3c8e92d05` gives back their schema (pg_dump --schema-only
equal to a fresh python_head.sql database) with every row.

Also: data holding two accounts that differ only by letter case stops the
upgrade before anything changes, naming them; and a database made by the
first C release (retort_version at 96f087ac5e97) reaches the new head through
the documented one-time conversion, on both dialects, with nothing lost.
"""
import base64
import hashlib
import hmac
import json
import re
import secrets
import time

import bcrypt
import pytest

from conftest import (HEAD_REVISION, PG_ADMIN_URL, RETORT_BIN, SECRET, SERVICE_DIR, SKIP_PG,
                      Database, run)

PYTHON_HEAD_SQL = SERVICE_DIR / "tests" / "e2e" / "takeover" / "python_head.sql"
CONVERSION_INI = SERVICE_DIR / "upgrade-from-retort-version" / "retort.ini"
THEIR_HEAD = "a1f3c8e92d05"
TAKEOVER = "7c3e9b1d5a24"  # our first revision on top of theirs
OURS = ("users", "student_profiles", "instructor_profiles")
COURSE_SERVICE = ("courses", "enrollments", "alembic_version_course")

# (email as they stored it, password, role, profile fields)
USERS = [
    ("John.Doe@example.com", "johns password 1", "student",
     {"bio": "Learning C", "education_level": "Bachelor", "profile_picture_url": None}),
    ("Grace.HOPPER@navy.mil", "grace's secret", "student",
     {"bio": None, "education_level": None, "profile_picture_url": "https://cdn.example/g.png"}),
    ("ada@example.com", "analytical engine", "instructor",
     {"bio": "Teaches", "profile_picture_url": None, "phone_number": "+441234567890",
      "total_students": 12, "total_courses": 2, "average_rating": 4.5,
      "is_verified_instructor": True}),
]
CREATED = "2026-03-20 10:00:00"  # naive UTC, as their service stored it


def pg_database():
    if not PG_ADMIN_URL:
        if SKIP_PG:
            pytest.skip("RETORT_TEST_SKIP_PG=1: PostgreSQL tests skipped")
        pytest.fail("RETORT_TEST_PG_URL is not set: run through scripts/with-postgres",
                    pytrace=False)
    name = "tk_" + secrets.token_hex(6)
    run(["psql", "-X", "-q", "-d", PG_ADMIN_URL, "-c", f"CREATE DATABASE {name}"])
    return name, Database("postgresql", f"{PG_ADMIN_URL.rpartition('/')[0]}/{name}")


@pytest.fixture
def pg_databases():
    """new() -> a fresh PostgreSQL Database; all dropped at teardown."""
    made = []

    def new():
        name, database = pg_database()
        made.append(name)
        return database

    yield new
    for name in made:
        run(["psql", "-X", "-q", "-d", PG_ADMIN_URL, "-c",
             f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def psql_file(database, path):
    run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.url, "-f", str(path)])


def quote(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def python_database(database, users=USERS):
    """Their database: python_head.sql, the users with bcrypt hashes and
    profiles, and course-service rows whose student_id is a student profile's
    id. Returns {email: (user id, profile id)}."""
    psql_file(database, PYTHON_HEAD_SQL)
    ids = {}
    for email, password, role, fields in users:
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(12)).decode()
        assert hashed.startswith("$2b$12$")
        uid = database.sql(
            "INSERT INTO users (email, first_name, last_name, password_hash, role, created_at,"
            f" updated_at) VALUES ({quote(email)}, 'First', 'Last', {quote(hashed)},"
            f" {quote(role)}, '{CREATED}', '{CREATED}') RETURNING id").splitlines()[0]
        table = "student_profiles" if role == "student" else "instructor_profiles"
        cols = ", ".join(["user_id", "created_at", "updated_at", *fields])
        vals = ", ".join([quote(uid), f"'{CREATED}'", f"'{CREATED}'",
                          *(quote(v) for v in fields.values())])
        pid = database.sql(f"INSERT INTO {table} ({cols}) VALUES ({vals}) RETURNING id"
                           ).splitlines()[0]
        ids[email] = (uid, pid)
    database.sql("INSERT INTO courses (title, instructor_id) VALUES ('C in depth', "
                 f"{quote(ids['ada@example.com'][1])})")
    for email, (_, pid) in ids.items():
        if email != "ada@example.com":
            database.sql(f"INSERT INTO enrollments (student_id, course_id) VALUES ({quote(pid)}, 1)")
    return ids


def retort(database, *args, config=None, check=True):
    config = config or (SERVICE_DIR / "retort.ini")
    return run([RETORT_BIN, "-c", str(config), "--url", database.url, *args], check=check)


def dump(database, *args):
    """pg_dump's text without its per-run \\restrict keys."""
    out = run(["pg_dump", "--no-owner", *args, "-d", database.url]).stdout
    return "\n".join(line for line in out.splitlines()
                     if not line.startswith(("\\restrict", "\\unrestrict")))


def tables_dump(database, tables, *args):
    return dump(database, *args, *(a for t in tables for a in ("-t", t)))


def rows(database):
    """Every row of their tables, times as UTC text, in a stable order."""
    out = {}
    for table in OURS:
        out[table] = database.sql(
            f"SELECT row_to_json(t)::text FROM {table} t ORDER BY id").splitlines()
    return out


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def python_token(sub, role, profile_id, kind="access", ttl=900):
    """An HS256 token as the Python service issues it (same secret)."""
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": sub, "exp": now + ttl, "iat": now, "type": kind,
                              "role": role, "profile_id": profile_id}).encode())
    sig = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(sig)}"


def call(service, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, _, data = service.request(method, path, json.dumps(body) if body else None, headers)
    return status, data


def test_take_over_their_database_and_give_it_back(pg_databases, start_service):
    theirs = pg_databases()
    ids = python_database(theirs)
    before_rows = rows(theirs)
    course_before = tables_dump(theirs, COURSE_SERVICE)
    assert "C in depth" in course_before and "5d2e8c41b7a9" in course_before
    john_uid, john_pid = ids["John.Doe@example.com"]
    old_token = python_token(john_uid, "student", john_pid)

    up = retort(theirs, "upgrade", "head")
    steps = re.findall(r"Running upgrade (\S*) -> (\w+)", up.stderr)
    assert steps[0] == (THEIR_HEAD, TAKEOVER) and steps[-1][1] == HEAD_REVISION, up.stderr
    assert theirs.sql("SELECT version_num FROM alembic_version") == HEAD_REVISION
    assert retort(theirs, "check").stdout.strip() == "No new upgrade operations detected."

    service = start_service(theirs, KEEP_BCRYPT_HASHES="true", TRUST_GATEWAY_HEADERS="true")
    # the token the Python service issued before the switch
    status, me = call(service, "GET", "/auth/me", old_token)
    assert (status, me["id"], me["email"]) == (200, john_uid, "John.Doe@example.com")
    assert me["created_at"] == "2026-03-20T10:00:00.000000Z"
    for email, password, role, fields in USERS:
        for typed in (email, email.lower(), email.upper()):
            status, tokens = call(service, "POST", "/auth/login", body={"email": typed,
                                                                         "password": password})
            assert status == 200, (typed, tokens)
        status, profile = call(service, "GET", "/profile/", tokens["access_token"])
        assert status == 200
        uid, pid = ids[email]
        mine, other = (("student_profile", "instructor_profile") if role == "student"
                       else ("instructor_profile", "student_profile"))
        assert (profile["id"], profile["email"], profile[other]) == (uid, email, None)
        assert (profile[mine]["id"], profile[mine]["user_id"]) == (pid, uid)
        assert {k: profile[mine][k] for k in fields} == fields
        assert profile[mine]["created_at"] == "2026-03-20T10:00:00.000000Z"
    # behind their gateway: the headers it forwards, and another service's
    # GET /auth/me with only X-User-ID
    ada_uid, ada_pid = ids["ada@example.com"]
    status, _, me = service.request("GET", "/auth/me", headers={"X-User-ID": ada_uid})
    assert (status, me["email"]) == (200, "ada@example.com")
    status, _, profile = service.request("GET", "/profile/", headers={
        "X-User-ID": ada_uid, "X-User-Role": "instructor", "X-Profile-ID": ada_pid})
    assert (status, profile["instructor_profile"]["id"]) == (200, ada_pid)
    # the same address in another case is taken (their 400)
    status, err = call(service, "POST", "/auth/register", body={
        "email": "JOHN.DOE@Example.com", "password": "another one", "first_name": "J",
        "last_name": "D"})
    assert (status, err) == (400, {"detail": "Email JOHN.DOE@example.com is already registered"})
    assert service.stop() == 0

    # the course service's tables and version row, untouched
    assert tables_dump(theirs, COURSE_SERVICE) == course_before
    # bcrypt kept (KEEP_BCRYPT_HASHES): the Python service can verify them after a rollback
    assert theirs.sql("SELECT count(*) FROM users WHERE password_hash LIKE '$2b$12$%'") == "3"

    down = retort(theirs, "downgrade", THEIR_HEAD)
    assert f"Running downgrade {TAKEOVER} -> {THEIR_HEAD}" in down.stderr
    assert theirs.sql("SELECT version_num FROM alembic_version") == THEIR_HEAD
    fresh = pg_databases()
    psql_file(fresh, PYTHON_HEAD_SQL)
    assert tables_dump(theirs, OURS, "--schema-only") == tables_dump(fresh, OURS, "--schema-only")
    assert rows(theirs) == before_rows
    assert tables_dump(theirs, COURSE_SERVICE) == course_before


def test_our_history_builds_their_schema(pg_databases):
    """Our SQL for their three revisions gives their head's exact schema."""
    ours, fresh = pg_databases(), pg_databases()
    retort(ours, "upgrade", THEIR_HEAD)
    psql_file(fresh, PYTHON_HEAD_SQL)
    assert tables_dump(ours, OURS, "--schema-only") == tables_dump(fresh, OURS, "--schema-only")


def test_accounts_differing_only_by_case_stop_the_upgrade(pg_databases):
    theirs = pg_databases()
    users = USERS + [("john.doe@example.com", "the other john", "student", {})]
    ids = python_database(theirs, users)
    schema_before = tables_dump(theirs, OURS, "--schema-only")
    up = retort(theirs, "upgrade", "head", check=False)
    assert up.returncode == 1
    err = up.stderr
    assert "accounts whose emails differ only by letter case" in err, err
    assert "john.doe@example.com (2 accounts" in err
    for email in ("John.Doe@example.com", "john.doe@example.com"):
        assert f"{ids[email][0]} {email}" in err
    assert "Grace" not in err
    assert theirs.sql("SELECT version_num FROM alembic_version") == THEIR_HEAD
    assert tables_dump(theirs, OURS, "--schema-only") == schema_before


def first_release_database(database):
    """A database as the first C release left it: retort_version at
    96f087ac5e97, one student with an enrollment, one instructor."""
    retort(database, "upgrade", "96f087ac5e97", config=CONVERSION_INI)
    hashed = bcrypt.hashpw(b"release one pw", bcrypt.gensalt(12)).decode()
    t = "'2026-11-30T08:00:00Z'"
    u1, u2 = "0190a000-0000-7000-8000-0000000000a1", "0190a000-0000-7000-8000-0000000000a2"
    p1, p2 = "0190a000-0000-7000-8000-0000000000b1", "0190a000-0000-7000-8000-0000000000b2"
    e1 = "0190a000-0000-7000-8000-0000000000c1"
    database.sql(
        "INSERT INTO users (id, email, first_name, last_name, password_hash, role,"
        " phone_number, created_at, updated_at) VALUES"
        f" ('{u1}', 'stu@example.com', 'S', 'T', '{hashed}', 'student', '+15550000001', {t}, {t}),"
        f" ('{u2}', 'ins@example.com', 'I', 'N', '{hashed}', 'instructor', NULL, {t}, {t})")
    database.sql(f"INSERT INTO student_profiles (id, user_id, bio, created_at, updated_at)"
                 f" VALUES ('{p1}', '{u1}', 'hi', {t}, {t})")
    database.sql("INSERT INTO instructor_profiles (id, user_id, total_students, average_rating,"
                 f" created_at, updated_at) VALUES ('{p2}', '{u2}', 3, 4.25, {t}, {t})")
    database.sql("INSERT INTO enrollments (id, user_id, course_id, status, created_at) VALUES"
                 f" ('{e1}', '{u1}', 7, 'active', {t})")
    return {"u1": u1, "p1": p1, "p2": p2, "e1": e1}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_first_release_database_reaches_the_new_head(dialect, pg_databases, tmp_path,
                                                      start_service):
    if dialect == "sqlite":
        path = tmp_path / "release1.db"
        database = Database("sqlite", f"sqlite:///{path}", path)
    else:
        database = pg_databases()
    ids = first_release_database(database)
    # the one-time conversion (docs/switching.md), then the usual upgrade
    conv = retort(database, "upgrade", "head", config=CONVERSION_INI)
    assert "Running upgrade 96f087ac5e97 -> e1a0c2b4d6f8" in conv.stderr
    retort(database, "stamp", TAKEOVER)
    retort(database, "upgrade", "head")
    assert retort(database, "current").stdout.split()[0] == HEAD_REVISION
    assert retort(database, "check").stdout.strip() == "No new upgrade operations detected."

    service = start_service(database)
    status, tokens = call(service, "POST", "/auth/login",
                          body={"email": "STU@example.com", "password": "release one pw"})
    assert status == 200, tokens
    token = tokens["access_token"]
    status, profile = call(service, "GET", "/profile/", token)
    assert (profile["id"], profile["phone_number"]) == (ids["u1"], "+15550000001")
    assert profile["created_at"] == "2026-11-30T08:00:00.000000Z"
    assert (profile["student_profile"]["id"], profile["student_profile"]["bio"]) == \
        (ids["p1"], "hi")
    assert profile["student_profile"]["education_level"] is None
    assert profile["instructor_profile"] is None
    status, enrollments = call(service, "GET", "/enrollments", token)
    assert status == 200
    assert [(e["id"], e["course_id"], e["status"]) for e in enrollments] == \
        [(ids["e1"], 7, "active")]
    status, _ = call(service, "POST", "/enrollments", token, {"course_id": 7})
    assert status == 409  # the carried-over active enrollment still counts
    assert service.stop() == 0
    assert database.sql("SELECT average_rating FROM instructor_profiles") == "4.25"


def test_conversion_refuses_values_it_would_drop(tmp_path):
    """student_profiles.phone_number and the counters, which the first
    release never wrote: a value there stops the conversion, nothing changed."""
    path = tmp_path / "release1.db"
    database = Database("sqlite", f"sqlite:///{path}", path)
    first_release_database(database)
    database.sql("UPDATE student_profiles SET total_enrollments = 1")
    conv = retort(database, "upgrade", "head", config=CONVERSION_INI, check=False)
    assert conv.returncode == 1
    assert "student profiles hold phone_number, total_enrollments or completed_courses" \
        in conv.stderr
    assert database.sql("SELECT version_num FROM retort_version") == "96f087ac5e97"
    assert database.sql("SELECT count(*) FROM enrollments") == "1"
