"""User-facing errors: unknown and ambiguous revisions, a database stamped
with a revision the scripts do not know, a broken graph, bad configuration,
bad usage (exit 2), the suggestion for a mistyped command, and --help on
every command (exit 0)."""
import os
from pathlib import Path

import pytest

from conftest import RETORT_BIN, Project, assert_error, rev, run_retort

A, B = rev("ab12"), rev("ab34")


@pytest.fixture
def two(project):
    project.add(A, None, up="CREATE TABLE ta (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE ta;", message="a")
    project.add(B, A, up="CREATE TABLE tb (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE tb;", message="b")
    return project


@pytest.fixture
def sqlite_project(tmp_path, databases):
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, databases.new("sqlite"))


def test_unknown_target(two):
    assert_error(two.run("upgrade", "ffff", expect=1), "can't locate revision", "ffff")
    assert_error(two.run("show", "ffff", expect=1), "can't locate revision")
    assert two.version() == []


def test_ambiguous_prefix(two):
    proc = two.run("upgrade", "ab", expect=1)
    assert_error(proc, "ab", A, B)
    assert "multiple revisions" in proc.stderr.lower() or "ambiguous" in proc.stderr.lower()


def test_database_at_unknown_revision(two):
    two.run("upgrade", A)
    two.query("UPDATE retort_version SET version_num = 'deadbeef0000'")
    proc = two.run("upgrade", "head", expect=1)
    assert_error(proc, "can't locate revision", "deadbeef0000", "stamp --purge")
    assert two.version() == ["deadbeef0000"]

    two.run("stamp", "--purge", "head")
    assert two.version() == [B]
    assert two.db.has_table("ta") and not two.db.has_table("tb")


@pytest.mark.parametrize("row", [A[:6], "ab"])
def test_version_row_must_name_a_revision_exactly(two, row):
    """A prefix in the version table (unique or not) is not a revision."""
    two.run("upgrade", A)
    two.query(f"UPDATE retort_version SET version_num = '{row}'")
    for args in (["current"], ["upgrade", "head"], ["check"]):
        assert_error(two.run(*args, expect=1), "can't locate revision", row, "stamp --purge")


def test_missing_down_revision(sqlite_project):
    sqlite_project.add(A, rev("99"), message="orphan")
    proc = sqlite_project.run("history", expect=1)
    assert_error(proc, rev("99"), A, "not present")


def test_cycle(sqlite_project):
    sqlite_project.add(A, B, message="a")
    sqlite_project.add(B, A, message="b")
    assert_error(sqlite_project.run("heads", expect=1), "cycle")


def test_duplicate_revision(sqlite_project):
    one = sqlite_project.add(A, None, message="one")
    two = sqlite_project.add(A, None, message="two")
    assert_error(sqlite_project.run("history", expect=1), A, one.name, two.name)


def test_malformed_script_names_file_and_line(sqlite_project):
    path = sqlite_project.add(A, None, up_opts="transaction=maybe")
    line = path.read_text().splitlines().index("-- retort:upgrade transaction=maybe") + 1
    assert_error(sqlite_project.run("history", expect=1), f"{path.name}:{line}", "transaction")


def lines_of_error(proc):
    """A configuration error is one line (plus optional indented detail/hint)."""
    lines = proc.stderr.splitlines()
    assert lines and lines[0].startswith("retort: error: "), proc.stderr
    assert all(line.startswith("  ") for line in lines[1:]), proc.stderr
    return lines


def test_missing_config_file(sqlite_project):
    proc = sqlite_project.run("-c", "nope.ini", "current", expect=1)
    assert_error(proc, "nope.ini")
    lines_of_error(proc)


def test_missing_script_location(sqlite_project):
    (sqlite_project.root / "retort.ini").write_text(
        f"[retort]\ndatabase_url = {sqlite_project.db.url}\n")
    proc = sqlite_project.run("current", expect=1)
    assert_error(proc, "script_location")
    lines_of_error(proc)


@pytest.mark.parametrize("where", ["option", "config"])
def test_bad_url_scheme(sqlite_project, where):
    url = "mysql://u@localhost/db"
    if where == "option":
        proc = sqlite_project.run("--url", url, "current", expect=1)
    else:
        sqlite_project.write_ini(url=url)
        proc = sqlite_project.run("current", expect=1)
    assert_error(proc, "mysql")
    lines_of_error(proc)


def test_undefined_variable_in_config(sqlite_project):
    (sqlite_project.root / "retort.ini").write_text(
        "[retort]\nscript_location = migrations\n"
        "database_url = ${RETORT_E2E_UNDEFINED_VARIABLE}\n")
    proc = sqlite_project.run("current", expect=1)
    assert_error(proc, "RETORT_E2E_UNDEFINED_VARIABLE")
    lines_of_error(proc)


def test_unreachable_postgresql(sqlite_project):
    # port 1 on loopback: nothing listens there
    proc = sqlite_project.run("--url", "postgresql://nobody@127.0.0.1:1/x", "current", expect=1)
    assert_error(proc)


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate"],
    ["--no-such-option", "current"],
    ["upgrade"],
    ["downgrade"],
    ["upgrade", "head", "extra"],
    ["stamp"],
    ["show"],
    ["history", "--bogus"],
    ["current", "unexpected"],
    ["-c"],
], ids=lambda a: " ".join(a) or "no-args")
def test_bad_usage_exits_2(sqlite_project, args):
    proc = sqlite_project.run(*args, expect=2)
    assert proc.stderr.strip(), "usage errors say something on stderr"


@pytest.mark.parametrize("typed, meant", [
    ("upgrad", "upgrade"), ("curent", "current"), ("histroy", "history"), ("sho", "show"),
])
def test_unknown_command_suggests_the_closest(tmp_path, typed, meant):
    # no config needed: the command line is wrong before anything is read
    proc = run_retort(typed, cwd=tmp_path, expect=2)
    lines = proc.stderr.splitlines()
    assert lines[0] == f"retort: error: unknown command '{typed}'", proc.stderr
    assert f"did you mean '{meant}'?" in lines[1], proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("typed", ["frobnicate", "hed", "x"])
def test_unknown_command_far_from_any_gets_no_suggestion(tmp_path, typed):
    proc = run_retort(typed, cwd=tmp_path, expect=2)
    assert f"unknown command '{typed}'" in proc.stderr
    assert "did you mean" not in proc.stderr


def _commands():
    """The command names `retort --help` lists under "commands:", so that a
    new command is covered by the --help tests without editing them."""
    out = run_retort("--help", cwd=Path(__file__).parent).stdout
    lines = out.splitlines()
    start = lines.index("commands:") + 1
    names = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        names.append(line.split()[0])
    return names


# the commands every release has; the listing may only grow
BASE_COMMANDS = {
    "init", "revision", "upgrade", "downgrade", "current", "history",
    "heads", "branches", "show", "stamp", "merge", "check", "inspect",
}
COMMANDS = _commands() if os.access(RETORT_BIN, os.X_OK) else sorted(BASE_COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help(tmp_path, command):
    # --help works anywhere: no config is read
    out = run_retort(command, "--help", cwd=tmp_path).stdout
    assert f"retort {command}" in out
    assert "usage" in out.lower()


def test_global_help(tmp_path):
    out = run_retort("--help", cwd=tmp_path).stdout
    assert BASE_COMMANDS <= set(COMMANDS), out
    for command in COMMANDS:
        assert command in out
