"""`retort inspect --sql [--split DIR] [--force]`: the live schema written as
model SQL.

* The round trip over the whole autogenerate corpus, both dialects: each
  case's "after" models are generated and upgraded into a fresh database,
  inspected into a fresh models directory (`--split`), and `check` against
  that directory exits 0; two runs write the same bytes; for some cases the
  stdout form is used as the only model file instead.
* Ownership: in a database shared with another service (its tables with
  keys among themselves and to ours, ours with a key to one of its), only
  our tables are written, our key to its table kept.
* Bad input: a target file that exists is refused without --force (one
  error line, nothing written) and replaced with it; option misuse is a
  usage error.
"""
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import DIALECTS, REPO, Project, assert_error, describe, run_retort
from test_11_autogen_corpus import CASES, WORKERS, Corpus, QuickDatabases, _lines
from test_14_ownership import OTHER_SERVICE as COURSES

# every STDOUT_EVERY-th case also round-trips through the stdout form
STDOUT_EVERY = 5


def _cases(dialect):
    """The corpus cases that apply to dialect and are not marked xfail there."""
    out = []
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        dialects = _lines(case / "dialects") or DIALECTS
        xfail = {line.partition(":")[0].strip() for line in _lines(case / "xfail") or []}
        if dialect in dialects and dialect not in xfail:
            out.append(case)
    return out


def _use_models(root, folder):
    """Points the project's retort.ini at another models folder."""
    ini = root / "retort.ini"
    lines = [line for line in ini.read_text().splitlines() if not line.startswith("models =")]
    ini.write_text("\n".join(lines + [f"models = {folder}"]) + "\n")


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def round_trip(case, dialect, databases, root, stdout_form):
    c = Corpus(case, dialect, databases, root)
    c.use_models("after")
    c.autogenerate("after")
    c.run("upgrade", "head")

    proc = c.run("inspect", "--sql", "--split", "inspected")
    written = root / "inspected"
    names = sorted(p.name for p in written.iterdir())
    assert proc.stdout.splitlines() == [f"inspected/{n}" for n in names], describe(proc)
    c.run("inspect", "--sql", "--split", "again")
    assert _files(written) == _files(root / "again"), "two runs wrote different files"
    _use_models(root, "inspected")
    proc = c.run("check", expect=None)
    assert proc.returncode == 0, f"check against the split files\n{describe(proc)}"

    if stdout_form:
        one, two = c.inspect("--sql"), c.inspect("--sql")
        assert one == two, "two runs printed different SQL"
        (root / "single").mkdir()
        (root / "single" / "schema.sql").write_text(one)
        _use_models(root, "single")
        proc = c.run("check", expect=None)
        assert proc.returncode == 0, f"check against the stdout form\n{describe(proc)}\n{one}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_corpus_round_trip(dialect, tmp_path):
    cases = _cases(dialect)
    assert len(cases) > 20, "the corpus went missing"
    databases = QuickDatabases(tmp_path)

    def one(k_case):
        k, case = k_case
        try:
            round_trip(case, dialect, databases, tmp_path / case.name, k % STDOUT_EVERY == 0)
            return None
        except Exception as exc:  # reported below with the case's name
            return f"{case.name} ({dialect}): {exc}\n" + "".join(traceback.format_tb(
                exc.__traceback__)[-2:])

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            failed = [r for r in pool.map(one, enumerate(cases)) if r]
    finally:
        databases.drop_all()
    assert not failed, f"{len(failed)} of {len(cases)} cases failed:\n" + "\n".join(failed)


# ---- the user service's own schema ---------------------------------------------

SERVICE = REPO / "services" / "user-service"


def test_user_service_schema(db, tmp_path):
    """The service's history upgraded, inspected: the files make exactly the
    schema the service's hand-written models make."""
    (tmp_path / "retort.ini").write_text(
        f"[retort]\nscript_location = {SERVICE / 'migrations'}\n"
        f"models = {SERVICE / 'models'}\ndatabase_url = {db.url}\n")
    run_retort("upgrade", "head", cwd=tmp_path)
    run_retort("check", cwd=tmp_path)
    theirs = run_retort("inspect", "--models", cwd=tmp_path).stdout
    proc = run_retort("inspect", "--split", "inspected", cwd=tmp_path)
    assert len(proc.stdout.splitlines()) >= 4, describe(proc)
    _use_models(tmp_path, tmp_path / "inspected")
    run_retort("check", cwd=tmp_path)
    ours = run_retort("inspect", "--models", cwd=tmp_path).stdout
    assert ours == theirs, "the inspected models make another schema than the service's"


# ---- a database shared with another service -----------------------------------

# test_14's other service (courses, course_enrollments -> courses, its own
# version table), and one of its tables with a key to ours
OTHER_SERVICE = COURSES + """\
CREATE TABLE course_reviews (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
"""

OURS = """\
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE
);
CREATE TABLE student_profiles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id INTEGER REFERENCES courses (id)
);
CREATE INDEX student_profiles_course ON student_profiles (course_id);
"""

# PostgreSQL: each service has an enum type
PG_TYPES = """\
CREATE TYPE user_role AS ENUM ('student', 'instructor');
ALTER TABLE users ADD COLUMN role user_role NOT NULL DEFAULT 'student';
CREATE TYPE course_level AS ENUM ('beginner', 'advanced');
ALTER TABLE courses ADD COLUMN level course_level;
COMMENT ON TABLE users IS 'accounts';
"""


def shared_project(db, tmp_path):
    p = Project(tmp_path, db)
    # ours first: the other service's tables reference them
    db.apply_script(OURS.replace(" REFERENCES courses (id)", ""))
    db.apply_script(OTHER_SERVICE)
    if db.dialect == "postgresql":
        db.apply_script("ALTER TABLE student_profiles ADD FOREIGN KEY (course_id) "
                        "REFERENCES courses (id);\n" + PG_TYPES)
    else:  # SQLite cannot add a key: the table made again, with it
        db.apply_script("DROP INDEX student_profiles_course; DROP TABLE student_profiles;\n"
                        + OURS[OURS.index("CREATE TABLE student_profiles"):])
    with open(tmp_path / "retort.ini", "a") as ini:
        ini.write("models = models\nexclude_tables = course*\n")
    return p


def test_ownership(db, tmp_path):
    p = shared_project(db, tmp_path)
    before = db.schema()
    proc = p.run("inspect", "--sql", "--split", "models")
    want = ["student_profiles.sql", "users.sql"]
    if db.dialect == "postgresql":
        want = ["student_profiles.sql", "types.sql", "users.sql"]
    assert proc.stdout.splitlines() == [f"models/{n}" for n in want], describe(proc)
    assert sorted(x.name for x in (tmp_path / "models").iterdir()) == want
    text = {n: (tmp_path / "models" / n).read_text() for n in want}
    everything = "".join(text.values())
    for theirs in ("course_enrollments", "course_reviews", "CREATE TABLE courses"):
        assert theirs not in everything, everything
    assert "alembic_version" not in everything and "retort_" not in everything
    # our key to the other service's table is kept, with the rest of the table
    assert "FOREIGN KEY (course_id) REFERENCES courses (id)" in text["student_profiles.sql"]
    assert "ON DELETE CASCADE" in text["student_profiles.sql"]
    assert "CREATE INDEX student_profiles_course ON student_profiles" in \
        text["student_profiles.sql"]
    if db.dialect == "postgresql":
        assert "user_role" in text["types.sql"] and "course_level" not in everything
        assert "COMMENT ON TABLE users IS 'accounts';" in text["users.sql"]
    proc = p.run("check", expect=None)
    assert proc.returncode == 0, describe(proc)
    assert db.schema() == before, "inspect changed the database"


# ---- bad input ------------------------------------------------------------------


def test_existing_file_refused_then_forced(db, tmp_path):
    p = shared_project(db, tmp_path)
    models = tmp_path / "models"
    models.mkdir()
    (models / "users.sql").write_text("-- mine\n")
    proc = p.run("inspect", "--sql", "--split", "models", expect=None)
    assert_error(proc, "models/users.sql' exists", "--force")
    assert proc.stdout == "", describe(proc)
    assert [x.name for x in models.iterdir()] == ["users.sql"], "something was written"
    assert (models / "users.sql").read_text() == "-- mine\n"

    proc = p.run("inspect", "--split", "models", "--force")
    assert "models/users.sql" in proc.stdout.splitlines(), describe(proc)
    assert "CREATE TABLE users" in (models / "users.sql").read_text()
    assert not [x for x in models.iterdir() if x.name.startswith(".")], "a temporary file left"
    p.run("check")


@pytest.mark.parametrize("args,needle", [
    (["--force"], "--force applies to --split"),
    (["--models", "--sql"], "do not go together"),
    (["--split"], "requires an argument"),
])
def test_usage_errors(args, needle, tmp_path):
    # no config and no database: usage is checked before either is opened
    proc = run_retort("inspect", *args, cwd=tmp_path, expect=None)
    assert_error(proc, needle, status=2)


def test_file_names_stay_in_the_directory(databases, tmp_path):
    """Table names that are not plain words make file names that are: no
    path leaves DIR, none is hidden; the quoted names round-trip."""
    db = databases.new("sqlite")
    root = tmp_path / "project"
    root.mkdir()
    p = Project(root, db)
    with open(root / "retort.ini", "a") as ini:
        ini.write("models = models\n")
    db.apply_script('CREATE TABLE "Order Items" (id INTEGER PRIMARY KEY);\n'
                    'CREATE TABLE "../up" (id INTEGER PRIMARY KEY,'
                    ' item INTEGER REFERENCES "Order Items" (id));\n'
                    'CREATE TABLE ".hidden" (id INTEGER PRIMARY KEY);\n')
    proc = p.run("inspect", "--split", "models")
    want = ["models/Order_Items.sql", "models/___up.sql", "models/_hidden.sql"]
    assert proc.stdout.splitlines() == want, describe(proc)
    assert sorted(x.name for x in root.iterdir()) == ["migrations", "models", "retort.ini"]
    assert 'REFERENCES "Order Items" (id)' in (root / "models" / "___up.sql").read_text()
    p.run("check")
