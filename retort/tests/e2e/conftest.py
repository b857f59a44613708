"""Fixtures for the retort end-to-end tests.

The tests drive the real `retort` binary (RETORT_BIN) against a real
PostgreSQL server (RETORT_TEST_PG_URL, an admin URL with trust auth, as
scripts/with-postgres provides) and real SQLite files. Each test gets a fresh
database and a fresh project directory; the helpers here write migration
scripts in the documented format and look at the database with the stock
clients (psql, pg_dump, sqlite3), never through retort itself.
"""
import os
import re
import secrets
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
RETORT_BIN = os.environ.get("RETORT_BIN", str(REPO / "build-test" / "retort" / "cli" / "retort"))
PG_ADMIN_URL = os.environ.get("RETORT_TEST_PG_URL", "")
SKIP_PG = os.environ.get("RETORT_TEST_SKIP_PG") == "1"

RETORT_TIMEOUT = 120  # seconds; the test build runs under the sanitizers
CLIENT_TIMEOUT = 60

DIALECTS = ["postgresql", "sqlite"]

# The prefix of retort's progress lines on stderr (Alembic's layout).
INFO = "INFO  [retort] "


def rev(tag):
    """A 12-hex revision id (Alembic's format) that starts with tag."""
    assert re.fullmatch(r"[0-9a-f]{1,12}", tag), tag
    return tag + "0" * (12 - len(tag))


def _run(cmd, timeout=CLIENT_TIMEOUT, check=True, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{cmd[0]} failed (exit {proc.returncode}): {cmd}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def describe(proc):
    return (
        f"command: {proc.args}\nexit: {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}--- stderr ---\n{proc.stderr}"
    )


class Database:
    """One throwaway database and the stock client commands for it."""

    def __init__(self, dialect, url, name, path=None):
        self.dialect = dialect
        self.url = url
        self.name = name
        self.path = path  # SQLite file

    def _client(self, *args, stdin=None, check=True):
        if self.dialect == "postgresql":
            cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "|", "-d", self.url]
        else:
            cmd = ["sqlite3", "-bail", "-batch", "-separator", "|", str(self.path)]
        return _run(cmd + list(args), input=stdin, check=check)

    def query(self, sql):
        """Rows of sql as lists of strings (NULL is '')."""
        if self.dialect == "postgresql":
            out = self._client("-c", sql).stdout
        else:
            out = self._client(sql).stdout
        return [line.split("|") for line in out.splitlines() if line != ""]

    def scalar(self, sql):
        rows = self.query(sql)
        return rows[0][0] if rows else None

    def apply_script(self, text, check=True):
        """Feeds a SQL script to psql / sqlite3 the way a DBA would apply
        offline output."""
        if self.dialect == "postgresql":
            return self._client("-f", "-", stdin=text, check=check)
        return self._client(stdin=text, check=check)

    def tables(self):
        if self.dialect == "postgresql":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        else:
            sql = ("SELECT name FROM sqlite_master WHERE type = 'table' "
                   "AND name NOT LIKE 'sqlite_%' ORDER BY 1")
        return [r[0] for r in self.query(sql)]

    def has_table(self, name):
        return name in self.tables()

    def version(self, table="retort_version"):
        """Sorted rows of the version table; [] when it does not exist."""
        if not self.has_table(table):
            return []
        return sorted(r[0] for r in self.query(f"SELECT version_num FROM {table}"))

    def schema(self):
        """The schema as normalized text, comparable between databases."""
        if self.dialect == "postgresql":
            out = _run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges",
                        "-d", self.url]).stdout
            keep = []
            for line in out.splitlines():
                if (line.startswith("--") or line.startswith("SET ")
                        or line.startswith("SELECT pg_catalog.set_config")
                        or line.startswith("\\restrict") or line.startswith("\\unrestrict")
                        or not line.strip()):
                    continue
                keep.append(line.rstrip())
            return "\n".join(keep)
        out = self._client(".schema").stdout
        return "\n".join(line.rstrip() for line in out.splitlines() if line.strip())


class Databases:
    """Creates fresh databases and drops them all at teardown."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.created = []

    def new(self, dialect):
        name = "t_" + secrets.token_hex(6)
        if dialect == "sqlite":
            path = self.tmp_path / f"{name}.db"
            return Database("sqlite", f"sqlite:///{path}", name, path)
        if not PG_ADMIN_URL:
            if SKIP_PG:
                pytest.skip("RETORT_TEST_SKIP_PG=1: PostgreSQL tests skipped")
            pytest.fail(
                "RETORT_TEST_PG_URL is not set: run the suite through "
                "scripts/with-postgres (or set RETORT_TEST_SKIP_PG=1 to skip "
                "the PostgreSQL half)",
                pytrace=False,
            )
        _run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", PG_ADMIN_URL,
              "-c", f"CREATE DATABASE {name}"])
        self.created.append(name)
        base, _, _ = PG_ADMIN_URL.rpartition("/")
        return Database("postgresql", f"{base}/{name}", name)

    def drop_all(self):
        for name in self.created:
            _run(["psql", "-X", "-q", "-d", PG_ADMIN_URL,
                  "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


SCRIPT = """\
-- {message}
--
-- Revision ID: {rev}
-- Revises:{down}
-- Create Date: 2026-01-01 00:00:00.000000
{extra_headers}
-- retort:upgrade{up_opts}
{up}

-- retort:downgrade{down_opts}
{down_sql}
{sections}"""


def retort_env(extra=None):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the tests' configs say what they use
    env.update(extra or {})
    return env


def run_retort(*args, cwd, expect=0, env=None, timeout=RETORT_TIMEOUT):
    """Runs the binary; asserts the exit status unless expect is None."""
    proc = subprocess.run([RETORT_BIN, *args], capture_output=True, text=True, cwd=cwd,
                          env=retort_env(env), timeout=timeout)
    if expect is not None:
        assert proc.returncode == expect, describe(proc)
    return proc


class Project:
    """A temp dir with retort.ini and migrations/versions, bound to a db."""

    def __init__(self, root, db, version_table=None):
        self.root = root
        self.db = db
        self.versions = root / "migrations" / "versions"
        self.versions.mkdir(parents=True)
        self.write_ini(version_table=version_table)

    def write_ini(self, version_table=None, url=None):
        lines = ["[retort]", "script_location = migrations",
                 f"database_url = {url or self.db.url}"]
        if version_table:
            lines.append(f"version_table = {version_table}")
        (self.root / "retort.ini").write_text("\n".join(lines) + "\n")

    def add(self, revision, down=None, up="", down_sql="", message=None, labels=(),
            depends=(), up_opts="", down_opts="", sections="", filename=None):
        """Writes a script; down is None (root), a revision, or a list (merge).
        sections is appended verbatim (more marker sections)."""
        message = message or f"rev {revision}"
        if down is None:
            down = []
        elif isinstance(down, str):
            down = [down]
        extra = ""
        if labels:
            extra += f"-- Branch Labels: {', '.join(labels)}\n"
        if depends:
            extra += f"-- Depends On: {', '.join(depends)}\n"
        text = SCRIPT.format(
            message=message, rev=revision, down=" " + ", ".join(down) if down else "",
            extra_headers=extra,
            up_opts=f" {up_opts}" if up_opts else "", up=up.strip("\n"),
            down_opts=f" {down_opts}" if down_opts else "", down_sql=down_sql.strip("\n"),
            sections=sections)
        slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
        path = self.versions / (filename or f"{revision}_{slug}.sql")
        path.write_text(text)
        return path

    def chain(self, n, prefix="", table="t"):
        """n linear scripts; script i creates table {table}{i}. Returns ids."""
        revs = []
        for i in range(1, n + 1):
            r = rev(f"{prefix}{i:x}" if prefix else f"{i:02x}")
            self.add(r, revs[-1] if revs else None,
                     up=f"CREATE TABLE {table}{i} (id INTEGER PRIMARY KEY);",
                     down_sql=f"DROP TABLE {table}{i};", message=f"create {table}{i}")
            revs.append(r)
        return revs

    def script_files(self):
        return sorted(p.name for p in self.versions.glob("*.sql"))

    def run(self, *args, expect=0, env=None, timeout=RETORT_TIMEOUT):
        return run_retort(*args, cwd=self.root, expect=expect, env=env, timeout=timeout)

    def popen(self, *args):
        return subprocess.Popen([RETORT_BIN, *args], cwd=self.root, env=retort_env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def query(self, sql):
        return self.db.query(sql)

    def version(self):
        return self.db.version()

    def schema(self):
        return self.db.schema()


def progress(proc):
    """The "Running ..." progress lines of a run, without the INFO prefix;
    checks that each carries Alembic's prefix."""
    lines = [line for line in proc.stderr.splitlines() if "Running " in line]
    for line in lines:
        assert line.startswith(INFO + "Running "), f"bad progress line {line!r}\n{describe(proc)}"
    return [line[len(INFO):] for line in lines]


def assert_error(proc, *needles, status=1):
    """A user-facing error: the exit status, one 'retort: error: ' line first
    and only indented detail/hint lines after it, each needle present
    (case-insensitive) in stderr."""
    assert proc.returncode == status, describe(proc)
    lines = [line for line in proc.stderr.splitlines()
             if not line.startswith(INFO) and not line.startswith("WARNING")]
    assert lines and lines[0].startswith("retort: error: "), describe(proc)
    for needle in needles:
        assert needle.lower() in proc.stderr.lower(), f"{needle!r} missing\n{describe(proc)}"


@pytest.fixture(scope="session", autouse=True)
def retort_binary():
    if not os.access(RETORT_BIN, os.X_OK):
        pytest.fail(f"retort binary not found at {RETORT_BIN} (set RETORT_BIN)", pytrace=False)
    return RETORT_BIN


@pytest.fixture
def databases(tmp_path):
    dbs = Databases(tmp_path)
    yield dbs
    dbs.drop_all()


@pytest.fixture(params=DIALECTS)
def db(request, databases):
    return databases.new(request.param)


@pytest.fixture
def project(tmp_path, db):
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, db)
