"""Branches, merges and dependencies: two heads, `upgrade head` refused,
`upgrade heads`, `merge heads`, branch-label targets, depends-on ordering."""
import re

import pytest

from conftest import assert_error, progress, rev

ROOT, FEAT, OTHER = rev("0a"), rev("fea7"), rev("0b")


@pytest.fixture
def forked(project):
    project.add(ROOT, None, up="CREATE TABLE root_t (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE root_t;", message="root")
    project.add(FEAT, ROOT, up="CREATE TABLE feat_t (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE feat_t;", message="feature work", labels=["feature"])
    project.add(OTHER, ROOT, up="CREATE TABLE other_t (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE other_t;", message="other work")
    return project


def test_heads_and_branches(forked):
    heads = forked.run("heads").stdout.splitlines()
    assert len(heads) == 2
    assert any(line.startswith(FEAT) and "(head)" in line for line in heads), heads
    assert any(line.startswith(OTHER) and "(head)" in line for line in heads), heads
    assert "feature" in forked.run("heads").stdout
    assert ROOT in forked.run("branches").stdout


def test_upgrade_head_refused_with_two_heads(forked):
    proc = forked.run("upgrade", "head", expect=1)
    assert_error(proc, "multiple heads", FEAT, OTHER, "merge heads")
    assert forked.version() == []
    assert [t for t in forked.db.tables() if not t.startswith("retort_version")] == []


def test_upgrade_heads_merge_and_downgrade(forked):
    forked.run("upgrade", "heads")
    assert forked.version() == sorted([FEAT, OTHER])

    before = set(forked.script_files())
    forked.run("merge", "-m", "m", "heads")
    new = set(forked.script_files()) - before
    assert len(new) == 1, new
    text = (forked.versions / new.pop()).read_text()
    merge = re.search(r"^-- Revision ID: (\S+)$", text, re.M).group(1)
    revises = re.search(r"^-- Revises: (.*)$", text, re.M).group(1)
    assert sorted(r.strip() for r in revises.split(",")) == sorted([FEAT, OTHER])

    heads = forked.run("heads").stdout.splitlines()
    assert len(heads) == 1 and heads[0].startswith(merge), heads

    proc = forked.run("upgrade", "head")
    assert len(progress(proc)) == 1
    assert re.fullmatch(rf"Running upgrade ({FEAT}, {OTHER}|{OTHER}, {FEAT}) -> {merge}, m",
                        progress(proc)[0]), progress(proc)
    assert forked.version() == [merge]

    proc = forked.run("downgrade", "-1")
    assert forked.version() == sorted([FEAT, OTHER])

    # take the labelled branch back one step; the other branch stays
    forked.run("downgrade", "feature@-1")
    assert forked.version() == [OTHER]
    assert not forked.db.has_table("feat_t")
    assert forked.db.has_table("root_t") and forked.db.has_table("other_t")

    forked.run("upgrade", "feature@head")
    assert forked.version() == sorted([FEAT, OTHER])
    assert forked.db.has_table("feat_t")


def test_upgrade_single_branch_by_label(forked):
    proc = forked.run("upgrade", "feature@head")
    assert [line.split(",")[0] for line in progress(proc)] == [
        f"Running upgrade  -> {ROOT}", f"Running upgrade {ROOT} -> {FEAT}"]
    assert forked.version() == [FEAT]
    assert not forked.db.has_table("other_t")
    forked.run("upgrade", OTHER)
    assert forked.version() == sorted([FEAT, OTHER])


def test_depends_on_orders_across_branches(project):
    x, y = rev("e1"), rev("e2")
    project.add(ROOT, None, up="CREATE TABLE root_t (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE root_t;", message="root")
    project.add(x, ROOT, up="CREATE TABLE x (id INTEGER PRIMARY KEY);",
                down_sql="DROP TABLE x;", message="x", labels=["xs"])
    # y lives on its own branch but needs x: upgrading to y applies x first
    project.add(y, ROOT, up="CREATE TABLE y (id INTEGER PRIMARY KEY, "
                            "x_id INTEGER REFERENCES x (id));\n"
                            "INSERT INTO y (id) VALUES (1);",
                down_sql="DROP TABLE y;", message="y", depends=[x])
    proc = project.run("upgrade", y)
    assert [line.split(",")[0] for line in progress(proc)] == [
        f"Running upgrade  -> {ROOT}", f"Running upgrade {ROOT} -> {x}",
        f"Running upgrade {ROOT} -> {y}"]
    assert project.version() == sorted([x, y])

    # x cannot go while y depends on it: downgrading x takes y down first
    proc = project.run("downgrade", f"{ROOT}")
    steps = [line.split(",")[0] for line in progress(proc)]
    assert steps.index(f"Running downgrade {y} -> {ROOT}") < \
        steps.index(f"Running downgrade {x} -> {ROOT}"), steps
    assert project.version() == [ROOT]
