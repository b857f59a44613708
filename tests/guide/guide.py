"""The migration guide (docs/migrations-guide.md) as data for its walkthrough.

The guide tags the code blocks the walkthrough uses with a hidden comment on
the line before the fence:

    <!-- walkthrough: add-column.generate -->
    ```sh
    retort revision --autogenerate -m "add_timezone_to_users"
    ```

`sh` blocks are run as written; `sql` and `c` blocks are the text the
walkthrough puts into files or expects retort to write; `text` blocks are
messages expected in a command's output, where `<rev>`, `<error>`, ... stand
for any text. Every command line the walkthrough runs is recorded, so the
quick-reference table can be checked against what was actually executed.
"""
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "migrations-guide.md"

_TAGGED = re.compile(r"^<!-- walkthrough: ([\w.-]+) -->\n```(\w+)\n(.*?)^```$", re.M | re.S)
_PLACEHOLDER = re.compile(r"<[a-z][\w-]*>")


@dataclass(frozen=True)
class Block:
    name: str
    lang: str
    text: str


def text():
    return GUIDE.read_text(encoding="utf-8")


def blocks():
    """Every tagged block by name; a name used twice is an error."""
    found = {}
    for m in _TAGGED.finditer(text()):
        name, lang, body = m.group(1), m.group(2), m.group(3)
        assert name not in found, f"walkthrough block {name!r} is tagged twice"
        found[name] = Block(name, lang, body)
    return found


def block(name, lang=None):
    USED.add(name)
    b = blocks().get(name)
    assert b is not None, f"{GUIDE.name} has no block tagged 'walkthrough: {name}'"
    assert lang is None or b.lang == lang, f"block {name} is {b.lang}, expected {lang}"
    return b


def command_lines(script):
    """The commands of a shell block: continuation lines joined, comments and
    blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [line.strip() for line in joined.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def pattern(template):
    """A regex for a line with <placeholders>, each standing for any text."""
    parts = _PLACEHOLDER.split(template)
    return ".+?".join(re.escape(p) for p in parts)


def expect_lines(name, output):
    """Asserts every line of the text block `name` occurs in output."""
    for line in block(name, "text").text.splitlines():
        if line.strip():
            assert re.search(pattern(line), output, re.M), (
                f"the guide's {name} says\n  {line}\nbut the output was:\n{output}")


def section(title):
    """The text of the `## title` section."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text(), re.M | re.S)
    assert m, f"{GUIDE.name} has no section '## {title}'"
    return m.group(1)


def quick_reference():
    """(local commands, docker commands) of the quick-reference table."""
    local, docker = [], []
    for row in section("Quick reference").splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("task", "---"):
            continue
        local += re.findall(r"`([^`]+)`", cells[1])
        docker += re.findall(r"`([^`]+)`", cells[2])
    return local, docker


# Every command line run from the guide, in order (process-wide: the
# quick-reference check runs after the walkthroughs in the same session).
RAN = []
# The names of the blocks the walkthrough asked for.
USED = set()


if __name__ == "__main__":
    # `guide.py NAME`: the command lines of block NAME, one per line (what
    # scripts/test-compose runs for the guide's Docker block).
    import sys
    print("\n".join(command_lines(block(sys.argv[1], "sh").text)))
