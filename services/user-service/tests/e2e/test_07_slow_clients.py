"""Slow clients: a client that has not sent its request's headers within
HEADER_TIMEOUT_SECONDS is closed even while it trickles bytes (the idle
timeout alone would never cut it); one that stalls or trickles in its body
is closed REQUEST_TIMEOUT_SECONDS after its headers (logged as 408); 500
slowloris sockets do not keep normal requests from being answered, and are
closed by the header timeout; MAX_CONNECTIONS bounds the sockets held, and
clients past it wait their turn; a descriptor limit too low for
MAX_CONNECTIONS is reported at start-up with the numbers and the fix.

The database plays no part: SQLite only. Timings are asserted only within
generous bounds (closed within 3x the timeout)."""
import json
import os
import re
import resource
import select
import socket
import subprocess
import time

import pytest

from conftest import SERVICE_BIN, Database, Service, service_env

PASSWORD = "correct horse"


@pytest.fixture
def sqlite_db(tmp_path):
    db = Database("sqlite", f"sqlite:///{tmp_path / 'smartcourse.db'}",
                  tmp_path / "smartcourse.db")
    db.retort("upgrade", "head")
    return db


def closed_by_peer(sock):
    """True when the server has closed sock (EOF or reset); never blocks."""
    timeout = sock.gettimeout()
    sock.settimeout(0)  # with a timeout, recv would wait for it
    try:
        return sock.recv(1024) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.settimeout(timeout)


def trickle_until_closed(sock, limit_s, every_s=0.5):
    """Sends a byte every every_s until the server closes sock; returns the
    seconds that took, or None after limit_s."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if select.select([sock], [], [], every_s)[0] and closed_by_peer(sock):
            return time.monotonic() - start
        try:
            sock.send(b"a")
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start
    return None


def assert_clean(svc):
    assert svc.stop() == 0, svc.log()
    log = svc.log()
    assert "Sanitizer" not in log and "runtime error" not in log, log


def test_headers_trickled_a_byte_at_a_time_are_cut(sqlite_db, start_service):
    svc = start_service(sqlite_db, HEADER_TIMEOUT_SECONDS=2)
    with socket.create_connection(("127.0.0.1", svc.port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        took = trickle_until_closed(s, limit_s=3 * 2)
    assert took is not None, "a trickling client kept its connection past 3x HEADER_TIMEOUT"
    assert took > 1, took  # the header timeout, not something sooner
    assert svc.request("GET", "/health")[0] == 200
    assert_clean(svc)


def test_body_stalled_or_trickled_is_cut_after_the_request_timeout(sqlite_db, start_service):
    svc = start_service(sqlite_db, HEADER_TIMEOUT_SECONDS=2, REQUEST_TIMEOUT_SECONDS=3)
    head = (b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{\"email\":")
    # stalled: nothing after the first bytes of the body
    with socket.create_connection(("127.0.0.1", svc.port), timeout=3 * 3) as s:
        s.sendall(head)
        start = time.monotonic()
        try:
            assert s.recv(1024) == b""
        except ConnectionResetError:
            pass
        assert time.monotonic() - start < 3 * 3
    # trickled: a byte every half second keeps the idle timeout from firing,
    # the bound on the whole body does not
    with socket.create_connection(("127.0.0.1", svc.port), timeout=10) as s:
        s.sendall(head)
        took = trickle_until_closed(s, limit_s=3 * 3)
    assert took is not None, "a trickled body kept its connection past 3x REQUEST_TIMEOUT"
    assert took > 2, took
    assert " POST /auth/login 408 " in svc.wait_log(" POST /auth/login 408 ")
    assert svc.request("GET", "/health")[0] == 200
    assert_clean(svc)


def raise_own_descriptor_limit(at_least):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < at_least:
        target = at_least if hard == resource.RLIM_INFINITY else min(at_least, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < at_least:
            pytest.skip(f"the descriptor limit ({hard}) cannot hold the test's sockets")


def test_500_slowloris_sockets_do_not_stop_normal_clients(sqlite_db, start_service):
    header_timeout = 6
    raise_own_descriptor_limit(1200)
    svc = start_service(sqlite_db, HEADER_TIMEOUT_SECONDS=header_timeout)
    status, _, _ = svc.request("POST", "/auth/register", body=json.dumps({
        "email": "slow@example.com", "first_name": "Ada", "last_name": "Lovelace",
        "password": PASSWORD}).encode(), headers={"Content-Type": "application/json"})
    assert status == 201
    status, _, tokens = svc.request("POST", "/auth/login", body=json.dumps({
        "email": "slow@example.com", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    assert status == 200, tokens
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}

    slow = []
    try:
        opened = time.monotonic()
        for _ in range(500):
            s = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
            slow.append(s)
            s.sendall(b"GET /hea")  # a partial request line, never finished
        statuses = [svc.request("GET", "/health")[0] for _ in range(50)]
        statuses += [svc.request("GET", "/auth/me", headers=bearer)[0] for _ in range(5)]
        answered = time.monotonic() - opened
        assert statuses == [200] * 55
        if answered < header_timeout - 1:  # so they were answered while all were open
            assert not any(closed_by_peer(s) for s in slow)

        open_ = set(slow)
        while open_ and time.monotonic() - opened < 3 * header_timeout:
            ready, _, _ = select.select(list(open_), [], [], 0.5)
            open_ -= {s for s in ready if closed_by_peer(s)}
        assert not open_, f"{len(open_)} of 500 slow sockets still open after " \
                          f"{3 * header_timeout}s"
    finally:
        for s in slow:
            s.close()
    assert svc.request("GET", "/health")[0] == 200
    assert_clean(svc)


def test_connection_limit_holds_descriptors_and_clients_wait_their_turn(sqlite_db,
                                                                         start_service):
    """With MAX_CONNECTIONS=100 (50 per worker) and 300 slow sockets: the
    service holds about 100 client sockets; the rest, and a normal client,
    wait in the listening sockets' backlogs and are taken in batches as the
    header timeout frees room (a worker at its limit must wake for that)."""
    raise_own_descriptor_limit(700)
    svc = start_service(sqlite_db, WORKERS=2, MAX_CONNECTIONS=100, HEADER_TIMEOUT_SECONDS=2)
    slow = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
            slow.append(s)
            s.sendall(b"GET /hea")
        time.sleep(0.5)
        held = len(os.listdir(f"/proc/{svc.proc.pid}/fd"))
        assert held < 100 + 50, held  # its own descriptors besides the 100
        start = time.monotonic()
        assert svc.request("GET", "/health")[0] == 200
        # about three batches of 2 s ahead of it in the busier worker; 3x that
        assert time.monotonic() - start < 3 * 4 * 2
    finally:
        for s in slow:
            s.close()
    assert_clean(svc)


def test_descriptor_limit_too_low_is_reported_at_start(sqlite_db, tmp_path):
    log_path = tmp_path / "service-lowfd.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [SERVICE_BIN], cwd=tmp_path, stdout=log, stderr=log,
            env=service_env(sqlite_db.url, WORKERS=2, MAX_CONNECTIONS=1000),
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64)))
    svc = Service(proc, log_path)
    try:
        svc.wait_listening()
        log = svc.log()
        m = re.search(r"WARNING the descriptor limit \(RLIMIT_NOFILE\) is 64 but "
                      r"MAX_CONNECTIONS=1000 with 2 workers needs (\d+): accepting at most "
                      r"(\d+) connections at once", log)
        assert m, log
        need, allowed = int(m.group(1)), int(m.group(2))
        assert need > 1000 and 2 <= allowed < 64
        assert f"ulimit -n {need}" in log and f"LimitNOFILE={need}" in log
        assert svc.request("GET", "/health")[0] == 200  # it still serves
        assert_clean(svc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)


def test_no_warning_when_the_limit_is_enough(sqlite_db, start_service):
    svc = start_service(sqlite_db, MAX_CONNECTIONS=100)
    assert "descriptor limit" not in svc.log()
    assert_clean(svc)


@pytest.mark.parametrize("setting,value", [("HEADER_TIMEOUT_SECONDS", "0"),
                                           ("MAX_CONNECTIONS", "0"),
                                           ("HEADER_TIMEOUT_SECONDS", "10s")])
def test_bad_settings_refused_at_start(sqlite_db, start_service, setting, value):
    svc = start_service(sqlite_db, wait=False, **{setting: value})
    assert svc.proc.wait(timeout=30) == 1
    assert f"{setting} must be an integer" in svc.log()

