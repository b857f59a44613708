"""edit_model.py retort|alembic PROJECT K [MARK] — deletes the scripts in
PROJECT/migrations/versions newer than the file MARK (what the last timed run
wrote), then edits table m_K's model, as a
user edits one model between two autogenerate runs: adds a nullable integer
column, and on the next call swaps it for another one (extra_a, extra_b,
extra_a, ...). So every timed run of the "one model file edited" case
autogenerates right after an edit, and finds one column added to the
database's table.

retort's model of m_K is PROJECT/models/m_KKKK.sql (bench/gen_retort_models.py);
Alembic's is class MK in PROJECT/models.py (the peer's gen.py)."""
import os
import re
import sys

COLUMNS = ("extra_a", "extra_b")


def edit(text: str, anchor: str, line: str) -> str:
    """Swaps the extra column after the first qty line at or after anchor,
    or adds extra_a there."""
    start = text.index(anchor)
    qty = text.index("qty", start)
    end = text.index("\n", qty) + 1
    for i, col in enumerate(COLUMNS):
        current = line.format(col=col)
        if text.startswith(current, end):
            return text[:end] + line.format(col=COLUMNS[1 - i]) + text[end + len(current):]
    return text[:end] + line.format(col=COLUMNS[0]) + text[end:]


def main() -> None:
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("retort", "alembic"):
        sys.exit(__doc__)
    tool, project, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if len(sys.argv) == 5:
        mark = os.stat(sys.argv[4]).st_mtime_ns
        versions = os.path.join(project, "migrations", "versions")
        for name in os.listdir(versions):
            path = os.path.join(versions, name)
            if os.path.isfile(path) and os.stat(path).st_mtime_ns > mark:
                os.unlink(path)
    if tool == "retort":
        path = os.path.join(project, "models", "m_%04d.sql" % k)
        anchor, line = "CREATE TABLE m_%d (" % k, "    {col} INTEGER,\n"
    else:
        path = os.path.join(project, "models.py")
        anchor, line = "class M%d(Base):" % k, "    {col} = Column(Integer)\n"
    with open(path) as f:
        text = f.read()
    if not re.search(re.escape(anchor), text):
        sys.exit("edit_model.py: %s has no %s" % (path, anchor))
    with open(path, "w") as f:
        f.write(edit(text, anchor, line))


if __name__ == "__main__":
    main()
