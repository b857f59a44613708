"""`retort lint` on real scripts with the real binary: findings as
file:line: severity CODE ..., the exit status (1 only for an error-level
finding; --strict counts warnings), which scripts are linted (the heads by
default, one revision, a range), the PostgreSQL-only lock rules, the
ignore annotation, ownership, bad input; lint reads scripts only (a
database URL nobody answers is fine); and `revision --autogenerate`
printing the findings of the drop column it generated, on both dialects."""
import re

import pytest

from conftest import Project, assert_error, describe, rev, run_retort

# A URL with nothing behind it: lint must never connect.
DEAD_PG = "postgresql://nobody@127.0.0.1:1/nothing"

CREATE = """\
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    phone VARCHAR(20)
);
CREATE TABLE courses (id INTEGER PRIMARY KEY, title TEXT);"""

CHANGE = """\
ALTER TABLE users ADD COLUMN nickname TEXT;

ALTER TABLE users DROP COLUMN phone;
CREATE INDEX ix_users_email ON users (email);
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50);"""

FINDING = re.compile(r"^(?P<file>\S+):(?P<line>\d+): (?P<sev>error|warning) (?P<code>RT\d{3}) ")


class Offline:
    """A project whose retort.ini names a database URL of a dialect but no
    live database: only scripts."""

    def __init__(self, root, url):
        self.root = root
        self.versions = root / "migrations" / "versions"
        self.versions.mkdir(parents=True)
        self.ini(url)

    def ini(self, url, extra=""):
        (self.root / "retort.ini").write_text(
            f"[retort]\nscript_location = migrations\ndatabase_url = {url}\n{extra}")

    def add(self, revision, down, up, message):
        text = (f"-- {message}\n--\n-- Revision ID: {revision}\n"
                f"-- Revises:{' ' + down if down else ''}\n"
                f"-- Create Date: 2026-01-01 00:00:00.000000\n\n"
                f"-- retort:upgrade\n{up}\n\n-- retort:downgrade\n")
        name = f"{revision}_{message.replace(' ', '_')}.sql"
        (self.versions / name).write_text(text)
        return name

    def lint(self, *args, expect=None):
        return run_retort("lint", *args, cwd=self.root, expect=expect)


def findings(proc, stream="stdout"):
    """(file, line, severity, code) of each finding line."""
    out = []
    for line in getattr(proc, stream).splitlines():
        m = FINDING.match(line)
        if m:
            out.append((m["file"], int(m["line"]), m["sev"], m["code"]))
    return out


def line_of(path, text):
    """1-based line of the first line of path that contains text."""
    for no, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return no
    raise AssertionError(f"{text!r} not in {path}")


@pytest.fixture(params=["postgresql", "sqlite"])
def offline(request, tmp_path):
    url = DEAD_PG if request.param == "postgresql" else f"sqlite:///{tmp_path}/never.db"
    o = Offline(tmp_path, url)
    o.dialect = request.param
    o.base = o.add(rev("a1"), None, CREATE, "create users")
    o.head = o.add(rev("b2"), rev("a1"), CHANGE, "change users")
    return o


def test_head_findings_and_exit(offline):
    proc = offline.lint(expect=1)
    got = findings(proc)
    path = offline.versions / offline.head
    drop = line_of(path, "DROP COLUMN phone")
    index = line_of(path, "CREATE INDEX")
    narrow = line_of(path, "TYPE VARCHAR(50)")
    shown = f"migrations/versions/{offline.head}"
    assert (shown, drop, "error", "RT102") in got, describe(proc)
    assert (shown, drop, "error", "RT302") in got, describe(proc)
    assert (shown, narrow, "error", "RT103") in got, describe(proc)
    assert "drop column users.phone: data loss" in proc.stdout, describe(proc)
    assert "; safer: " in proc.stdout
    assert "VARCHAR(255) to VARCHAR(50)" in proc.stdout, "old type from the history"
    lock_codes = {c for (_, _, _, c) in got if c.startswith("RT2")}
    if offline.dialect == "postgresql":
        assert (shown, index, "warning", "RT201") in got, describe(proc)
        assert "RT202" in lock_codes
    else:
        assert not lock_codes, f"PostgreSQL lock rules on SQLite\n{describe(proc)}"
    # the added column and the base script's CREATE TABLEs are fine
    assert all(f == shown for (f, _, _, _) in got), describe(proc)
    assert not any(ln == line_of(path, "nickname") for (_, ln, _, _) in got)
    assert proc.stdout.splitlines()[-1].startswith("3 errors"), describe(proc)


def test_revision_and_range(offline):
    proc = offline.lint(rev("a1"), expect=0)
    assert findings(proc) == [], describe(proc)
    assert "0 errors, 0 warnings in 1 script" in proc.stdout
    proc = offline.lint(rev("a1")[:4] + ":" + rev("b2"), expect=1)
    assert "in 2 scripts" in proc.stdout, describe(proc)
    proc = offline.lint("a1:a1", expect=0)
    assert "in 1 script" in proc.stdout, describe(proc)


def test_ignore_annotations(offline):
    path = offline.versions / offline.head
    text = path.read_text().replace(
        "ALTER TABLE users DROP COLUMN phone;",
        "-- retort:lint-ignore RT102 phone numbers moved to contacts in 0041\n"
        "-- retort:lint-ignore RT302 release 42 no longer reads users.phone\n"
        "ALTER TABLE users DROP COLUMN phone;").replace(
        "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50);",
        "-- retort:lint-ignore RT103 emails are checked to be short\n"
        "-- retort:lint-ignore RT202 a small table\n"
        "-- retort:lint-ignore RT201 a small table\n"
        "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50);")
    path.write_text(text)
    proc = offline.lint(expect=None)
    got = findings(proc)
    codes = [c for (_, _, _, c) in got]
    if offline.dialect == "postgresql":
        # RT201 belongs to the CREATE INDEX, not to the statement below the ignore
        assert proc.returncode == 0, describe(proc)
        assert codes == ["RT201", "RT903"], describe(proc)
        assert offline.lint("--strict", expect=1).returncode == 1
    else:
        assert proc.returncode == 0 and codes == [], describe(proc)
        assert offline.lint("--strict", expect=0).returncode == 0

    # an ignore without a reason silences nothing and is an error itself
    path.write_text(text.replace(" phone numbers moved to contacts in 0041", ""))
    proc = offline.lint(expect=1)
    got = findings(proc)
    line = line_of(path, "lint-ignore RT102")
    assert (f"migrations/versions/{offline.head}", line, "error", "RT901") in got, describe(proc)
    assert "RT102" in [c for (_, _, _, c) in got], describe(proc)


def test_dialect_option_and_ownership(offline):
    proc = offline.lint("--dialect", "postgresql", expect=1)
    assert "RT201" in proc.stdout, describe(proc)
    proc = offline.lint("--dialect", "sqlite", expect=1)
    assert "RT201" not in proc.stdout, describe(proc)
    offline.add(rev("c3"), rev("b2"), "DROP TABLE courses;", "drop courses")
    assert "drop table courses" in offline.lint(expect=1).stdout
    url = (offline.root / "retort.ini").read_text().split("database_url = ")[1].split("\n")[0]
    offline.ini(url, "exclude_tables = courses*\n")
    proc = offline.lint(expect=0)
    assert findings(proc) == [], f"not our table: not looked at\n{describe(proc)}"
    # a dotted glob matches the default schema of the dialect
    schema = "public" if offline.dialect == "postgresql" else "main"
    offline.ini(url, f"include_tables = {schema}.users\n")
    proc = offline.lint(":", expect=1)
    assert "drop column users.phone" in proc.stdout, describe(proc)
    assert "drop table courses" not in proc.stdout, describe(proc)


def test_bad_input(offline):
    assert_error(offline.lint("ffff", expect=1), "ffff")
    proc = offline.lint("--dialect", "oracle", expect=2)
    assert "unknown dialect 'oracle'" in proc.stderr, describe(proc)
    proc = offline.lint("a", "b", expect=2)
    assert "unexpected argument 'b'" in proc.stderr
    name = offline.add(rev("d4"), rev("b2"), "SELECT 1;\nALTER TABLE users ADD COLUMN (;",
                       "broken")
    proc = offline.lint(expect=1)
    line = line_of(offline.versions / name, "ADD COLUMN (")
    assert_error(proc, f"{name}:{line}:")
    assert proc.stdout == "", "nothing printed besides the error"
    offline.ini("")
    (offline.versions / name).unlink()
    assert_error(offline.lint(expect=1), "database")
    assert "RT102" in offline.lint("--dialect", "sqlite", expect=1).stdout


MODEL = """\
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    phone VARCHAR(20)
);
"""


def test_autogenerate_prints_findings(project):
    with open(project.root / "retort.ini", "a") as ini:
        ini.write("models = models\n")
    models = project.root / "models"
    models.mkdir()
    (models / "schema.sql").write_text(MODEL)
    first = project.run("revision", "--autogenerate", "-m", "create users")
    assert findings(first, "stderr") == [], "creating tables is clean\n" + describe(first)
    project.run("upgrade", "head")
    (models / "schema.sql").write_text(MODEL.replace(",\n    phone VARCHAR(20)", ""))
    before = set(project.script_files())
    proc = project.run("revision", "--autogenerate", "-m", "drop phone", expect=0)
    new = sorted(set(project.script_files()) - before)
    assert len(new) == 1, new
    path = project.versions / new[0]
    got = findings(proc, "stderr")
    drop = line_of(path, "DROP COLUMN phone")
    assert ("migrations/versions/" + new[0], drop, "error", "RT102") in got, describe(proc)
    assert ("migrations/versions/" + new[0], drop, "error", "RT302") in got, describe(proc)
    assert findings(proc) == [], "findings go to stderr, stdout keeps Generating ..."
    # the same findings from `retort lint`, which exits 1 on them
    assert findings(project.run("lint", expect=1)) == got
