"""The migration guide's procedures, performed as the guide writes them.

Each test is one procedure of docs/migrations-guide.md, in the guide's order,
on one scratch copy of the project per database (conftest.walk): the file
edits use the guide's own sql/c blocks, the commands are the guide's sh
blocks run with bash, and the results are checked against the guide's
expected scripts and messages, the API and the database itself.
"""
import json
import re

import guide

HEAD_AT_START = "8117412dc82c"


# ---- edits and files ---------------------------------------------------------


def insert_after(path, anchor, block_name, lang):
    """Puts the guide's block on the line after the first line containing
    anchor (at or after `start`, when the anchor repeats)."""
    text = path.read_text()
    at = text.index(anchor)
    eol = text.index("\n", at) + 1
    path.write_text(text[:eol] + guide.block(block_name, lang).text + text[eol:])


def replace_line(path, containing, block_name):
    lines = path.read_text().splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if containing in line]
    assert len(hits) == 1, f"{path.name}: {len(hits)} lines contain {containing!r}"
    lines[hits[0]] = guide.block(block_name, "sql").text
    path.write_text("".join(lines))


def delete_lines(path, text):
    original = path.read_text()
    assert text in original, f"{path.name} lacks {text!r}"
    path.write_text(original.replace(text, "", 1))


def script(walk, slug):
    found = list((walk.service_dir / "migrations" / "versions").glob(f"*_{slug}.sql"))
    assert len(found) == 1, f"scripts named *_{slug}.sql: {found}"
    return found[0]


def sections(path):
    text = path.read_text()
    return text[text.index("-- retort:upgrade"):].strip()


def revision_of(path):
    return re.search(r"^-- Revision ID: (\w+)$", path.read_text(), re.M).group(1)


def current(walk):
    return walk.sh("retort current").stdout.split()[0]


def assert_script_as_guide(walk, slug, block_name):
    assert sections(script(walk, slug)) == guide.block(block_name, "sql").text.strip()


def json_values(text):
    """The JSON documents curl printed one after the other."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def profile(walk):
    """GET /profile/ as the guide's user, through the guide's own requests."""
    return json_values(walk.block("add-column.try").stdout)[-1]


# ---- the procedures ------------------------------------------------------------


def test_add_column(walk):
    d = walk.service_dir
    insert_after(d / "models" / "users.sql", "    phone_number VARCHAR(20),",
                 "add-column.model", "sql")
    insert_after(d / "src" / "schemas" / "users.c", '{"phone_number", SCHEMA_STRING',
                 "add-column.schema", "c")
    profiles = d / "src" / "schemas" / "profiles.c"
    text = profiles.read_text()
    start = text.index("profile_update_fields[] = {")
    anchor_at = text.index('{"phone_number"', start)
    eol = text.index("\n", anchor_at) + 1
    profiles.write_text(text[:eol] + guide.block("add-column.schema-update", "c").text
                        + text[eol:])

    generated = walk.block("add-column.generate")
    guide.expect_lines("add-column.generate.output", generated.stdout + generated.stderr)
    assert_script_as_guide(walk, "add_timezone_to_users", "add-column.script")
    new_rev = revision_of(script(walk, "add_timezone_to_users"))

    walk.block("add-column.apply")
    assert current(walk) == new_rev
    walk.start()
    put, get = json_values(walk.block("add-column.try").stdout)
    assert put["timezone"] == "Europe/Paris", put
    assert get["timezone"] == "Europe/Paris", get

    verified = walk.block("add-column.verify")
    guide.expect_lines("add-column.verify.output", verified.stdout)
    assert "timezone" in walk.columns("users")

    down = walk.block("add-column.down")
    assert down.stdout.split()[0] == HEAD_AT_START, down.stdout
    assert "timezone" not in walk.columns("users")
    # "retort check now fails with Target database is not up to date"
    behind = walk.sh("retort check", check=False)
    assert behind.returncode == 1 and "Target database is not up to date" in behind.stderr
    walk.block("add-column.up-again")
    assert current(walk) == new_rev and "timezone" in walk.columns("users")


def test_create_table(walk):
    model = walk.service_dir / "models" / "user_sessions.sql"
    model.write_text(guide.block("create-table.model", "sql").text)
    walk.block("create-table.generate")
    assert_script_as_guide(walk, "create_user_sessions", "create-table.script")
    rev = revision_of(script(walk, "create_user_sessions"))

    walk.block("create-table.apply")
    assert current(walk) == rev
    walk.start()  # the rebuilt service expects the new head
    verified = walk.block("create-table.verify")
    guide.expect_lines("create-table.verify.output", verified.stdout)

    # the text's "downgrade -1 drops the table again; upgrade head recreates it"
    walk.sh("retort downgrade -1")
    assert walk.columns("user_sessions") == []
    walk.sh("retort upgrade head")
    assert walk.columns("user_sessions") == ["created_at", "id", "user_agent", "user_id"]

    # a row for the renames below, removed with its user (ON DELETE CASCADE)
    user_id = walk.sql("SELECT id FROM users WHERE email = 'ada@example.com'")
    walk.sql("INSERT INTO user_sessions (id, user_id, user_agent) VALUES "
             f"('0190a000-0000-7000-8000-000000000001', '{user_id}', 'curl/8')")


def test_remove_column(walk):
    d = walk.service_dir
    delete_lines(d / "models" / "users.sql", guide.block("add-column.model", "sql").text)
    delete_lines(d / "src" / "schemas" / "users.c", guide.block("add-column.schema", "c").text)
    delete_lines(d / "src" / "schemas" / "profiles.c",
                 guide.block("add-column.schema-update", "c").text)

    generated = walk.block("remove-column.generate")
    guide.expect_lines("remove-column.output", generated.stderr)
    assert_script_as_guide(walk, "drop_timezone_from_users", "remove-column.script")

    walk.stop()
    walk.block("remove-column.apply")
    walk.start()
    assert "timezone" not in walk.columns("users")
    assert "timezone" not in profile(walk)
    assert walk.sh("retort check", check=False).returncode == 0


def session_row(walk, column):
    return walk.sql(f"SELECT {column} FROM user_sessions")


def test_rename_with_annotation(walk):
    replace_line(walk.service_dir / "models" / "user_sessions.sql", "    user_agent ",
                 "rename-annotated.model")
    walk.block("rename-annotated.generate")
    assert_script_as_guide(walk, "rename_user_agent_to_client_name", "rename-annotated.script")
    walk.block("rename-annotated.apply")  # upgrade head, then check exits 0
    assert session_row(walk, "client_name") == "curl/8"


def test_rename_by_hand(walk):
    walk.block("rename-manual.revision")
    path = script(walk, "rename_client_name_to_device_name")
    text = path.read_text()
    path.write_text(text[:text.index("-- retort:upgrade")]
                    + guide.block("rename-manual.script", "sql").text)
    replace_line(walk.service_dir / "models" / "user_sessions.sql", "client_name",
                 "rename-manual.model")
    walk.block("rename-manual.apply")  # upgrade head, then check exits 0
    assert session_row(walk, "device_name") == "curl/8"

    # "downgrade -1 renames it back; the rows keep their values both ways"
    walk.sh("retort downgrade -1")
    assert session_row(walk, "client_name") == "curl/8"
    walk.sh("retort upgrade head")
    assert session_row(walk, "device_name") == "curl/8"
    walk.block("add-column.apply")  # the build follows the head again
    walk.start()


# ---- troubleshooting, each row reproduced ---------------------------------------


def fails_with(proc, message_block):
    assert proc.returncode == 1, f"expected exit 1, got {proc.returncode}:\n{proc.stderr}"
    guide.expect_lines(message_block, proc.stdout + proc.stderr)


def test_trouble_not_up_to_date_and_no_changes(walk):
    head = current(walk)
    walk.sh("retort downgrade -1")
    scripts = sorted((walk.service_dir / "migrations" / "versions").iterdir())
    fails_with(walk.sh('retort revision --autogenerate -m "behind"', check=False),
               "trouble.behind.message")
    walk.block("trouble.behind.fix")
    assert current(walk) == head
    empty = walk.sh('retort revision --autogenerate -m "nothing_changed"')
    guide.expect_lines("trouble.empty.message", empty.stdout + empty.stderr)
    assert sorted((walk.service_dir / "migrations" / "versions").iterdir()) == scripts


def test_trouble_cannot_locate_revision(walk):
    known = current(walk)
    walk.sh('retort revision -m "on_another_branch"')
    other = script(walk, "on_another_branch")
    walk.sh("retort upgrade head")
    other.unlink()  # back on a branch without that script
    fails_with(walk.sh("retort current", check=False), "trouble.unknown.message")
    fails_with(walk.sh("retort upgrade head", check=False), "trouble.unknown.message")
    walk.sh(guide.block("trouble.unknown.fix", "sh").text.replace("<rev>", known), record=True)
    assert current(walk) == known
    assert walk.sh("retort check", check=False).returncode == 0


# user_*: the service owns users, the profile tables and user_* (retort.ini)
LOGIN_EVENTS = """CREATE TABLE user_login_events (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
"""


def test_trouble_relation_already_exists(walk):
    before = current(walk)
    (walk.service_dir / "models" / "user_login_events.sql").write_text(LOGIN_EVENTS)
    walk.sh('retort revision --autogenerate -m "create_user_login_events"')
    walk.sql(LOGIN_EVENTS)  # created by hand before the migration ran
    failed = walk.sh("retort upgrade head", check=False)
    fails_with(failed, "trouble.exists.message")
    assert "already exists" in failed.stderr
    assert current(walk) == before
    walk.block("trouble.exists.fix")  # stamp head, then check exits 0
    assert current(walk) == revision_of(script(walk, "create_user_login_events"))


def test_trouble_multiple_heads(walk):
    parent = current(walk)
    walk.sh('retort revision -m "branch_one"')
    walk.sh(f'retort revision -m "branch_two" --head {parent} --splice')
    fails_with(walk.sh("retort upgrade head", check=False), "trouble.heads.message")
    fixed = walk.block("trouble.heads.fix")
    assert revision_of(script(walk, "branch_one")) in fixed.stdout
    assert revision_of(script(walk, "branch_two")) in fixed.stdout
    heads = walk.sh("retort heads").stdout.split()
    assert heads[0] == revision_of(script(walk, "merge_heads")) and current(walk) == heads[0]


def test_trouble_service_refuses_to_start(walk):
    # the build is behind: migrations were added since the last rebuild
    walk.stop()
    rc, log = walk.start(expect_ok=False)
    assert rc != 0
    guide.expect_lines("trouble.service-stale.message", log)
    walk.block("trouble.service-stale.fix")
    walk.start()

    # the database is behind: a migration was not applied
    walk.stop()
    walk.sh("retort downgrade -1")
    rc, log = walk.start(expect_ok=False)
    assert rc != 0
    guide.expect_lines("trouble.service-behind.message", log)
    walk.block("trouble.service-behind.fix")
    walk.start()
    assert profile(walk)["email"] == "ada@example.com"


def test_models_and_database_agree_at_the_end(walk):
    assert walk.sh("retort check").stdout.strip() == "No new upgrade operations detected."
    assert "(head)" in walk.sh("retort history").stdout
