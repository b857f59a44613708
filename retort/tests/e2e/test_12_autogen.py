"""`revision --autogenerate` and `check` around the corpus: refusing a
database that is behind, the no-change case with and without --allow-empty,
data-losing operations reported on stderr, applied scripts edited after they
ran, and the errors a malformed or inconsistent model file gives (file, line,
column and what was expected)."""
import pytest

from conftest import Project, assert_error, describe

MODEL = """\
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    nickname TEXT
);
"""


class Auto:
    """A project with a models folder, on one dialect."""

    def __init__(self, project):
        self.p = project
        with open(project.root / "retort.ini", "a") as ini:
            ini.write("models = models\n")
        self.models = project.root / "models"
        self.models.mkdir()

    def model(self, text, name="schema.sql"):
        path = self.models / name
        path.write_text(text)
        return path

    def run(self, *args, expect=0):
        return self.p.run(*args, expect=expect)

    def autogenerate(self, *args, expect=0):
        return self.run("revision", "--autogenerate", "-m", "auto", *args, expect=expect)

    def newest(self, before):
        """The text of the one script written since the listing before."""
        new = sorted(set(self.scripts()) - set(before))
        assert len(new) == 1, new
        return (self.p.versions / new[0]).read_text()

    def scripts(self):
        return self.p.script_files()


@pytest.fixture
def auto(project):
    return Auto(project)


@pytest.fixture
def sqlite_auto(tmp_path, databases):
    root = tmp_path / "proj"
    root.mkdir()
    return Auto(Project(root, databases.new("sqlite")))


@pytest.fixture
def pg_auto(tmp_path, databases):
    root = tmp_path / "proj"
    root.mkdir()
    return Auto(Project(root, databases.new("postgresql")))


def test_refuses_when_behind(auto):
    auto.model(MODEL)
    auto.autogenerate()
    assert len(auto.scripts()) == 1
    auto.model(MODEL + "CREATE INDEX users_email_idx ON users (email);\n")
    proc = auto.autogenerate(expect=1)
    assert_error(proc, "Target database is not up to date")
    assert len(auto.scripts()) == 1, "nothing written when refusing"

    auto.run("upgrade", "head")
    auto.autogenerate()
    assert len(auto.scripts()) == 2


def test_no_changes(auto):
    auto.model(MODEL)
    auto.autogenerate()
    auto.run("upgrade", "head")
    before = auto.scripts()

    proc = auto.autogenerate()
    assert "No changes in schema detected" in proc.stderr + proc.stdout, describe(proc)
    assert auto.scripts() == before, "no file without --allow-empty"

    auto.autogenerate("--allow-empty")
    text = auto.newest(before)
    up = text[text.index("-- retort:upgrade"):text.index("-- retort:downgrade")]
    assert up.strip() == "-- retort:upgrade", text
    auto.run("upgrade", "head")
    auto.run("check")


def test_data_loss_reported(auto):
    auto.model(MODEL)
    auto.autogenerate()
    auto.run("upgrade", "head")
    auto.model(MODEL.replace(",\n    nickname TEXT", ""))

    proc = auto.run("check", expect=1)
    assert "drop column users.nickname" in proc.stdout, describe(proc)

    before = auto.scripts()
    proc = auto.autogenerate()
    assert "data loss" in proc.stderr and "users.nickname" in proc.stderr, describe(proc)
    script = auto.newest(before)
    up = script[:script.index("-- retort:downgrade")]
    assert "-- WARNING: drops data\nALTER TABLE users DROP COLUMN nickname;" in up, script


def test_adding_a_table_is_not_data_loss(auto):
    auto.model(MODEL)
    proc = auto.autogenerate()
    assert "data loss" not in proc.stderr, describe(proc)


def test_check_reports_edited_script(auto):
    auto.model(MODEL)
    auto.autogenerate()
    auto.run("upgrade", "head")
    auto.run("check")
    (name,) = auto.scripts()
    path = auto.p.versions / name
    original = path.read_bytes()

    # one byte of the upgrade, the SQL still meaning the same: CREATe TABLE
    pos = original.index(b"CREATE TABLE") + 5
    path.write_bytes(original[:pos] + b"e" + original[pos + 1:])
    proc = auto.run("check", expect=1)
    assert name in proc.stdout + proc.stderr, describe(proc)
    assert "edited" in (proc.stdout + proc.stderr).lower(), describe(proc)

    path.write_bytes(original)
    auto.run("check")


def test_check_lists_pending_operations(auto):
    auto.model(MODEL)
    auto.autogenerate()
    auto.run("upgrade", "head")
    auto.model(MODEL + "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);\n"
               "CREATE INDEX users_email_idx ON users (email);\n")
    proc = auto.run("check", expect=1)
    assert "create table tags" in proc.stdout, describe(proc)
    assert "users_email_idx" in proc.stdout, describe(proc)


def test_check_refuses_when_behind(auto):
    auto.model(MODEL)
    auto.autogenerate()
    assert_error(auto.run("check", expect=1), "not up to date")


# (model text, line:col of the error, what the message says was expected)
MALFORMED = [
    ("CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT\n;\n",
     "1:47", "expected ',' or ')' after the table element"),
    ("CREATE TABLE a (\n    id INTEGER PRIMARY KEY,\n    x TEXT,\n);\n",
     "4:1", "expected a column name, found ')'"),
    ("CREATE TABLE (id INTEGER);\n", "1:14", "expected a table name after CREATE TABLE"),
    ("CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE INDEX a_idx ON a id;\n",
     "2:25", "expected '(' before the index keys, found 'id'"),
    ("CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT DEFAULT 'abc);\n",
     "1:56", "unterminated quoted string"),
    ("CREATE TABLE a (id INTEGER PRIMARY KEY REFERENCES);\n",
     "1:50", "expected a table name after REFERENCES, found ')'"),
    ("CREATE TABLE a (id INTEGER CHECK id > 0);\n", "1:34", "expected '(' after CHECK, found 'id'"),
    ("CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE INDEX a_idx ON a (id) WHERE;\n",
     "2:35", "expected a predicate after WHERE"),
    ("-- a comment\nCREATE TABLE a (id INTEGER /* oops\n",
     "2:28", "unterminated block comment"),
]


@pytest.mark.parametrize("text,where,message", MALFORMED,
                         ids=[m[2].split(",")[0].replace(" ", "_") for m in MALFORMED])
def test_malformed_model(sqlite_auto, text, where, message):
    sqlite_auto.model("CREATE TABLE fine (id INTEGER PRIMARY KEY);\n", name="a_fine.sql")
    sqlite_auto.model(text, name="b_broken.sql")
    for args in (["check"], ["inspect", "--models"]):
        proc = sqlite_auto.run(*args, expect=1)
        assert_error(proc, f"b_broken.sql:{where}: {message}")
    proc = sqlite_auto.autogenerate(expect=1)
    assert_error(proc, f"b_broken.sql:{where}: {message}")
    assert sqlite_auto.scripts() == []


@pytest.mark.parametrize("text,where,message", [
    ("CREATE TYPE mood AS ENUM (sad);\n", "1:27", "expected a string for an enum value"),
    ("CREATE TYPE mood AS ENUM ('a', 'b';\n", "1:35", "expected ',' or ')' after the enum value"),
    ("COMMENT ON TABLE x 'hi';\n", "1:20", "expected IS after the object name"),
], ids=["enum_value", "enum_paren", "comment_is"])
def test_malformed_model_postgresql(pg_auto, text, where, message):
    pg_auto.model(text)
    assert_error(pg_auto.run("check", expect=1), f"schema.sql:{where}: {message}")


def test_missing_type(pg_auto):
    pg_auto.model("CREATE TABLE a (id INTEGER PRIMARY KEY);\n", name="a.sql")
    pg_auto.model("-- people\n\nCREATE TABLE people (\n    id INTEGER,\n    mood no_such_type\n);\n",
                  name="people.sql")
    for args in (["check"], ["revision", "--autogenerate", "-m", "x"]):
        proc = pg_auto.run(*args, expect=1)
        assert_error(proc, "people.sql:3", "no_such_type", "does not exist")
    assert pg_auto.scripts() == []


def scratch_schemas(auto):
    return auto.p.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'retort_models%'")


def test_refused_statement_among_many(pg_auto):
    """PostgreSQL gets all model statements in one message; the one it refuses
    is still named by its file and line, nothing of the scratch schema stays,
    and once fixed the same models apply (a statement ending in a comment
    included)."""
    for k in range(1, 6):
        pg_auto.model(f"CREATE TABLE t{k} (id INTEGER PRIMARY KEY);\n"
                      f"CREATE INDEX t{k}_id ON t{k} (id);\n", name=f"a{k}.sql")
    pg_auto.model("-- c\nCREATE TABLE c (id INTEGER PRIMARY KEY, t1_id INTEGER REFERENCES t1 (id));"
                  "\n\nCREATE INDEX c_nosuch ON c (nosuch);\n", name="c.sql")
    pg_auto.model("CREATE TABLE d (id INTEGER PRIMARY KEY);\n", name="d.sql")
    for args in (["check"], ["inspect", "--models"], ["revision", "--autogenerate", "-m", "x"]):
        proc = pg_auto.run(*args, expect=1)
        assert_error(proc, "c.sql:4: model statement failed", '"nosuch" does not exist')
    assert pg_auto.scripts() == []
    assert scratch_schemas(pg_auto) == []
    pg_auto.model("-- c\nCREATE TABLE c (id INTEGER PRIMARY KEY) -- no index now\n;\n",
                  name="c.sql")
    pg_auto.autogenerate()
    pg_auto.run("upgrade", "head")
    pg_auto.run("check")
    assert scratch_schemas(pg_auto) == []


def test_refused_foreign_key_on_a_cycle(pg_auto):
    """Keys of tables on a foreign-key cycle are added after the tables; one
    the database refuses is reported at its table's file and line."""
    pg_auto.model("CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));\n",
                  name="a.sql")
    pg_auto.model("\n\nCREATE TABLE b (id INTEGER PRIMARY KEY,\n"
                  "    a_id INTEGER REFERENCES a (nosuch));\n", name="b.sql")
    proc = pg_auto.run("check", expect=1)
    assert_error(proc, "b.sql:3: model statement failed", '"nosuch"', "does not exist")
    assert scratch_schemas(pg_auto) == []


@pytest.mark.parametrize("statement", ["COMMIT", "commit", "/* x */ ROLLBACK", "BEGIN",
                                       "START TRANSACTION", "SAVEPOINT s", "END",
                                       "/* a /* nested */ b */ COMMIT",
                                       "PREPARE TRANSACTION 'x'"])
def test_models_cannot_control_the_transaction(pg_auto, statement):
    """A COMMIT among the models would keep the scratch schema in the live
    database: it is refused at its file and line before anything runs."""
    pg_auto.model("CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
                  f"-- finish\n{statement};\nCREATE TABLE b (id INTEGER);\n", name="m.sql")
    word = statement.split()[-1 if statement.startswith("/*") else 0].upper()
    for args in (["check"], ["inspect", "--models"], ["revision", "--autogenerate", "-m", "x"]):
        proc = pg_auto.run(*args, expect=1)
        assert_error(proc, f"m.sql:3: {word} in a model file", "cannot control it")
    assert pg_auto.scripts() == []
    assert scratch_schemas(pg_auto) == []


def test_models_may_prepare_a_statement(pg_auto):
    """PREPARE alone is not transaction control."""
    pg_auto.model("CREATE TABLE a (id INTEGER PRIMARY KEY);\nPREPARE q AS SELECT 1;\n")
    assert "table a" in pg_auto.run("inspect", "--models").stdout


def test_duplicate_table_in_models(sqlite_auto):
    sqlite_auto.model("CREATE TABLE a (id INTEGER PRIMARY KEY);\n", name="one.sql")
    sqlite_auto.model("\nCREATE TABLE a (id INTEGER);\n", name="two.sql")
    proc = sqlite_auto.run("check", expect=1)
    assert_error(proc, "a already exists")
    assert "one.sql:1" in proc.stderr or "two.sql:2" in proc.stderr, describe(proc)


def test_sqlite_rebuild_keeps_triggers_rows_and_indexes(sqlite_auto):
    """A change SQLite's ALTER cannot make (NOT NULL, type) rebuilds the table;
    its rows, indexes and triggers are there afterwards and the trigger fires."""
    a = sqlite_auto
    a.model(MODEL + "CREATE INDEX ix_users_email ON users (email);\n")
    a.autogenerate()
    a.run("upgrade", "head")
    a.p.query("CREATE TABLE audit (email TEXT)")
    a.p.query("CREATE TRIGGER tr_users_insert AFTER INSERT ON users "
              "BEGIN INSERT INTO audit VALUES (NEW.email); END")
    a.p.query("INSERT INTO users (email, nickname) VALUES ('a@example.com', 'ada')")
    a.model(MODEL.replace("nickname TEXT", "nickname VARCHAR(40) NOT NULL DEFAULT ''")
            + "CREATE INDEX ix_users_email ON users (email);\n"
            + "CREATE TABLE audit (email TEXT);\n")
    a.autogenerate()
    a.run("upgrade", "head")
    assert a.p.query("SELECT email, nickname FROM users") == [["a@example.com", "ada"]]
    names = {r[0] for r in a.p.query("SELECT name FROM sqlite_master WHERE tbl_name = 'users'")}
    assert {"users", "ix_users_email", "tr_users_insert"} <= names
    a.p.query("INSERT INTO users (email, nickname) VALUES ('b@example.com', 'bo')")
    assert [r[0] for r in a.p.query("SELECT email FROM audit ORDER BY email")] == [
        "a@example.com", "b@example.com"]
    a.run("check")
