"""A linear history of three scripts: upgrade, downgrade, relative and prefix
targets, current/history/heads/show output, stamp and stamp --purge."""
import pytest

from conftest import INFO, assert_error, progress, rev

A, B, C = rev("a1"), rev("b2"), rev("c3")


@pytest.fixture
def linear(project):
    project.add(A, None, up="CREATE TABLE ta (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE ta;", message="create a")
    project.add(B, A, up="CREATE TABLE tb (id INTEGER PRIMARY KEY, a INTEGER);",
                down_sql="DROP TABLE tb;", message="create b")
    project.add(C, B, up="CREATE TABLE tc (id INTEGER PRIMARY KEY);\n"
                         "INSERT INTO tc (id) VALUES (1);",
                down_sql="DROP TABLE tc;", message="create c")
    return project


def user_tables(p):
    return [t for t in p.db.tables() if not t.startswith("retort_version")]


def test_upgrade_head(linear):
    proc = linear.run("upgrade", "head")
    assert progress(proc) == [
        f"Running upgrade  -> {A}, create a",
        f"Running upgrade {A} -> {B}, create b",
        f"Running upgrade {B} -> {C}, create c",
    ]
    assert proc.stdout == ""
    assert user_tables(linear) == ["ta", "tb", "tc"]
    assert linear.query("SELECT id FROM tc") == [["1"]]
    assert linear.version() == [C]

    again = linear.run("upgrade", "head")
    assert progress(again) == []
    assert linear.version() == [C]


def test_current_history_heads(linear):
    assert linear.run("current").stdout.strip() == ""
    linear.run("upgrade", "head")
    assert linear.run("current").stdout.splitlines() == [f"{C} (head)"]
    assert C in linear.run("current", "-v").stdout

    assert linear.run("history").stdout.splitlines() == [
        f"{B} -> {C} (head), create c",
        f"{A} -> {B}, create b",
        f"<base> -> {A}, create a",
    ]
    assert linear.run("history", "-r", f"{A}:{B}").stdout.splitlines() == [
        f"{A} -> {B}, create b",
        f"<base> -> {A}, create a",
    ]
    verbose = linear.run("history", "-v").stdout
    for r in (A, B, C):
        assert r in verbose

    assert linear.run("heads").stdout.splitlines() == [f"{C} (head)"]
    assert C in linear.run("heads", "-v").stdout
    assert linear.run("branches").stdout.strip() == ""

    linear.run("downgrade", "-1")
    assert linear.run("current").stdout.splitlines() == [B]


def test_downgrade(linear):
    linear.run("upgrade", "head")
    proc = linear.run("downgrade", "-1")
    assert progress(proc) == [f"Running downgrade {C} -> {B}, create c"]
    assert user_tables(linear) == ["ta", "tb"]
    assert linear.version() == [B]

    proc = linear.run("downgrade", "base")
    assert progress(proc) == [
        f"Running downgrade {B} -> {A}, create b",
        f"Running downgrade {A} -> , create a",
    ]
    assert user_tables(linear) == []
    assert linear.version() == []


def test_relative_and_prefix_targets(linear):
    proc = linear.run("upgrade", "+2")
    assert len(progress(proc)) == 2
    assert linear.version() == [B]
    assert user_tables(linear) == ["ta", "tb"]

    linear.run("upgrade", "c3")  # a unique prefix of C
    assert linear.version() == [C]

    linear.run("downgrade", A[:4])
    assert linear.version() == [A]
    assert user_tables(linear) == ["ta"]

    linear.run("upgrade", B)  # a full id
    assert linear.version() == [B]


def test_stamp_head_on_empty_database(linear):
    proc = linear.run("stamp", "head")
    assert not [line for line in proc.stderr.splitlines() if "Running upgrade" in line]
    assert user_tables(linear) == []
    assert linear.version() == [C]
    assert linear.run("current").stdout.splitlines() == [f"{C} (head)"]

    linear.run("stamp", B)
    assert linear.version() == [B]
    linear.run("stamp", "base")
    assert linear.version() == []


def test_stamp_purge(linear):
    linear.run("upgrade", B)
    linear.run("stamp", "--purge", A)
    assert linear.version() == [A]
    assert user_tables(linear) == ["ta", "tb"]  # stamp never runs scripts
    # B now runs again on top of its own table: the classic situation whose
    # error suggests stamp, and the database stays at A
    proc = linear.run("upgrade", "head", expect=1)
    assert_error(proc, "already exists", "stamp")
    assert linear.version() == [A]


def test_show(linear):
    out = linear.run("show", B).stdout
    assert f"Revision ID: {B}" in out
    assert f"Revises: {A}" in out
    assert "create b" in out
    out = linear.run("show", "head").stdout
    assert f"Revision ID: {C}" in out
    assert INFO not in out
