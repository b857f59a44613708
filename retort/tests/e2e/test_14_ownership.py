"""Table ownership (include_tables / exclude_tables): a database shared with
another service, whose tables (`courses`, `course_enrollments` with a
foreign key to courses, and its own `alembic_version_course`) retort must
neither report nor drop, while our table's foreign key to one of them is
kept; the glob variants; a model table the globs do not own; a malformed
glob list; on SQLite, a rebuild of our table keeping the foreign key
another service's table holds to it; and, on PostgreSQL, another service's
enum type (used only by its table) neither reported nor dropped while our
own enum types still compare. Both dialects."""
import pytest

from conftest import Project, assert_error, describe

OTHER_SERVICE = """\
CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL
);
CREATE TABLE course_enrollments (
    id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses (id),
    student VARCHAR(200)
);
CREATE TABLE alembic_version_course (
    version_num VARCHAR(32) NOT NULL PRIMARY KEY
);
INSERT INTO alembic_version_course VALUES ('1a2b3c4d5e6f');
"""

MODEL = """\
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL
);

CREATE TABLE student_profiles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    course_id INTEGER REFERENCES courses (id)
);
"""

PHONE = MODEL.replace("email VARCHAR(200) NOT NULL\n",
                      "email VARCHAR(200) NOT NULL,\n    phone VARCHAR(20)\n")


class Shared:
    """A project whose database also holds another service's tables."""

    def __init__(self, project):
        self.p = project
        self.db = project.db
        self.db.apply_script(OTHER_SERVICE)
        self.models = project.root / "models"
        self.models.mkdir()
        (self.models / "schema.sql").write_text(MODEL)
        self.ini("users, student_*", None)

    def ini(self, include, exclude):
        self.p.write_ini()
        with open(self.p.root / "retort.ini", "a") as ini:
            ini.write("models = models\n")
            if include is not None:
                ini.write(f"include_tables = {include}\n")
            if exclude is not None:
                ini.write(f"exclude_tables = {exclude}\n")

    def run(self, *args, expect=0):
        return self.p.run(*args, expect=expect)

    def autogenerate(self, expect=0):
        before = set(self.p.script_files())
        self.run("revision", "--autogenerate", "-m", "auto", expect=expect)
        new = sorted(set(self.p.script_files()) - before)
        assert len(new) == 1, new
        text = (self.p.versions / new[0]).read_text()
        up = text[text.index("-- retort:upgrade"):text.index("-- retort:downgrade")]
        down = text[text.index("-- retort:downgrade"):]
        return up, down


@pytest.fixture
def shared(project):
    return Shared(project)


def statements(section):
    return [line for line in section.splitlines()
            if line.strip() and not line.startswith("--")]


def test_other_service_is_never_ours(shared):
    up, down = shared.autogenerate()
    assert "courses" not in up.replace("REFERENCES courses", ""), up
    assert "DROP" not in up.upper(), up
    assert "course_enrollments" not in up + down and "alembic_version" not in up + down
    assert 'REFERENCES courses' in up.replace('"', ""), up
    shared.run("upgrade", "head")
    proc = shared.run("check")
    assert "No new upgrade operations detected." in proc.stdout, describe(proc)
    inspected = shared.run("inspect").stdout
    assert "student_profiles" in inspected and "users" in inspected, inspected
    assert "course_enrollments" not in inspected and "alembic_version" not in inspected
    assert "table courses" not in inspected, inspected

    (shared.models / "schema.sql").write_text(PHONE)
    up, down = shared.autogenerate()
    assert statements(up) == ["ALTER TABLE users ADD COLUMN phone VARCHAR(20);"], up
    assert statements(down) == ["ALTER TABLE users DROP COLUMN phone;"], down
    shared.run("upgrade", "head")
    shared.run("check")
    # the other service's data and version table are untouched
    assert shared.db.version("alembic_version_course") == ["1a2b3c4d5e6f"]
    assert {"courses", "course_enrollments"} <= set(shared.db.tables())


@pytest.mark.parametrize("include,exclude", [
    ("users, student_*", None),
    (None, "course*"),
    ("*", "courses, course_*"),
    (None, "{schema}.course*"),
])
def test_variants_that_own_only_ours(shared, include, exclude):
    schema = "public" if shared.db.dialect == "postgresql" else "main"
    exclude = exclude and exclude.format(schema=schema)
    shared.ini(include, exclude)
    up, _ = shared.autogenerate()
    assert "DROP" not in up.upper(), up
    shared.run("upgrade", "head")
    shared.run("check")


def test_default_owns_every_table_but_version_tables(shared):
    """Without the keys every table is ours: the other service's tables are
    reported for dropping; its alembic_version_course never is."""
    shared.ini(None, None)
    proc = shared.run("check", expect=1)
    assert "courses" in proc.stdout and "course_enrollments" in proc.stdout, describe(proc)
    assert "alembic_version" not in proc.stdout, describe(proc)


def test_exclude_courses_star_leaves_enrollments_owned(shared):
    """courses* does not match course_enrollments: that table is then ours,
    and since the models lack it, check reports dropping it (and only it)."""
    shared.ini(None, "courses*")
    proc = shared.run("check", expect=1)
    assert "course_enrollments" in proc.stdout, describe(proc)
    assert "courses" not in proc.stdout.replace("course_enrollments", ""), describe(proc)
    up, _ = shared.autogenerate()
    assert "DROP TABLE course_enrollments;" in up and "DROP TABLE courses" not in up, up


def test_model_table_not_owned_is_left_out_with_a_warning(shared):
    shared.autogenerate()
    shared.run("upgrade", "head")
    shared.ini("users", None)
    proc = shared.run("check")
    assert ("models define table student_profiles which include_tables/exclude_tables "
            "do not own") in proc.stderr, describe(proc)


@pytest.mark.parametrize("line,needle", [
    ("include_tables = users,, student_*", "invalid include_tables 'users,, student_*': "
     "empty item"),
    ("exclude_tables = courses*,", "invalid exclude_tables 'courses*,': empty item"),
    ("exclude_tables = courses* course_*", "a glob holds whitespace"),
])
def test_malformed_glob_list(shared, line, needle):
    shared.p.write_ini()
    with open(shared.p.root / "retort.ini", "a") as ini:
        ini.write(f"models = models\n{line}\n")
    proc = shared.run("check", expect=1)
    assert_error(proc, needle, "retort.ini:5")


def test_sqlite_rebuild_keeps_foreign_keys_of_unowned_tables(tmp_path, databases):
    db = databases.new("sqlite")
    root = tmp_path / "proj"
    root.mkdir()
    s = Shared(Project(root, db))
    s.autogenerate()
    s.run("upgrade", "head")
    db.apply_script("CREATE TABLE course_reviews (id INTEGER PRIMARY KEY, "
                    "user_id INTEGER NOT NULL REFERENCES users (id));\n"
                    "INSERT INTO users VALUES (1, 'a@example.com');\n"
                    "INSERT INTO course_reviews VALUES (1, 1);\n")
    s.ini(None, "course*")
    # a type change: SQLite's ALTER cannot, so users is rebuilt
    (s.models / "schema.sql").write_text(MODEL.replace("VARCHAR(200)", "VARCHAR(320)"))
    up, _ = s.autogenerate()
    assert statements(up) == ["ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(320);"], up
    s.run("upgrade", "head")
    s.run("check")
    sql = db.scalar("SELECT sql FROM sqlite_master WHERE name = 'course_reviews'")
    assert "REFERENCES users" in sql.replace('"', ""), sql
    assert db.query("PRAGMA foreign_key_check") == []
    assert db.query("SELECT user_id FROM course_reviews") == [["1"]]


OTHER_ENUM = """\
CREATE TYPE course_level AS ENUM ('intro', 'advanced');
ALTER TABLE courses ADD COLUMN level course_level NOT NULL DEFAULT 'intro';
"""

OUR_ENUM = ("CREATE TYPE user_status AS ENUM ('active', 'banned');\n"
            "CREATE TYPE user_plan AS ENUM ('free', 'paid');\n\n"
            + MODEL.replace("email VARCHAR(200) NOT NULL\n",
                            "email VARCHAR(200) NOT NULL,\n    status user_status\n"))


def pg_shared(tmp_path, databases):
    db = databases.new("postgresql")
    root = tmp_path / "proj"
    root.mkdir()
    s = Shared(Project(root, db))
    db.apply_script(OTHER_ENUM)
    return s


def test_pg_other_service_enum_is_never_ours(tmp_path, databases):
    """course_level is used only by courses, which we do not own, and our
    models do not mention it: neither check nor autogenerate drops it, and
    inspect of the database does not show it."""
    s = pg_shared(tmp_path, databases)
    up, down = s.autogenerate()
    assert "course_level" not in up + down, up + down
    assert "DROP TYPE" not in up.upper(), up
    s.run("upgrade", "head")
    proc = s.run("check")
    assert "No new upgrade operations detected." in proc.stdout, describe(proc)
    inspected = s.run("inspect").stdout
    assert "course_level" not in inspected, inspected
    assert s.db.scalar("SELECT count(*) FROM pg_type WHERE typname = 'course_level'") == "1"
    # without the keys every table is ours, and so is its enum type
    s.ini(None, None)
    proc = s.run("check", expect=1)
    assert "course_level" in proc.stdout, describe(proc)


def test_pg_our_enums_still_compare(tmp_path, databases):
    """Our enum used by our table, and one no table uses yet, stay on the
    database side: created once, then up to date, and a value added in the
    models is detected."""
    s = pg_shared(tmp_path, databases)
    (s.models / "schema.sql").write_text(OUR_ENUM)
    up, _ = s.autogenerate()
    assert "CREATE TYPE user_status" in up and "CREATE TYPE user_plan" in up, up
    assert "course_level" not in up, up
    s.run("upgrade", "head")
    proc = s.run("check")
    assert "No new upgrade operations detected." in proc.stdout, describe(proc)
    inspected = s.run("inspect").stdout
    assert "user_status" in inspected and "user_plan" in inspected, inspected
    assert "course_level" not in inspected, inspected

    (s.models / "schema.sql").write_text(
        OUR_ENUM.replace("'active', 'banned'", "'active', 'banned', 'pending'"))
    proc = s.run("check", expect=1)
    assert "user_status" in proc.stdout, describe(proc)
    up, _ = s.autogenerate()
    assert "ADD VALUE 'pending'" in up, up
    assert "DROP TYPE" not in up.upper() and "course_level" not in up, up
    s.run("upgrade", "head")
    s.run("check")
