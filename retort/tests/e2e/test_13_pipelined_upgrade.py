"""Many migrations in one run: on PostgreSQL they are sent back to back
(pipelined), each still in its own transaction with its version-table change.
A failure anywhere leaves the database after the migrations before it, runs
none after it, and names the failing statement; a migration whose version
table is not what it was planned from is refused."""
import pytest

from conftest import Project, assert_error, progress, rev

N = 12
BAD = 7  # the migration that fails


def chain_with_failure(project, failing_sql):
    """N scripts; script i creates table t{i}, script BAD fails with failing_sql
    after a good statement. Returns (revisions, path of the bad script)."""
    revs, bad = [], None
    for i in range(1, N + 1):
        r = rev(f"{i:02x}")
        up = f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY);"
        if i == BAD:
            up += "\n-- the next statement fails\n" + failing_sql
        path = project.add(r, revs[-1] if revs else None, up=up,
                           down_sql=f"DROP TABLE t{i};", message=f"create t{i}")
        if i == BAD:
            bad = path
        revs.append(r)
    return revs, bad


def running_lines(revs, upto):
    lines, down = [], ""
    for i in range(upto):
        lines.append(f"Running upgrade {down} -> {revs[i]}, create t{i + 1}")
        down = revs[i]
    return lines


def test_failure_among_many_stops_there(project):
    revs, bad = chain_with_failure(project, "INSERT INTO no_such_table VALUES (1);")
    failing_line = bad.read_text().splitlines().index("INSERT INTO no_such_table VALUES (1);") + 1

    proc = project.run("upgrade", "head", expect=1)
    assert_error(proc, f"{bad.name}:{failing_line}", "no_such_table",
                 f"stays at {revs[BAD - 2]}")
    assert progress(proc) == running_lines(revs, BAD)
    assert project.version() == [revs[BAD - 2]]
    tables = project.db.tables()
    assert [f"t{i}" in tables for i in range(1, N + 1)] == [i < BAD for i in range(1, N + 1)]
    log = project.query("SELECT seq, revision FROM retort_version_log ORDER BY seq")
    assert log == [[str(i + 1), revs[i]] for i in range(BAD - 1)]

    bad.write_text(bad.read_text().replace("INSERT INTO no_such_table VALUES (1);", ""))
    proc = project.run("upgrade", "head")
    assert progress(proc) == running_lines(revs, N)[BAD - 1:]
    assert project.version() == [revs[-1]]


@pytest.fixture
def pg_project(tmp_path, databases):
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, databases.new("postgresql"))


def test_failure_at_commit_stops_there(pg_project):
    """A deferred constraint fails at COMMIT, after every statement ran."""
    p = pg_project
    revs, bad = chain_with_failure(p, (
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE child (pid INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);\n"
        "INSERT INTO child VALUES (1);"))
    proc = p.run("upgrade", "head", expect=1)
    assert_error(proc, f"upgrade {revs[BAD - 1]} failed", "foreign key",
                 f"stays at {revs[BAD - 2]}")
    assert progress(proc) == running_lines(revs, BAD)
    assert p.version() == [revs[BAD - 2]]
    assert not p.db.has_table("child")
    assert not p.db.has_table(f"t{BAD + 1}")


def test_migration_refused_when_version_table_changed(pg_project):
    """Each pipelined migration is guarded by the version rows it was
    planned from: here the second script adds a row of its own, so the third
    must not run on top of it."""
    p = pg_project
    a, b, c, d, stray = rev("a1"), rev("b2"), rev("c3"), rev("d4"), rev("ee")
    p.add(a, None, up="CREATE TABLE ta (id INTEGER);", message="a")
    p.add(b, a, up=f"INSERT INTO retort_version (version_num) VALUES ('{stray}');", message="b")
    p.add(c, b, up="CREATE TABLE tc (id INTEGER);", message="c")
    p.add(d, c, up="CREATE TABLE td (id INTEGER);", message="d")

    proc = p.run("upgrade", "head", expect=1)
    assert_error(proc, f"upgrade {c} not run", f"no longer at {b}", "outside this run")
    assert p.version() == sorted([b, stray])
    assert not p.db.has_table("tc")
    assert not p.db.has_table("td")


def test_transaction_false_between_pipelined_steps(pg_project):
    p = pg_project
    a, b, c = rev("a1"), rev("b2"), rev("c3")
    p.add(a, None, up="CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);", message="a")
    p.add(b, a, up="CREATE INDEX CONCURRENTLY ix_items_name ON items (name);",
          up_opts="transaction=false", message="b")
    p.add(c, b, up="ALTER TABLE items ADD COLUMN note TEXT;", message="c")

    proc = p.run("upgrade", "head")
    assert progress(proc) == [f"Running upgrade  -> {a}, a", f"Running upgrade {a} -> {b}, b",
                              f"Running upgrade {b} -> {c}, c"]
    assert p.version() == [c]
    log = p.query("SELECT revision, direction FROM retort_version_log ORDER BY seq")
    assert log == [[a, "upgrade"], [b, "upgrade"], [c, "upgrade"]]
    assert p.db.scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_items_name'") == "1"


def test_copy_in_a_migration_does_not_stall_the_pipeline(pg_project):
    """COPY has no data to go with it in a migration: what COPY TO STDOUT
    sends is dropped, COPY FROM STDIN fails the migration like any error."""
    p = pg_project
    a, b, c = rev("a1"), rev("b2"), rev("c3")
    p.add(a, None, up="CREATE TABLE ta (id INTEGER);\nCOPY (SELECT 1) TO STDOUT;", message="a")
    bad = p.add(b, a, up="CREATE TABLE tb (id INTEGER);\nCOPY tb FROM STDIN;", message="b")
    p.add(c, b, up="CREATE TABLE tc (id INTEGER);", message="c")

    proc = p.run("upgrade", "head", expect=1, timeout=60)
    assert_error(proc, f"{bad.name}:", f"stays at {a}")
    assert p.version() == [a]
    assert p.db.has_table("ta")
    assert not p.db.has_table("tb")
    assert not p.db.has_table("tc")
