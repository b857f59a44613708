"""Fixtures for the user-service end-to-end tests.

Each test drives the real `user-service` binary (USER_SERVICE_BIN) over real
HTTP, against a fresh database per test: an SQLite file, and a database on
the PostgreSQL server named by RETORT_TEST_PG_URL (scripts/with-postgres
provides one; RETORT_TEST_SKIP_PG=1 skips that half). The schema is created
the way users create it: the real `retort` binary (RETORT_BIN) running
`retort -c services/user-service/retort.ini --url URL upgrade head`.

The service is started with PORT=0 and the test reads the port it bound
from its "listening on" log line, so parallel runs never race for a port.
"""
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest

SERVICE_DIR = Path(__file__).resolve().parents[2]
REPO = SERVICE_DIR.parents[1]
BUILD = Path(os.environ.get("BUILD_DIR", REPO / "build-test"))
SERVICE_BIN = os.environ.get("USER_SERVICE_BIN",
                             str(BUILD / "services" / "user-service" / "user-service"))
RETORT_BIN = os.environ.get("RETORT_BIN", str(BUILD / "retort" / "cli" / "retort"))
RETORT_INI = SERVICE_DIR / "retort.ini"
PG_ADMIN_URL = os.environ.get("RETORT_TEST_PG_URL", "")
SKIP_PG = os.environ.get("RETORT_TEST_SKIP_PG") == "1"

START_TIMEOUT = 30  # seconds; the test build runs under the sanitizers
FIRST_REVISION = "c2b2bb744ef6"
HEAD_REVISION = "8117412dc82c"
SECRET = "e2e-" + "x" * 40


def run(cmd, check=True, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


class Database:
    def __init__(self, dialect, url, path=None):
        self.dialect = dialect
        self.url = url
        self.path = path

    def sql(self, text):
        if self.dialect == "postgresql":
            cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", self.url, "-c", text]
        else:
            cmd = ["sqlite3", "-bail", "-batch", str(self.path), text]
        return run(cmd).stdout.strip()

    def retort(self, *args, check=True):
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        return run([RETORT_BIN, "-c", str(RETORT_INI), "--url", self.url, *args],
                   check=check, env=env)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A fresh, empty database of each dialect."""
    if request.param == "sqlite":
        path = tmp_path / "smartcourse.db"
        yield Database("sqlite", f"sqlite:///{path}", path)
        return
    if not PG_ADMIN_URL:
        if SKIP_PG:
            pytest.skip("RETORT_TEST_SKIP_PG=1: PostgreSQL tests skipped")
        pytest.fail("RETORT_TEST_PG_URL is not set: run through scripts/with-postgres "
                    "(or set RETORT_TEST_SKIP_PG=1)", pytrace=False)
    name = "us_" + secrets.token_hex(6)
    admin = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", PG_ADMIN_URL, "-c"]
    run(admin + [f"CREATE DATABASE {name}"])
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    try:
        yield Database("postgresql", f"{base}/{name}")
    finally:
        run(admin + [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


@pytest.fixture
def migrated(db):
    """The database at head, created by the real retort binary."""
    db.retort("upgrade", "head")
    return db


class Service:
    """A running user-service process and an HTTP client for it."""

    def __init__(self, proc, log_path):
        self.proc = proc
        self.log_path = log_path
        self.port = None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_log(self, text, timeout=10):
        """The log once it contains text (a request's line is written when
        the response has been sent, so just after the client has it)."""
        deadline = time.monotonic() + timeout
        while text not in self.log() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.log()

    def wait_listening(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            m = re.search(r"listening on http://[^:]+:(\d+)", self.log())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"service exited {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"service did not start:\n{self.log()}")

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        """(status, headers dict with lowercase names, parsed JSON or raw bytes)"""
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw
        return resp.status, hdrs, data

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


def service_env(db_url, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JWT_SECRET_KEY", "APP_ENV", "PORT", "HOST")}
    env.update({"DATABASE_URL": db_url, "JWT_SECRET_KEY": SECRET, "PORT": "0",
                "HOST": "127.0.0.1", "WORKERS": "2", "LOG_FORMAT": "text",
                # the sanitizers must not turn a leak report into a flaky exit status
                "ASAN_OPTIONS": env.get("ASAN_OPTIONS", "detect_leaks=1")})
    for k, v in extra.items():  # None removes a setting
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


@pytest.fixture
def start_service(tmp_path):
    """start_service(db, **env) -> Service, listening. Stopped at teardown."""
    started = []

    def start(database, wait=True, **extra):
        log_path = tmp_path / f"service-{len(started)}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([SERVICE_BIN], cwd=tmp_path, stdout=log, stderr=log,
                                    env=service_env(database.url, **extra))
        svc = Service(proc, log_path)
        started.append(svc)
        if wait:
            svc.wait_listening()
        return svc

    yield start
    for svc in started:
        if svc.proc.poll() is None:
            svc.proc.kill()
            svc.proc.wait(timeout=20)


@pytest.fixture
def service(migrated, start_service):
    return start_service(migrated)
