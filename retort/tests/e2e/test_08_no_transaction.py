"""`-- retort:upgrade transaction=false` on PostgreSQL: statements that cannot
run in a transaction block (CREATE INDEX CONCURRENTLY) run outside one,
online and in offline SQL; without the option the database refuses them."""
import pytest

from conftest import Project, assert_error, rev

A, B = rev("a1"), rev("b2")


@pytest.fixture
def pg_project(tmp_path, databases):
    root = tmp_path / "proj"
    root.mkdir()
    p = Project(root, databases.new("postgresql"))
    p.add(A, None, message="items",
          up="CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
             "INSERT INTO items VALUES (1, 'one'), (2, 'two');",
          down_sql="DROP TABLE items;")
    return p


def index_names(db):
    return [r[0] for r in db.query(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'items' "
        "AND indexname = 'ix_items_name'")]


def add_concurrent_index(p, transaction):
    opts = "" if transaction else "transaction=false"
    return p.add(B, A, message="index concurrently", up_opts=opts, down_opts=opts,
                 up="CREATE INDEX CONCURRENTLY ix_items_name ON items (name);",
                 down_sql="DROP INDEX CONCURRENTLY ix_items_name;")


def test_create_index_concurrently(pg_project):
    add_concurrent_index(pg_project, transaction=False)
    pg_project.run("upgrade", "head")
    assert index_names(pg_project.db) == ["ix_items_name"]
    assert pg_project.version() == [B]
    valid = pg_project.db.scalar(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_items_name'::regclass")
    assert valid == "t"

    pg_project.run("downgrade", "-1")
    assert index_names(pg_project.db) == []
    assert pg_project.version() == [A]


def test_concurrently_inside_transaction_is_refused(pg_project):
    script = add_concurrent_index(pg_project, transaction=True)
    proc = pg_project.run("upgrade", "head", expect=1)
    assert_error(proc, script.name, "cannot run inside a transaction block")
    assert pg_project.version() == [A]


def test_offline_sql_runs_outside_transaction(pg_project):
    add_concurrent_index(pg_project, transaction=False)
    sql = pg_project.run("upgrade", "--sql", "head").stdout
    pg_project.db.apply_script(sql)
    assert index_names(pg_project.db) == ["ix_items_name"]
    assert pg_project.version() == [B]
