"""`retort revision`: the file it writes (name, headers, markers), --rev-id,
chaining, multiple heads, --head, --splice, --branch-label, --depends-on.

Writing a script does not touch the database, so these run on SQLite only;
the written scripts are then applied to show they are valid."""
import re

import pytest

from conftest import Project, assert_error, run_retort


@pytest.fixture
def proj(tmp_path, databases):
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, databases.new("sqlite"))


def new_script(p, *args):
    """Runs `revision args`, returns (rev id, text) of the one file it added."""
    before = set(p.script_files())
    proc = p.run("revision", *args)
    added = sorted(set(p.script_files()) - before)
    assert len(added) == 1, (added, proc.stderr)
    assert added[0] in proc.stdout + proc.stderr  # says what it wrote
    text = (p.versions / added[0]).read_text()
    header = re.search(r"^-- Revision ID: (\S+)$", text, re.M)
    assert header, text
    assert added[0].startswith(header.group(1) + "_")
    return header.group(1), text


def revises(text):
    m = re.search(r"^-- Revises:(.*)$", text, re.M)
    assert m, text
    return sorted(r.strip() for r in m.group(1).split(",") if r.strip())


def test_first_revision_file(proj):
    before = set(proj.script_files())
    proj.run("revision", "-m", "Add users table!")
    (name,) = set(proj.script_files()) - before
    assert re.fullmatch(r"[0-9a-f]{12}_add_users_table\.sql", name), name
    text = (proj.versions / name).read_text()
    lines = text.splitlines()
    assert lines[0] == "-- Add users table!"
    assert f"-- Revision ID: {name[:12]}" in lines
    assert revises(text) == []
    assert re.search(r"^-- Create Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$", text, re.M)
    up = lines.index("-- retort:upgrade")
    assert lines.index("-- retort:downgrade") > up
    assert proj.run("history").stdout.splitlines() == [
        f"<base> -> {name[:12]} (head), Add users table!"]


def test_rev_id_and_chain(proj):
    first, _ = new_script(proj, "-m", "one", "--rev-id", "0123456789ab")
    assert first == "0123456789ab"
    assert (proj.versions / "0123456789ab_one.sql").exists()
    second, text = new_script(proj, "-m", "two")
    assert revises(text) == [first]
    third, text = new_script(proj, "-m", "three")
    assert revises(text) == [second]
    assert len({first, second, third}) == 3
    assert proj.run("history").stdout.splitlines() == [
        f"{second} -> {third} (head), three",
        f"{first} -> {second}, two",
        f"<base> -> {first}, one",
    ]
    proj.run("upgrade", "head")  # empty migrations are valid
    assert proj.version() == [third]


def test_multiple_heads_need_head(proj):
    a, _ = new_script(proj, "-m", "a")
    b, text = new_script(proj, "-m", "b", "--head", "base")
    assert revises(text) == []
    proc = proj.run("revision", "-m", "c", expect=1)
    assert_error(proc, "multiple heads", "--head")
    c, text = new_script(proj, "-m", "c", "--head", a)
    assert revises(text) == [a]
    heads = proj.run("heads").stdout
    assert b in heads and c in heads and a not in heads


def test_splice(proj):
    a, _ = new_script(proj, "-m", "a")
    b, _ = new_script(proj, "-m", "b")
    proc = proj.run("revision", "-m", "s", "--head", a, expect=1)
    assert_error(proc, "--splice")
    s, text = new_script(proj, "-m", "s", "--head", a, "--splice")
    assert revises(text) == [a]
    heads = proj.run("heads").stdout
    assert b in heads and s in heads
    proj.run("upgrade", "heads")
    assert proj.version() == sorted([b, s])


def test_branch_label_and_depends_on(proj):
    a, _ = new_script(proj, "-m", "a")
    lab, text = new_script(proj, "-m", "labelled", "--head", "base", "--branch-label", "audit")
    assert re.search(r"^-- Branch Labels: audit$", text, re.M), text
    dep, text = new_script(proj, "-m", "dep", "--head", a, "--depends-on", lab)
    assert re.search(rf"^-- Depends On: {lab}$", text, re.M), text

    proj.run("upgrade", "audit@head")
    assert proj.version() == [lab]
    proj.run("upgrade", dep)
    assert proj.version() == sorted([dep, lab])
    history = proj.run("history").stdout
    for r in (a, lab, dep):
        assert r in history


def test_init_then_revision(tmp_path, databases):
    db = databases.new("sqlite")
    run_retort("init", "migrations", cwd=tmp_path)
    assert (tmp_path / "migrations" / "versions").is_dir()
    ini = (tmp_path / "retort.ini").read_text()
    assert "[retort]" in ini and "script_location" in ini
    # a second init into the now non-empty directory is refused
    assert_error(run_retort("init", "migrations", cwd=tmp_path, expect=1), "migrations")

    run_retort("--url", db.url, "revision", "-m", "first", cwd=tmp_path)
    run_retort("--url", db.url, "upgrade", "head", cwd=tmp_path)
    assert len(db.version()) == 1
