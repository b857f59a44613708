"""Schema ownership: the service refuses to start unless the database is at
the revision the build expects, and /ready notices a change while running."""
from conftest import FIRST_REVISION, HEAD_REVISION


def expect_refusal(svc):
    status = svc.proc.wait(timeout=30)
    out = svc.log()
    assert status == 1, out
    lines = [line for line in out.splitlines() if line.startswith("user-service: error:")]
    assert len(lines) == 1, out
    return lines[0]


def test_refuses_database_behind_head(db, start_service):
    db.retort("upgrade", FIRST_REVISION)
    line = expect_refusal(start_service(db, wait=False))
    assert FIRST_REVISION in line and HEAD_REVISION in line
    assert "retort upgrade head" in line


def test_refuses_empty_database(db, start_service):
    line = expect_refusal(start_service(db, wait=False))
    assert HEAD_REVISION in line and "retort upgrade head" in line


def test_refuses_database_ahead_of_build(migrated, start_service):
    migrated.sql(f"UPDATE alembic_version SET version_num = 'abcdefabcdef'")
    line = expect_refusal(start_service(migrated, wait=False))
    assert "abcdefabcdef" in line and HEAD_REVISION in line
    assert "rebuild" in line


def test_starts_after_upgrade(db, start_service):
    db.retort("upgrade", FIRST_REVISION)
    expect_refusal(start_service(db, wait=False))
    db.retort("upgrade", "head")
    svc = start_service(db)
    assert svc.request("GET", "/ready")[0] == 200


def test_ready_503_when_revision_changes_underneath(service, migrated):
    assert service.request("GET", "/ready")[0] == 200
    migrated.retort("downgrade", FIRST_REVISION)
    status, _, body = service.request("GET", "/ready")
    assert status == 503
    assert FIRST_REVISION in body["detail"] and HEAD_REVISION in body["detail"]
    assert service.request("GET", "/health")[0] == 200  # alive, just not ready
