"""The walkthrough's scratch copy of the project, per database.

`walk` is a copy of the repository's files (what git tracks or would track)
in a temporary directory, on which the guide's blocks run as written: the
setup block from the copy's root, every later block from wherever setup left
the shell (services/user-service, with the copy's build/ on PATH). On
PostgreSQL, DATABASE_URL names a fresh database on the server of
RETORT_TEST_PG_URL (scripts/with-postgres); on SQLite it is unset, so the
guide's default (smartcourse.db in the working directory) is what runs.
"""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import guide

PG_ADMIN_URL = os.environ.get("RETORT_TEST_PG_URL", "")
SKIP_PG = os.environ.get("RETORT_TEST_SKIP_PG") == "1"
START_TIMEOUT = 30  # seconds
STEP_TIMEOUT = 600  # seconds: the setup block builds the whole project


def run(cmd, check=True, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=STEP_TIMEOUT, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_project(dest):
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=guide.REPO).stdout.split("\0")
    for rel in filter(None, files):
        src = guide.REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


class Walk:
    """The shell state the guide's blocks share, and the service they start."""

    def __init__(self, dialect, root, env):
        self.dialect = dialect
        self.root = root
        self.cwd = root
        self.env = env
        self.service = None
        self.service_log = root / "user-service.log"

    @property
    def service_dir(self):
        return self.root / "services" / "user-service"

    def sh(self, script, check=True, record=False):
        """Runs script with bash in the shared state; returns the process.
        record: the lines come from the guide (see guide.RAN)."""
        if record:
            guide.RAN.extend(guide.command_lines(script))
        proc = run(["bash", "-eo", "pipefail", "-c", script], check=False,
                   cwd=self.cwd, env=self.env)
        if check and proc.returncode != 0:
            raise AssertionError(f"this block failed ({proc.returncode}):\n{script}\n"
                                 f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc

    def block(self, name, check=True):
        """Runs the guide's shell block `name`."""
        return self.sh(guide.block(name, "sh").text, check=check, record=True)

    def setup(self):
        state = self.root / ".walk-state"
        script = guide.block("setup", "sh").text
        guide.RAN.extend(guide.command_lines(script))
        self.sh(script + f'\nprintf "%s\\n" "$PWD" "$PATH" > "{state}"\n', record=False)
        cwd, path = state.read_text().splitlines()
        self.cwd, self.env["PATH"] = Path(cwd), path

    # ---- the service, started with the guide's `start` block

    def start(self, expect_ok=True):
        self.stop()
        script = guide.block("start", "sh").text
        guide.RAN.extend(guide.command_lines(script))
        log = open(self.service_log, "w")
        proc = subprocess.Popen(["bash", "-c", script], cwd=self.cwd, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                if expect_ok:
                    raise AssertionError(f"user-service exited {proc.returncode}:\n"
                                         f"{self.service_log.read_text()}")
                return proc.returncode, self.service_log.read_text()
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{self.env['PORT']}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"user-service did not answer:\n{self.service_log.read_text()}")
        assert expect_ok, f"user-service started, expected a refusal:\n{self.service_log.read_text()}"
        self.service = proc
        return 0, self.service_log.read_text()

    def stop(self):
        if self.service is None:
            return
        os.killpg(self.service.pid, signal.SIGTERM)
        try:
            self.service.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.service.pid, signal.SIGKILL)
            self.service.wait()
        self.service = None

    # ---- checks that do not come from the guide

    def sql(self, text):
        if self.dialect == "postgresql":
            cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d",
                   self.env["DATABASE_URL"], "-c", text]
        else:
            cmd = ["sqlite3", "-bail", "-batch", str(self.service_dir / "smartcourse.db"), text]
        return run(cmd).stdout.strip()

    def columns(self, table):
        if self.dialect == "postgresql":
            out = self.sql("SELECT column_name FROM information_schema.columns "
                           f"WHERE table_name = '{table}' ORDER BY 1")
        else:
            out = self.sql(f"SELECT name FROM pragma_table_info('{table}') ORDER BY 1")
        return out.splitlines()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def walk(request, tmp_path_factory):
    dialect = request.param
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JWT_SECRET_KEY", "APP_ENV", "PORT")}
    env["PORT"] = str(free_port())
    name = None
    admin = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", PG_ADMIN_URL, "-c"]
    if dialect == "postgresql":
        if not PG_ADMIN_URL:
            if SKIP_PG:
                pytest.skip("RETORT_TEST_SKIP_PG=1: PostgreSQL walkthrough skipped")
            pytest.fail("RETORT_TEST_PG_URL is not set: run through scripts/with-postgres",
                        pytrace=False)
        name = "guide_" + secrets.token_hex(6)
        run(admin + [f"CREATE DATABASE {name}"])
        env["DATABASE_URL"] = f"{PG_ADMIN_URL.rpartition('/')[0]}/{name}"
    root = tmp_path_factory.mktemp(f"guide-{dialect}")
    copy_project(root)
    w = Walk(dialect, root, env)
    try:
        w.setup()
        w.start()
        out = w.block("register").stdout
        assert '"email":"ada@example.com"' in out.replace(" ", ""), out
        yield w
    finally:
        w.stop()
        if name:
            run(admin + [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
