"""Offline mode: `upgrade --sql` / `downgrade --sql` print SQL that, fed to
psql / sqlite3, leaves the same schema and version table as an online run.

The scripts exercise statement splitting end to end: strings holding
semicolons, dialect sections (which replace the generic one), a PostgreSQL
function in dollar quotes, a SQLite trigger with BEGIN ... END."""
from conftest import rev

A, B, C = rev("a1"), rev("b2"), rev("c3")

NOTES_PG = """\
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    touched INTEGER NOT NULL DEFAULT 0
);
CREATE FUNCTION notes_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a semicolon inside the body; and a 'quote'
    NEW.touched := OLD.touched + 1;
    RETURN NEW;
END;
$$;
CREATE TRIGGER notes_touch BEFORE UPDATE ON notes
    FOR EACH ROW EXECUTE FUNCTION notes_touch();
CREATE FUNCTION semi() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;
"""

NOTES_PG_DOWN = """\
DROP FUNCTION semi();
DROP TRIGGER notes_touch ON notes;
DROP FUNCTION notes_touch();
DROP TABLE notes;
"""

NOTES_SQLITE = """\
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    touched INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER notes_touch AFTER UPDATE OF body ON notes
BEGIN
    UPDATE notes SET touched = touched + 1 WHERE id = NEW.id;
    SELECT CASE WHEN NEW.body = '' THEN RAISE(ABORT, 'empty; body') END;
END;
"""

NOTES_SQLITE_DOWN = """\
DROP TRIGGER notes_touch;
DROP TABLE notes;
"""


def write_scripts(project):
    project.add(A, None, message="users", up=(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);\n"
        "CREATE UNIQUE INDEX ix_users_email ON users (email);\n"
        "INSERT INTO users (id, email) VALUES (1, 'semi;colon@example.com');"),
        down_sql="DROP INDEX ix_users_email;\nDROP TABLE users;")
    project.add(B, A, message="notes",
                up="CREATE TABLE generic_only (id INTEGER);",
                down_sql="DROP TABLE generic_only;",
                sections=(f"\n-- retort:upgrade dialect=postgresql\n{NOTES_PG}"
                          f"\n-- retort:downgrade dialect=postgresql\n{NOTES_PG_DOWN}"
                          f"\n-- retort:upgrade dialect=sqlite\n{NOTES_SQLITE}"
                          f"\n-- retort:downgrade dialect=sqlite\n{NOTES_SQLITE_DOWN}"))
    project.add(C, B, message="phone",
                up="ALTER TABLE users ADD COLUMN phone VARCHAR(20);",
                down_sql="ALTER TABLE users DROP COLUMN phone;")


def offline(project, *args):
    """Offline SQL for the project's dialect, from a URL that cannot be
    reached: offline mode must not connect."""
    if project.db.dialect == "postgresql":
        url = "postgresql://nobody@127.0.0.1:1/nowhere"
    else:
        url = f"sqlite:///{project.root}/no-such-dir/never.db"
    out = project.run("--url", url, *args).stdout
    assert not (project.root / "no-such-dir").exists()
    return out


def check_notes_work(db):
    """The function / trigger bodies survived splitting intact."""
    assert db.query("SELECT email FROM users") == [["semi;colon@example.com"]]
    db.query("INSERT INTO notes (id, body) VALUES (1, 'x')")
    db.query("UPDATE notes SET body = 'y' WHERE id = 1")
    assert db.query("SELECT touched FROM notes") == [["1"]]
    if db.dialect == "postgresql":
        assert db.query("SELECT semi()") == [["a;b"]]
    assert not db.has_table("generic_only")


def user_tables(db):
    return [t for t in db.tables() if not t.startswith("retort_version")]


def test_offline_matches_online(project, databases):
    write_scripts(project)
    sql = offline(project, "upgrade", "--sql", "head")
    assert sql == offline(project, "upgrade", "--sql", "base:head")
    assert "retort_version" in sql and "CREATE TABLE" in sql.upper()

    offline_db = project.db
    offline_db.apply_script(sql)

    online_db = databases.new(offline_db.dialect)
    project.run("--url", online_db.url, "upgrade", "head")

    assert offline_db.schema() == online_db.schema()
    assert offline_db.version() == online_db.version() == [C]
    check_notes_work(offline_db)

    down = offline(project, "downgrade", "--sql", f"{C}:base")
    assert down == offline(project, "downgrade", "--sql", "head:base")
    offline_db.apply_script(down)
    project.run("--url", online_db.url, "downgrade", "base")

    assert user_tables(offline_db) == []
    assert offline_db.schema() == online_db.schema()
    assert offline_db.version() == online_db.version() == []
    if offline_db.dialect == "postgresql":
        assert offline_db.query(
            "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE nspname = 'public'") == []


def test_offline_in_two_parts(project, databases):
    write_scripts(project)
    project.db.apply_script(offline(project, "upgrade", "--sql", A))
    assert project.db.version() == [A]
    project.db.apply_script(offline(project, "upgrade", "--sql", f"{A}:head"))
    assert project.db.version() == [C]

    online_db = databases.new(project.db.dialect)
    project.run("--url", online_db.url, "upgrade", "head")
    assert project.db.schema() == online_db.schema()


def test_offline_downgrade_needs_a_range(project):
    write_scripts(project)
    proc = project.run("downgrade", "--sql", "base", expect=2)
    assert proc.stderr.strip()


D, E = rev("d4"), rev("e5")


def test_offline_sql_carries_out_sqlite_rebuilds(project, databases):
    """Changes SQLite's ALTER cannot make (type, NOT NULL, default, a
    constraint, dropping an indexed column) come out as the table rebuild an
    online run performs, worked out offline from the migrations before them;
    the SQL runs in sqlite3 (psql), keeps the rows and ends where online does."""
    project.add(A, None, message="items", up=(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20), code VARCHAR(5),\n"
        "    qty INTEGER);\n"
        "CREATE INDEX ix_items_code ON items (code);\n"
        "INSERT INTO items (id, name, code, qty) VALUES (1, 'bolt', 'B1', 3), (2, 'nut', 'N1', 5);"),
        down_sql="DROP INDEX ix_items_code;\nDROP TABLE items;")
    project.add(D, A, message="tighten", up=(
        "ALTER TABLE items ALTER COLUMN name TYPE VARCHAR(80);\n"
        "ALTER TABLE items ALTER COLUMN name SET NOT NULL;\n"
        "ALTER TABLE items ALTER COLUMN qty SET DEFAULT 0;\n"
        "ALTER TABLE items ADD CONSTRAINT ck_items_qty CHECK (qty >= 0);"),
        down_sql=("ALTER TABLE items DROP CONSTRAINT ck_items_qty;\n"
                  "ALTER TABLE items ALTER COLUMN qty DROP DEFAULT;\n"
                  "ALTER TABLE items ALTER COLUMN name DROP NOT NULL;\n"
                  "ALTER TABLE items ALTER COLUMN name TYPE VARCHAR(20);"))
    project.add(E, D, message="drop code", up="ALTER TABLE items DROP COLUMN code;",
                down_sql="ALTER TABLE items ADD COLUMN code VARCHAR(5);")

    online_db = databases.new(project.db.dialect)
    project.run("--url", online_db.url, "upgrade", A)
    offline_db = project.db
    offline_db.apply_script(offline(project, "upgrade", "--sql", A))
    # the range starts after A: the rebuilds are worked out from A's table
    up = offline(project, "upgrade", "--sql", f"{A}:head")
    if offline_db.dialect == "sqlite":
        assert "ALTER COLUMN" not in up and "INSERT INTO" in up, up
    offline_db.apply_script(up)
    project.run("--url", online_db.url, "upgrade", "head")
    assert offline_db.schema() == online_db.schema()
    assert offline_db.version() == online_db.version() == [E]
    assert offline_db.query("SELECT id, name, qty FROM items ORDER BY id") == \
        [["1", "bolt", "3"], ["2", "nut", "5"]]

    down = offline(project, "downgrade", "--sql", f"head:{A}")
    offline_db.apply_script(down)
    project.run("--url", online_db.url, "downgrade", A)
    assert offline_db.schema() == online_db.schema()
    assert offline_db.version() == online_db.version() == [A]
    assert offline_db.query("SELECT id, name FROM items ORDER BY id") == \
        [["1", "bolt"], ["2", "nut"]]


def test_offline_prints_what_the_migrations_alone_cannot_run(project):
    """A statement on a table the migrations did not create (made by hand,
    then stamped) cannot run in the in-memory database SQLite's offline SQL
    is worked out in: it is printed as written, with a warning, and an
    ATTACH there reaches no file."""
    project.add(A, None, message="legacy rows", up=(
        "INSERT INTO legacy (id) VALUES (1);\n"
        f"ATTACH DATABASE '{project.root}/side_effect.db' AS side;"),
        down_sql="DELETE FROM legacy;")
    proc = project.run("upgrade", "--sql", "head")
    assert "INSERT INTO legacy (id) VALUES (1);" in proc.stdout
    assert "ATTACH DATABASE" in proc.stdout
    assert not (project.root / "side_effect.db").exists()
    if project.db.dialect == "sqlite":
        assert "not run in the in-memory SQLite database" in proc.stderr, proc.stderr
