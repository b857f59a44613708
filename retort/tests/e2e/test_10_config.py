"""retort.ini values: ${VAR} and ${VAR:-default} from the environment and
from a .env file beside the config (the real environment wins), --url over
database_url, and a relative SQLite path taken from the working directory,
as SQLAlchemy has it. SQLite only: this is about finding the database."""
import pytest

from conftest import rev, run_retort

A = rev("a1")


@pytest.fixture
def proj(tmp_path):
    root = tmp_path / "proj"
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / f"{A}_a.sql").write_text(
        f"-- a\n--\n-- Revision ID: {A}\n-- Revises:\n\n"
        "-- retort:upgrade\nCREATE TABLE ta (id INTEGER);\n\n"
        "-- retort:downgrade\nDROP TABLE ta;\n")
    return root


def write_ini(root, url):
    (root / "retort.ini").write_text(
        f"[retort]\nscript_location = migrations\ndatabase_url = {url}\n")


def test_default_when_variable_unset(proj):
    write_ini(proj, "${RETORT_E2E_DB:-sqlite:///default.db}")
    run_retort("upgrade", "head", cwd=proj)
    assert (proj / "default.db").exists()


def test_environment_then_dotenv(proj, tmp_path):
    write_ini(proj, "${RETORT_E2E_DB}")
    (proj / ".env").write_text("# a comment\nexport RETORT_E2E_DB='sqlite:///dotenv.db'\n")
    run_retort("upgrade", "head", cwd=proj)
    assert (proj / "dotenv.db").exists()

    env_db = tmp_path / "env.db"
    run_retort("upgrade", "head", cwd=proj, env={"RETORT_E2E_DB": f"sqlite:///{env_db}"})
    assert env_db.exists()

    other = tmp_path / "url.db"
    run_retort("--url", f"sqlite:///{other}", "upgrade", "head", cwd=proj)
    assert other.exists()


def test_relative_sqlite_path_follows_working_directory(proj):
    write_ini(proj, "sqlite:///rel.db")
    sub = proj / "elsewhere"
    sub.mkdir()
    run_retort("-c", "../retort.ini", "upgrade", "head", cwd=sub)
    assert (sub / "rel.db").exists()
    assert not (proj / "rel.db").exists()
    # the scripts are still found: script_location is relative to the config
    assert run_retort("-c", "../retort.ini", "current", cwd=sub).stdout.split() == [A, "(head)"]
