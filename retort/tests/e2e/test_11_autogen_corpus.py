"""The autogenerate corpus (retort/tests/autogen/cases): for every
before/after pair of model schemas and every dialect it applies to, in a
fresh project and database, generate the first revision from `before`, then
the revision that turns `before` into `after`, and check the round trip:

* after each upgrade `check` exits 0; after the change `inspect` equals
  `inspect --models`;
* the generated upgrade holds the case's expected substrings and a
  `-- WARNING: drops data` comment exactly when the case drops data (and
  then says so on stderr);
* rows inserted before the change survive it, in every column that is kept
  (renamed tables and columns are followed through their annotations);
* `downgrade -1` returns the introspected schema to exactly the before state,
  with the rows unchanged unless the change dropped data.

A case folder holds before.sql, after.sql and optionally: `dialects` (the
dialects it applies to, one a line), `rows.sql` (INSERTs valid in both
schemas), `expect_up.txt` (one substring of the generated upgrade a line; a
line may start with `postgresql:` or `sqlite:` to apply to one dialect only),
`expect_down.txt` (the same for the downgrade), `drops_data` (present when
the change drops data; it lists the dialects concerned, empty means all) and
`xfail` (lines `dialect: reason` for a known retort bug the case shows; the
test then must fail, strict, until the bug is fixed and the line removed).
A `-- retort:file NAME` line in before.sql or after.sql starts a new model
file, to show models referring to each other across files in any order.

The cases run a few at a time (each has its own project and database) so
that the corpus stays quick; each test reports its own case's outcome.
"""
import difflib
import re
import secrets
import sqlite3
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest

from conftest import DIALECTS, PG_ADMIN_URL, Database, Databases, Project, describe

CASES = Path(__file__).resolve().parents[1] / "autogen" / "cases"
DROPS = "-- WARNING: drops data"
WORKERS = 4


def _lines(path):
    if not path.exists():
        return None
    return [line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def _params():
    params = []
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        xfail = {}
        for line in _lines(case / "xfail") or []:
            dialect, _, reason = line.partition(":")
            xfail[dialect.strip()] = reason.strip()
        for dialect in _lines(case / "dialects") or DIALECTS:
            assert dialect in DIALECTS, f"{case.name}/dialects: unknown {dialect!r}"
            marks = ()
            if dialect in xfail:
                marks = pytest.mark.xfail(strict=True, reason=xfail[dialect])
            params.append(pytest.param(case, dialect, id=f"{case.name}-{dialect}", marks=marks))
    return params


def _for_dialect(lines, dialect):
    """The lines of an expect file that apply to dialect, prefix removed."""
    out = []
    for line in lines or []:
        prefix, sep, rest = line.partition(":")
        if sep and prefix in DIALECTS:
            if prefix == dialect:
                out.append(rest.strip())
        else:
            out.append(line)
    return out


def _sections(script):
    """(upgrade, downgrade) bodies of a generated script."""
    up = script.index("-- retort:upgrade")
    down = script.index("-- retort:downgrade")
    assert up < down, script
    return script[up:down], script[down:]


def _diff(a, b, names):
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), *names))


def _renames(after_sql):
    """{old table: new table} and {(new table, old column): new column} from
    the `-- retort:renamed-from` annotations of a case's after.sql."""
    tables, columns = {}, {}
    pending, current = None, None
    for line in after_sql.splitlines():
        m = re.match(r"\s*--\s*retort:renamed-from\s+(\w+)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"\s*CREATE\s+TABLE\s+(\w+)(.*)$", line, re.I)
        if m:
            current = m.group(1)
            tail = re.search(r"retort:renamed-from\s+(\w+)", m.group(2))
            old = tail.group(1) if tail else pending
            if old:
                tables[old] = current
            pending = None
            continue
        m = re.match(r"\s*(\w+)\s.*--\s*retort:renamed-from\s+(\w+)", line)
        if m and current:
            columns[(current, m.group(2))] = m.group(1)
    return tables, columns


class QuickDatabases(Databases):
    """conftest's Databases, creating and dropping the PostgreSQL databases
    through the driver rather than a psql process each (the corpus makes one
    database per case)."""

    def _admin(self, sql):
        conn = psycopg2.connect(PG_ADMIN_URL)
        try:
            conn.autocommit = True
            conn.cursor().execute(sql)
        finally:
            conn.close()

    def new(self, dialect):
        if dialect != "postgresql" or not PG_ADMIN_URL:
            return super().new(dialect)
        db = Database("postgresql", "", "t_" + secrets.token_hex(6))
        self._admin(f"CREATE DATABASE {db.name}")
        self.created.append(db.name)
        db.url = PG_ADMIN_URL.rpartition("/")[0] + "/" + db.name
        return db

    def drop_all(self):
        for name in self.created:
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Corpus:
    """One case on one dialect: a fresh project, database and models dir.
    Rows are read through the drivers (quicker than a client per query)."""

    def __init__(self, case, dialect, databases, root):
        self.case = case
        self.dialect = dialect
        root.mkdir(parents=True)
        self.db = databases.new(dialect)
        self.project = Project(root, self.db)
        with open(root / "retort.ini", "a") as ini:
            ini.write("models = models\n")
        self.models = root / "models"
        self.models.mkdir()

    def use_models(self, name):
        """The models folder holds the case's name.sql, split into files at
        its `-- retort:file NAME` lines."""
        for old in self.models.glob("*.sql"):
            old.unlink()
        text = (self.case / f"{name}.sql").read_text()
        if "-- retort:file" not in text:
            (self.models / "schema.sql").write_text(text)
            return
        parts = re.split(r"^-- retort:file (\S+)\s*$", text, flags=re.M)
        for fname, body in zip(parts[1::2], parts[2::2]):
            (self.models / fname).write_text(body)

    def run(self, *args, expect=0):
        return self.project.run(*args, expect=expect)

    def autogenerate(self, message):
        """Runs revision --autogenerate; returns the run and the new script."""
        before = set(self.project.versions.glob("*.sql"))
        proc = self.run("revision", "--autogenerate", "--allow-empty", "-m", message)
        new = set(self.project.versions.glob("*.sql")) - before
        assert len(new) == 1, describe(proc)
        return proc, new.pop().read_text()

    def inspect(self, *args):
        return self.run("inspect", *args).stdout

    def check(self, when):
        proc = self.run("check", expect=None)
        assert proc.returncode == 0, f"check after {when}\n{describe(proc)}"

    # ---- rows ----------------------------------------------------------

    def _connect(self):
        if self.dialect == "postgresql":
            return psycopg2.connect(self.db.url)
        return sqlite3.connect(self.db.path)

    def query(self, sql):
        """Rows of sql as tuples of strings (NULL stays None)."""
        conn = self._connect()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return [tuple(None if v is None else str(v) for v in row) for row in cur.fetchall()]
        finally:
            conn.close()

    def insert(self, script):
        conn = self._connect()
        try:
            if self.dialect == "postgresql":
                conn.cursor().execute(script)
            else:
                conn.executescript(script)
            conn.commit()
        finally:
            conn.close()

    def tables(self):
        if self.dialect == "postgresql":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return sorted(t for (t,) in self.query(sql)
                      if not t.startswith("retort_") and not t.startswith("sqlite_"))

    def columns(self, table):
        if self.dialect == "postgresql":
            sql = ("SELECT column_name FROM information_schema.columns "
                   f"WHERE table_schema = 'public' AND table_name = '{table}'")
        else:
            sql = f"SELECT name FROM pragma_table_info('{table}')"
        return sorted(c for (c,) in self.query(sql))

    def rows(self):
        """{table: (its columns, its sorted rows)} for every table."""
        out = {}
        for table in self.tables():
            cols = self.columns(table)
            rows = self.query(f"SELECT {', '.join(cols)} FROM {table}") if cols else []
            out[table] = (cols, sorted(rows, key=repr))
        return out

    def assert_rows_survived(self, saved, renames, drops):
        """Every row saved before the upgrade is still there, in every column
        that still exists (through the renames); a table may only be gone
        when the change drops data."""
        tables, columns = renames
        for old_table, (cols, rows) in saved.items():
            table = tables.get(old_table, old_table)
            if not rows or (drops and table not in self.tables()):
                continue
            now = set(self.columns(table))
            pairs = [(c, columns.get((table, c), c)) for c in cols]
            pairs = [(old, new) for old, new in pairs if new in now]
            assert pairs, f"{table}: no column left to compare"
            got = self.query(f"SELECT {', '.join(new for _, new in pairs)} FROM {table}")
            idx = [cols.index(old) for old, _ in pairs]
            want = [tuple(r[i] for i in idx) for r in rows]
            assert sorted(got, key=repr) == sorted(want, key=repr), \
                f"rows of {old_table} (now {table}) changed"


def run_case(case, dialect, databases, root):
    c = Corpus(case, dialect, databases, root)

    # the before schema, generated from an empty database
    c.use_models("before")
    c.autogenerate("before")
    c.run("upgrade", "head")
    c.check("the first upgrade")
    before_schema = c.inspect()

    if (case / "rows.sql").exists():
        c.insert((case / "rows.sql").read_text())
    saved = c.rows()

    # the change
    c.use_models("after")
    proc, script = c.autogenerate("change")
    up, down = _sections(script)
    for needle in _for_dialect(_lines(case / "expect_up.txt"), dialect):
        assert needle in up, f"{needle!r} not in the upgrade\n{script}\n{describe(proc)}"
    for needle in _for_dialect(_lines(case / "expect_down.txt"), dialect):
        assert needle in down, f"{needle!r} not in the downgrade\n{script}\n{describe(proc)}"
    drops = _lines(case / "drops_data")
    drops = drops is not None and (not drops or dialect in drops)
    assert (DROPS in up) == drops, f"the upgrade should drop data: {drops}\n{script}"
    assert ("drops data" in proc.stderr) == drops, describe(proc)

    c.run("upgrade", "head")
    c.check("the change")
    live, models = c.inspect(), c.inspect("--models")
    assert live == models, \
        f"inspect differs from inspect --models\n{_diff(live, models, ('db', 'models'))}{script}"
    c.assert_rows_survived(saved, _renames((case / "after.sql").read_text()), drops)

    c.run("downgrade", "-1")
    restored = c.inspect()
    assert restored == before_schema, "downgrade -1 did not restore the schema\n" + \
        _diff(before_schema, restored, ("before", "after downgrade")) + script
    if not drops:
        assert c.rows() == saved, f"rows changed by the upgrade and downgrade\n{script}"


@pytest.fixture(scope="module")
def corpus_results(request, tmp_path_factory):
    """Runs every selected case concurrently: {(case name, dialect): the
    exception it raised, or None}."""
    wanted = [item.callspec.params for item in request.session.items
              if item.originalname == "test_corpus" and hasattr(item, "callspec")]
    databases = QuickDatabases(tmp_path_factory.mktemp("corpus"))

    def one(params):
        case, dialect = params["case"], params["dialect"]
        root = databases.tmp_path / f"{case.name}-{dialect}"
        try:
            run_case(case, dialect, databases, root)
            return None
        except BaseException as exc:  # noqa: B036 - reported by the case's test
            if isinstance(exc, Exception):  # not pytest's skip
                exc.add_note("in the case's run:\n"
                             + "".join(traceback.format_tb(exc.__traceback__)))
            return exc

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(one, wanted))
        yield {(p["case"].name, p["dialect"]): r for p, r in zip(wanted, results)}
    finally:
        databases.drop_all()


@pytest.mark.parametrize("case,dialect", _params())
def test_corpus(case, dialect, corpus_results):
    exc = corpus_results[(case.name, dialect)]
    if exc is not None:
        raise exc
