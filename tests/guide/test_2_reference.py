"""The guide against its walkthrough: nothing documented goes unexercised.

Runs after test_1_walkthrough.py in the same session (guide.RAN holds the
lines the walkthrough ran from the guide), and checks the guide as a
document: it renders as GitHub-flavoured Markdown, its links resolve.
"""
import re
import subprocess

import pytest

import guide

REPO = guide.REPO
# Separators between commands on one shell line.
_SPLIT = re.compile(r"\s*(?:\|\||&&|\||;)\s*")


def segments(lines):
    return [seg for line in lines for seg in _SPLIT.split(line) if seg]


def ran(command, lines):
    rx = re.compile(guide.pattern(command))
    return any(rx.fullmatch(seg) for seg in segments(lines))


def test_every_local_command_of_the_quick_reference_was_run():
    if not guide.RAN:
        pytest.fail("the walkthrough (test_1_walkthrough.py) did not run in this session")
    local, _ = guide.quick_reference()
    assert len(local) >= 12, local
    missed = [c for c in local if not ran(c, guide.RAN)]
    assert not missed, f"quick-reference commands the walkthrough never ran: {missed}"


def test_every_docker_command_of_the_quick_reference_is_in_the_compose_walkthrough():
    _, docker = guide.quick_reference()
    assert len(docker) >= 8, docker
    block = guide.command_lines(guide.block("docker", "sh").text)
    missed = [c for c in docker if not ran(c, block)]
    assert not missed, f"Docker commands not in the guide's docker block: {missed}"
    # make test-compose runs that block, line by line
    compose = (REPO / "scripts" / "test-compose").read_text()
    assert "tests/guide/guide.py docker" in compose


def test_every_tagged_block_is_used():
    if not guide.USED:
        pytest.fail("the walkthrough (test_1_walkthrough.py) did not run in this session")
    unused = set(guide.blocks()) - guide.USED - {"docker"}  # docker: make test-compose
    assert not unused, f"blocks of the guide no test performs: {sorted(unused)}"


def test_the_guide_renders_as_markdown():
    source = guide.text()
    fences = [line for line in source.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0, "an unclosed code fence"
    tables = len(re.findall(r"^\| ---", source, re.M))
    html = subprocess.run(["cmark-gfm", "--unsafe", "--extension", "table", str(guide.GUIDE)],
                          capture_output=True, text=True, check=True).stdout
    assert html.count("<table>") == tables, "a table did not render as one"
    assert "```" not in html and "<!-- walkthrough" not in re.sub(r"<!--.*?-->", "", html)
    for table in re.findall(r"^(\|.*\|)\n(\| ---.*\|)\n((?:\|.*\|\n)*)", source, re.M):
        width = table[0].count("|")
        for row in table[2].splitlines():
            cells = re.sub(r"`[^`]*`", "x", row).count("|")
            assert cells == width, f"a row with another column count:\n{row}"


def slug(heading):
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_the_guides_links_resolve():
    source = guide.text()
    anchors = {slug(h) for h in re.findall(r"^#+ (.*)$", source, re.M)}
    for target in re.findall(r"\]\(([^)]+)\)", source):
        if target.startswith("#"):
            assert target[1:] in anchors, f"no heading for link {target}"
        elif not re.match(r"[a-z]+://", target):
            assert (guide.GUIDE.parent / target.split("#")[0]).exists(), target
