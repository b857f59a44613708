"""`retort adopt`: taking over what Alembic managed.

`--from-alembic DIR` imports a history through real Alembic (Debian's
python3-alembic, run by the interpreter these tests run under): the
python-user-service peer's history ("0001", "0002"; an asyncpg env.py
reading DATABASE_URL) on PostgreSQL, and a branched history (two roots with
branch labels, a depends_on naming a label, a merge given as a tuple, its
own version table) on both dialects. The imported graph is compared with
what Alembic's ScriptDirectory says, the schema `retort upgrade` builds
with the one `alembic upgrade` builds (pg_dump / .schema, Alembic's and
retort's version tables left out), and `downgrade base` must empty it.
Bad input: a directory that is not an Alembic script directory, no
Alembic for the configured interpreter, a versions directory that already
holds scripts; each one error line and nothing written.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, assert_error, describe, run_retort

PEER = REPO.parent / "shared" / "peers" / "python-user-service"
PYTHON = sys.executable  # has Alembic (python3-alembic), SQLAlchemy and asyncpg
ALEMBIC_TIMEOUT = 120

# A branched Alembic history whose env.py works offline and online on any
# dialect SQLAlchemy knows, with its own version table.
BRANCHED_ENV = """\
import os

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      version_table="alembic_version_shop")
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(os.environ["DATABASE_URL"], poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, version_table="alembic_version_shop")
        with context.begin_transaction():
            context.run_migrations()
"""

BRANCHED = [
    # file stem, message, revision, down_revision, branch_labels, depends_on, up, down
    ("0001_users", "create users", "0001", "None", '("core",)', "None",
     'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), '
     'sa.Column("email", sa.String(200), nullable=False))',
     'op.drop_table("users")'),
    ("b1_items", "items branch", "b1", "None", '"billing"', "None",
     'op.create_table("items", sa.Column("id", sa.Integer, primary_key=True), '
     'sa.Column("price", sa.Numeric(10, 2), server_default="0"))',
     'op.drop_table("items")'),
    ("0002_orders", "orders need items", "0002", '"0001"', "None", '"billing"',
     'op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True), '
     'sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE")))',
     'op.drop_table("orders")'),
    ("0003_merge", "merge core and billing", "0003", '("0002", "b1")', "None", "None",
     "pass", "pass"),
    ("0004_email_index", "index on email", "0004", '"0003"', "None", "None",
     'op.create_index("ix_users_email", "users", ["email"], unique=True)',
     'op.drop_index("ix_users_email", table_name="users")'),
]

SCRIPT = '''"""{message}

Revision ID: {rev}
Revises:
Create Date: 2026-11-24 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down}
branch_labels = {labels}
depends_on = {depends}


def upgrade():
    {up}


def downgrade():
    {down_body}
'''

# Alembic's view of a script directory, for comparison: its own API.
READ_GRAPH = """
import json, sys
from alembic.config import Config
from alembic.script import ScriptDirectory
cfg = Config()
cfg.set_main_option("script_location", sys.argv[1])
sd = ScriptDirectory.from_config(cfg)
tup = lambda v: [] if v is None else [v] if isinstance(v, str) else list(v)
print(json.dumps({s.revision: {
    "down": tup(s.down_revision),
    "labels": sorted(tup(getattr(s.module, "branch_labels", None))),
    "depends": [sd.get_revision(d).revision for d in tup(s.dependencies)],
    "message": s.doc} for s in sd.walk_revisions()}))
"""


def alembic(cwd, *args, url):
    """Runs real Alembic in cwd (the directory holding alembic.ini)."""
    env = dict(os.environ, DATABASE_URL=url, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([PYTHON, "-m", "alembic", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=ALEMBIC_TIMEOUT)
    assert proc.returncode == 0, describe(proc)
    return proc


def alembic_graph(script_dir):
    proc = subprocess.run([PYTHON, "-c", READ_GRAPH, str(script_dir)], capture_output=True,
                          text=True, timeout=ALEMBIC_TIMEOUT,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert proc.returncode == 0, describe(proc)
    return json.loads(proc.stdout)


def header(path):
    """The header keys of a retort script, lists split."""
    keys = {}
    for line in path.read_text().splitlines():
        if line.startswith("-- retort:"):
            break
        for key in ("Revision ID", "Revises", "Branch Labels", "Depends On"):
            if line.startswith(f"-- {key}:"):
                value = line.split(":", 1)[1].strip()
                keys[key] = [v.strip() for v in value.split(",")] if value else []
    return keys


def retort_graph(versions):
    graph = {}
    for path in sorted(versions.glob("*.sql")):
        h = header(path)
        rev = h["Revision ID"][0]
        graph[rev] = {"down": h["Revises"], "labels": sorted(h.get("Branch Labels", [])),
                      "depends": h.get("Depends On", []),
                      "message": path.read_text().splitlines()[0][3:]}
    return graph


def tree(root):
    """Every file under root with its bytes: what 'nothing written' compares."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def user_schema(db):
    """The schema without Alembic's and retort's bookkeeping tables."""
    if db.dialect == "postgresql":
        out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges",
                              "--exclude-table=alembic_version*", "-d", db.url],
                             capture_output=True, text=True, check=True).stdout
        skip = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
        return "\n".join(line.rstrip() for line in out.splitlines()
                         if line.strip() and not line.startswith(skip))
    # SQLite keeps the CREATE text as written; compare what it means
    lines = []
    for (table,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                             "NOT LIKE 'alembic_version%' AND name NOT LIKE 'sqlite_%' "
                             "ORDER BY name"):
        lines.append(f"table {table}")
        for pragma in ("table_info", "foreign_key_list"):
            lines += [f"  {pragma} {'|'.join(r)}"
                      for r in db.query(f"SELECT * FROM pragma_{pragma}('{table}')")]
        for name, unique in db.query(f"SELECT name, \"unique\" FROM pragma_index_list('{table}') "
                                     "ORDER BY name"):
            cols = [r[0] for r in db.query(f"SELECT name FROM pragma_index_info('{name}')")]
            lines.append(f"  index {name} unique={unique} {cols}")
    return "\n".join(lines)


class Adopter:
    """A retort project (retort.ini, empty migrations/versions) whose
    alembic_python is the interpreter that has Alembic."""

    def __init__(self, root, db, python=PYTHON):
        self.root = root
        self.db = db
        self.versions = root / "migrations" / "versions"
        self.versions.mkdir(parents=True)
        self.ini = root / "retort.ini"
        self.ini.write_text(
            "# written by the test; adopt edits only version_table\n"
            "[retort]\n"
            "script_location = migrations\n"
            f"database_url = {db.url}\n"
            "version_table = retort_version   ; until adopt\n"
            f"alembic_python = {python}\n")

    def set_python(self, python):
        self.ini.write_text(re.sub(r"(?m)^alembic_python = .*$", f"alembic_python = {python}",
                                   self.ini.read_text()))

    def run(self, *args, expect=0):
        return run_retort(*args, cwd=self.root, expect=expect)


@pytest.fixture
def peer(tmp_path):
    """A copy of the peer service (alembic.ini, migrations/, user_service/)."""
    dst = tmp_path / "peer"
    shutil.copytree(PEER, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


@pytest.fixture
def branched(tmp_path):
    """The branched history as an Alembic project: alembic.ini + shop/."""
    root = tmp_path / "shop-alembic"
    versions = root / "shop" / "versions"
    versions.mkdir(parents=True)
    (root / "shop" / "env.py").write_text(BRANCHED_ENV)
    for stem, message, rev, down, labels, depends, up, down_body in BRANCHED:
        (versions / f"{stem}.py").write_text(SCRIPT.format(
            message=message, rev=rev, down=down, labels=labels, depends=depends, up=up,
            down_body=down_body))
    (root / "alembic.ini").write_text("[alembic]\nscript_location = shop\n")
    return root


def test_from_alembic_peer(peer, databases, tmp_path):
    """The peer's real history on PostgreSQL: same ids, file names and graph;
    upgrade head from empty gives Alembic's schema; downgrade base empties
    it; the database is not touched by adopt; retort.ini edited in one key."""
    alembic_db = databases.new("postgresql")
    alembic(peer, "upgrade", "head", url=alembic_db.url)
    db = databases.new("postgresql")
    a = Adopter(tmp_path / "proj", db)
    before_ini = a.ini.read_text()
    before_peer = tree(peer)

    proc = a.run("adopt", "--from-alembic", str(peer / "migrations"))
    assert sorted(p.name for p in a.versions.iterdir()) == [
        "0001_initial_schema.sql", "0002_add_phone_number_to_users.sql"], describe(proc)
    assert proc.stdout.count("Generating ") == 2, describe(proc)
    assert "Setting version_table = alembic_version in" in proc.stdout, describe(proc)
    assert "retort upgrade head" in proc.stdout, describe(proc)
    assert db.tables() == [], "adopt --from-alembic must not touch the database"
    assert tree(peer) == before_peer, "the Alembic project must be left as it was"
    assert a.ini.read_text() == before_ini.replace(
        "version_table = retort_version   ; until adopt",
        "version_table = alembic_version   ; until adopt")
    assert retort_graph(a.versions) == alembic_graph(peer / "migrations")
    assert a.run("heads").stdout.split() == ["0002", "(head)"]

    a.run("upgrade", "head")
    assert db.version("alembic_version") == ["0002"]
    assert user_schema(db) == user_schema(alembic_db)
    assert a.run("current").stdout.split() == ["0002", "(head)"]

    a.run("downgrade", "base")
    assert [t for t in db.tables() if not t.startswith("alembic_version")] == []
    assert db.version("alembic_version") == []


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_from_alembic_branched(branched, databases, tmp_path, dialect):
    """Two roots with labels, a depends_on naming a label, a tuple merge,
    ids that are not hex: the same graph as Alembic's, the same schema as
    `alembic upgrade heads`, and back to empty."""
    alembic_db = databases.new(dialect)
    db = databases.new(dialect)
    alembic(branched, "upgrade", "heads", url=alembic_db.url)
    a = Adopter(tmp_path / "proj", db)

    proc = a.run("adopt", "--from-alembic", str(branched / "shop"))
    assert sorted(p.name for p in a.versions.iterdir()) == sorted(
        f"{b[0]}.sql" for b in BRANCHED), describe(proc)
    assert retort_graph(a.versions) == alembic_graph(branched / "shop")
    assert header(a.versions / "0002_orders.sql")["Depends On"] == ["b1"]
    assert "version_table = alembic_version_shop" in a.ini.read_text()

    a.run("upgrade", "heads")
    assert db.version("alembic_version_shop") == ["0004"]
    assert user_schema(db) == user_schema(alembic_db)
    a.run("downgrade", "base")
    assert [t for t in db.tables() if not t.startswith("alembic_version")] == []


def test_from_alembic_bad_input(peer, databases, tmp_path):
    """Each refusal is one error line and leaves the project as it was."""
    db = databases.new("sqlite")
    a = Adopter(tmp_path / "proj", db)

    def refused(*needles, python=None):
        if python:
            a.set_python(python)
        before = tree(a.root)
        proc = a.run("adopt", "--from-alembic", str(peer / "migrations"), expect=None)
        assert_error(proc, *needles)
        assert tree(a.root) == before, describe(proc)
        return proc

    # not an Alembic script directory: the project root, and a missing one
    for bad in (peer, tmp_path / "nope"):
        proc = a.run("adopt", "--from-alembic", str(bad), expect=None)
        assert_error(proc, "is not an Alembic script directory")
        assert list(a.versions.iterdir()) == []

    # Alembic not installed: a Python without site-packages, a missing program
    no_site = tmp_path / "python-without-alembic"
    no_site.write_text(f"#!/bin/sh\nexec {PYTHON} -S \"$@\"\n")
    no_site.chmod(0o755)
    refused("Alembic is not installed", "No module named", python=str(no_site))
    refused("cannot run", "python-missing", python=str(tmp_path / "python-missing"))

    # a versions directory that already holds a script
    a.set_python(PYTHON)
    (a.versions / "0abc_mine.sql").write_text(
        "-- mine\n-- Revision ID: 0abc\n-- Revises:\n\n-- retort:upgrade\n\n"
        "-- retort:downgrade\n")
    refused("already holds 1 revision script", "--force")


# ---- adopt (baseline) ------------------------------------------------------

# Another service in the same database: its tables (a foreign key between
# them), its rows and its own Alembic version table.
COURSE_SERVICE = """\
CREATE TABLE courses (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL);
CREATE TABLE course_enrollments (
    id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses (id),
    student VARCHAR(200)
);
CREATE TABLE alembic_version_course (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_course_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version_course VALUES ('c0ffee000001');
INSERT INTO courses VALUES (1, 'Databases'), (2, 'Compilers');
INSERT INTO course_enrollments VALUES (1, 1, 'ada'), (2, 2, 'alan');
"""
COURSE_TABLES = ["courses", "course_enrollments", "alembic_version_course"]


def course_dump(db):
    """The course service's tables, schema and rows, as bytes to compare."""
    if db.dialect == "postgresql":
        args = ["pg_dump", "--no-owner", "--no-privileges", "-d", db.url]
        for t in COURSE_TABLES:
            args += ["-t", t]
        out = subprocess.run(args, capture_output=True, check=True).stdout
        # pg_dump's \restrict key is random per run
        return b"\n".join(line for line in out.split(b"\n")
                          if not line.startswith((b"\\restrict", b"\\unrestrict")))
    out = subprocess.run(["sqlite3", str(db.path), f".dump {' '.join(COURSE_TABLES)}"],
                         capture_output=True, check=True).stdout
    return out


def add_ownership(a):
    """The course service's tables are not ours; models where adopt writes."""
    a.ini.write_text(a.ini.read_text() + "models = models\nexclude_tables = course*\n")


def add_column(models, table, column):
    path = models / f"{table}.sql"
    text = path.read_text()
    head, sep, rest = text.partition("(\n")
    assert sep, text
    path.write_text(f"{head}(\n    {column},\n{rest}")


def owned_schema(db):
    """user_schema without the course service's tables."""
    keep, skip = [], False
    for line in user_schema(db).splitlines():
        if line.startswith(("table ", "CREATE TABLE", "ALTER TABLE", "CREATE INDEX",
                            "CREATE UNIQUE INDEX", "CREATE SEQUENCE")):
            skip = "course" in line.split("(")[0]
        if not skip:
            keep.append(line)
    return "\n".join(keep)


def test_baseline_peer(peer, databases, tmp_path):
    """The peer's database built by real Alembic, shared with the course
    service: adopt writes the baseline at Alembic's head, the models and
    version_table without changing the database; then current, check, an
    autogenerated column, and the same schema rebuilt on an empty database."""
    db = databases.new("postgresql")
    alembic(peer, "upgrade", "head", url=db.url)
    db.apply_script(COURSE_SERVICE)
    a = Adopter(tmp_path / "proj", db)
    add_ownership(a)
    schema_before, course_before = user_schema(db), course_dump(db)

    proc = a.run("adopt")
    script = a.versions / "0002_baseline_adopted_from_alembic.sql"
    models = a.root / "models"
    assert sorted(p.name for p in a.versions.iterdir()) == [script.name], describe(proc)
    assert sorted(p.name for p in models.iterdir()) == [
        "enrollments.sql", "instructor_profiles.sql", "users.sql"], describe(proc)
    assert f"Generating {script}" in proc.stdout, describe(proc)
    assert "Setting version_table = alembic_version in" in proc.stdout, describe(proc)
    assert "retort check" in proc.stdout, describe(proc)
    assert "version_table = alembic_version   ; until adopt" in a.ini.read_text()
    assert header(script)["Revises"] == []
    assert user_schema(db) == schema_before, "adopt must not change the database"
    assert db.version("alembic_version") == ["0002"]
    assert not db.has_table("alembic_version_log")

    assert a.run("current").stdout.split() == ["0002", "(head)"]
    assert "No new upgrade operations detected." in a.run("check").stdout

    add_column(models, "users", "nickname VARCHAR(40)")
    proc = a.run("revision", "--autogenerate", "-m", "add nickname")
    assert "Detected add column users.nickname" in proc.stderr, describe(proc)
    a.run("upgrade", "head")
    assert [c for (c,) in db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' "
        "AND column_name = 'nickname'")] == ["nickname"]
    assert a.run("check").returncode == 0
    assert course_dump(db) == course_before

    empty = databases.new("postgresql")
    a.run("--url", empty.url, "upgrade", "head")
    assert owned_schema(empty) == owned_schema(db)
    a.run("--url", empty.url, "downgrade", "base")
    assert [t for t in empty.tables() if not t.startswith("alembic_version")] == []


def test_baseline_sqlite(branched, databases, tmp_path):
    """On SQLite (Alembic built it from the branched history), with the
    course service beside it: the same promises."""
    db = databases.new("sqlite")
    alembic(branched, "upgrade", "heads", url=db.url)
    db.apply_script(COURSE_SERVICE)
    a = Adopter(tmp_path / "proj", db)
    add_ownership(a)
    a.ini.write_text(a.ini.read_text().replace("version_table = retort_version",
                                               "version_table = alembic_version_shop"))
    before, course_before = db.path.read_bytes(), course_dump(db)

    proc = a.run("adopt")
    assert [p.name for p in a.versions.iterdir()] == [
        "0004_baseline_adopted_from_alembic.sql"], describe(proc)
    assert "Setting version_table" not in proc.stdout, describe(proc)
    assert db.path.read_bytes() == before, "adopt must not change the database"
    assert a.run("current").stdout.split() == ["0004", "(head)"]
    assert a.run("check").returncode == 0

    add_column(a.root / "models", "items", "sku VARCHAR(20)")
    a.run("revision", "--autogenerate", "-m", "add sku")
    a.run("upgrade", "head")
    assert a.run("check").returncode == 0
    assert course_dump(db) == course_before

    empty = databases.new("sqlite")
    a.run("--url", empty.url, "upgrade", "head")
    assert owned_schema(empty) == owned_schema(db)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_baseline_no_version_table(databases, tmp_path, dialect):
    """No Alembic table: a new id, and the database is stamped with it."""
    db = databases.new(dialect)
    db.apply_script("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200));")
    a = Adopter(tmp_path / "proj", db)
    add_ownership(a)
    ini = a.ini.read_text()
    proc = a.run("adopt")
    [script] = a.versions.iterdir()
    rev = header(script)["Revision ID"][0]
    assert len(rev) == 12 and "(database stamped with it)" in proc.stdout, describe(proc)
    assert db.version() == [rev]
    assert a.ini.read_text() == ini
    assert a.run("check").returncode == 0


def test_baseline_bad_input(branched, databases, tmp_path):
    """Model files that exist (without --force), several Alembic heads:
    one error line each, nothing written, the database unchanged."""
    db = databases.new("sqlite")
    # two heads, made by real Alembic: each root upgraded on its own
    alembic(branched, "upgrade", "b1", url=db.url)
    alembic(branched, "upgrade", "0001", url=db.url)
    a = Adopter(tmp_path / "proj", db)
    add_ownership(a)
    a.ini.write_text(a.ini.read_text().replace("version_table = retort_version",
                                               "version_table = alembic_version_shop"))
    before_db = db.path.read_bytes()

    def refused(*needles, args=()):
        before = tree(a.root)
        proc = a.run("adopt", *args, expect=None)
        assert_error(proc, *needles)
        assert tree(a.root) == before, describe(proc)
        assert db.path.read_bytes() == before_db
        return proc

    refused("several Alembic heads", "0001, b1", "alembic merge heads")
    (a.root / "models").mkdir()
    (a.root / "models" / "users.sql").write_text("CREATE TABLE users (id INTEGER);\n")
    refused("already holds 1 model file", "--force")
    # with --force the models would be replaced; the heads still refuse
    refused("several Alembic heads", args=["--force"])
