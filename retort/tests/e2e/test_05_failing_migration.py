"""A migration that fails half-way: the error names the script, the line of
the failing statement and the database's words; the database stays at the
previous revision with the good statement before the failure rolled back."""
from conftest import assert_error, progress, rev

A, B, C = rev("a1"), rev("b2"), rev("c3")

DB_ERROR = {
    "postgresql": 'relation "no_such_table" does not exist',
    "sqlite": "no such table: no_such_table",
}


def test_failure_rolls_back_the_migration(project):
    project.add(A, None, up="CREATE TABLE ta (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE ta;", message="a")
    bad = project.add(B, A, message="b", up=(
        "CREATE TABLE tb (id INTEGER PRIMARY KEY);\n"
        "INSERT INTO ta (id) VALUES (1);\n"
        "\n"
        "-- the next statement fails\n"
        "INSERT INTO no_such_table\n"
        "    VALUES (1);\n"
        "CREATE TABLE never (id INTEGER);"))
    project.add(C, B, up="CREATE TABLE tc (id INTEGER PRIMARY KEY);", message="c")
    failing_line = bad.read_text().splitlines().index("INSERT INTO no_such_table") + 1

    proc = project.run("upgrade", "head", expect=1)
    assert_error(proc, f"{bad.name}:{failing_line}", DB_ERROR[project.db.dialect])
    assert progress(proc) == [f"Running upgrade  -> {A}, a", f"Running upgrade {A} -> {B}, b"]

    assert project.version() == [A]
    assert project.db.has_table("ta")
    assert not project.db.has_table("tb")
    assert not project.db.has_table("never")
    assert project.query("SELECT count(*) FROM ta") == [["0"]]

    # fixing the script lets the same command finish the job
    bad.write_text(bad.read_text().replace("INSERT INTO no_such_table\n    VALUES (1);\n", ""))
    proc = project.run("upgrade", "head")
    assert progress(proc) == [f"Running upgrade {A} -> {B}, b", f"Running upgrade {B} -> {C}, c"]
    assert project.version() == [C]


def test_failing_downgrade_keeps_revision(project):
    project.add(A, None, up="CREATE TABLE ta (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE ta;", message="a")
    bad = project.add(B, A, up="CREATE TABLE tb (id INTEGER PRIMARY KEY);", message="b",
                      down_sql="DROP TABLE tb;\nDROP TABLE no_such_table;")
    project.run("upgrade", "head")
    proc = project.run("downgrade", "base", expect=1)
    assert_error(proc, bad.name, "no_such_table")
    assert project.version() == [B]
    assert project.db.has_table("tb")
