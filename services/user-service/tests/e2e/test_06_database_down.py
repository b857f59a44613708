"""PostgreSQL down, slow or unreachable: a worker's connect never stalls its
loop. The connect runs in the request's fiber with libpq's non-blocking
calls, so while one request waits for the database the same worker answers
others (WORKERS=1 everywhere here: one loop serves every request); fibers
that need the connection meanwhile wait for that one connect and share its
outcome, so a burst on a fresh worker makes one connection, and a database
that is down answers each of them 503 at once.

Each test runs its own throwaway PostgreSQL on a loopback TCP port (the
server of scripts/with-postgres must stay up for the other suites), stops
and restarts it, or puts a "black hole" on its port: a listener that
accepts connections and never says a word, so that libpq waits out its
connect_timeout. Ordering is asserted where it can be (which answer came
first), not durations, except that a refused connect is well under the
connect timeout.
"""
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import SKIP_PG, Database, run

UNAVAILABLE = {"detail": "Database unavailable"}


def server_bindir():
    """The server binaries, as scripts/with-postgres finds them."""
    if os.access("/usr/lib/postgresql/15/bin/initdb", os.X_OK):
        return Path("/usr/lib/postgresql/15/bin")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: [int(x) if x.isdigit() else x for x in p.split("/")])
    if not found:
        pytest.fail("no initdb under /usr/lib/postgresql/*/bin; run scripts/bootstrap",
                    pytrace=False)
    return Path(found[-1]).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnPostgres:
    """A PostgreSQL cluster of this test's own, on 127.0.0.1:port, that the
    test may stop and start (as the `postgres` user when run as root, since
    pg_ctl refuses root)."""

    def __init__(self):
        self.bindir = server_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="us-pgdown."))
        self.data = self.dir / "data"
        self.port = free_port()
        self.prefix = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root needs a `postgres` user (scripts/with-postgres "
                            "makes one)", pytrace=False)
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        os.chmod(self.dir, 0o755)
        run(self.prefix + [str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                           "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args):
        return run(self.prefix + [str(self.bindir / "pg_ctl"), "-D", str(self.data), *args])

    def start(self):
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off")
        self.pg_ctl("-l", str(self.dir / "postgres.log"), "-w", "-t", "60", "-o", opts,
                    "start")

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def sql(self, text):
        return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", self.url,
                    "-c", text]).stdout.strip()

    def service_connections(self):
        return int(self.sql("SELECT count(*) FROM pg_stat_activity "
                            "WHERE application_name = 'user-service'"))

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            run(self.prefix + [str(self.bindir / "pg_ctl"), "-D", str(self.data),
                               "-m", "immediate", "stop"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def pg():
    """Our own PostgreSQL, running and migrated to head."""
    if SKIP_PG:
        pytest.skip("RETORT_TEST_SKIP_PG=1: PostgreSQL tests skipped")
    server = OwnPostgres()
    try:
        server.start()
        Database("postgresql", server.url).retort("upgrade", "head")
        yield server
    finally:
        server.remove()


class Listener:
    """Accepts TCP connections on 127.0.0.1:port in a thread; handle(conn)
    then runs in a thread of its own per connection."""

    def __init__(self, port, handle):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.handle = handle
        self.accepted = 0
        self.conns = []
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self.conns.append(conn)
            self.accepted += 1
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def wait_accepted(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        while self.accepted < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.accepted >= n

    def close(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


def black_hole(port):
    """A listener that accepts and never answers: a server that hangs."""
    return Listener(port, lambda conn: None)


class SlowProxy:
    """Forwards 127.0.0.1:<own port> to a server; each new connection's
    first answer from the server is held for `delay` seconds (a slow
    server or network at connect; the rest flows at once)."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.delay = 0.0
        self.released = []  # when each held answer went on (time.monotonic())
        self.listener = Listener(0, self._serve)
        self.port = self.listener.port

    def _serve(self, client):
        try:
            server = socket.create_connection(("127.0.0.1", self.upstream))
        except OSError:
            client.close()
            return
        delay = self.delay
        threading.Thread(target=self._pump, args=(client, server, 0.0), daemon=True).start()
        self._pump(server, client, delay)

    def _pump(self, src, dst, delay):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if delay:
                    time.sleep(delay)
                    delay = 0.0
                    self.released.append(time.monotonic())
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self):
        self.listener.close()


class Answers:
    """Requests sent from threads; the order in which their answers arrived."""

    def __init__(self, svc):
        self.svc = svc
        self.lock = threading.Lock()
        self.done = []  # (kind, status, body, seconds, when) in arrival order
        self.threads = []

    def send(self, kind, method, path, body=None, headers=None):
        def one():
            t0 = time.monotonic()
            status, _, data = self.svc.request(method, path, body, headers)
            with self.lock:
                now = time.monotonic()
                self.done.append((kind, status, data, now - t0, now))
        t = threading.Thread(target=one)
        t.start()
        self.threads.append(t)
        return t

    def join(self, timeout=30):
        for t in self.threads:
            t.join(timeout)
        assert not any(t.is_alive() for t in self.threads), "a request never answered"
        return self.done

    def of(self, kind):
        with self.lock:
            return [d for d in self.done if d[0] == kind]


def timed(svc, method, path):
    t0 = time.monotonic()
    status, _, body = svc.request(method, path)
    return status, body, time.monotonic() - t0


def register(svc, email):
    return svc.request("POST", "/auth/register", body=json.dumps({
        "email": email, "first_name": "Ada", "last_name": "Lovelace",
        "password": "correct horse"}).encode(), headers={"Content-Type": "application/json"})


def test_database_stopped_answers_503_at_once_and_recovers(pg, start_service):
    svc = start_service(Database("postgresql", pg.url), WORKERS=1)
    assert svc.request("GET", "/ready")[0] == 200
    assert register(svc, "before@example.com")[0] == 201

    pg.stop()
    # the worker's connection saw the server go; each request tries a new
    # connect, which a closed loopback port refuses at once: far under the
    # 3 s connect timeout
    for _ in range(3):
        status, body, seconds = timed(svc, "GET", "/ready")
        assert (status, body) == (503, UNAVAILABLE)
        assert seconds < 2, seconds
        print(f"503 with the database stopped: {seconds * 1000:.1f} ms")
    status, _, body = register(svc, "during@example.com")
    assert (status, body) == (503, UNAVAILABLE)
    status, body, seconds = timed(svc, "GET", "/health")
    assert status == 200 and seconds < 2, (status, body, seconds)

    # a burst while down: every request gets its 503, none waits for another's
    answers = Answers(svc)
    for _ in range(20):
        answers.send("ready", "GET", "/ready")
    done = answers.join()
    assert len(done) == 20
    assert all((d[1], d[2]) == (503, UNAVAILABLE) for d in done), done
    assert max(d[3] for d in done) < 2, done

    pg.start()  # same port; the service was not restarted
    status, _, body = svc.request("GET", "/ready")
    assert status == 200, body
    assert register(svc, "after@example.com")[0] == 201
    assert pg.service_connections() == 1  # WORKERS=1: one connection again


def test_burst_on_a_fresh_worker_shares_one_slow_connect(pg, start_service):
    proxy = SlowProxy(pg.port)
    try:
        svc = start_service(Database("postgresql", f"postgresql://postgres@127.0.0.1:"
                                                   f"{proxy.port}/postgres"), WORKERS=1)
        # the start-up check has come and gone; the worker has no connection
        # yet, and its first one will take a second to be answered
        proxy.delay = 1.0
        answers = Answers(svc)
        for _ in range(30):
            answers.send("ready", "GET", "/ready")
        assert proxy.listener.wait_accepted(2)  # start-up check, then the worker
        answers.send("health", "GET", "/health").join(10)
        done = answers.join()
        # the health check came back while the connect's first answer was
        # still held, so while all 30 waited for it (were the connect
        # blocking the loop, it would come back only after)
        (health,) = answers.of("health")
        assert proxy.released and health[4] < proxy.released[0], (health, proxy.released)
        assert all(d[1] == 200 for d in done), done
        # the 30 waited for one connect instead of making one each, or one
        # after another (that would be 30 s)
        assert pg.service_connections() == 1
        assert proxy.listener.accepted == 2
        print(f"30 requests on a 1 s connect: slowest {max(d[3] for d in done):.2f} s")
    finally:
        proxy.close()


def test_hanging_connect_leaves_the_worker_serving(pg, start_service):
    url = f"{pg.url}?connect_timeout=2"
    svc = start_service(Database("postgresql", url), WORKERS=1)
    assert svc.request("GET", "/ready")[0] == 200
    pg.stop()
    hole = black_hole(pg.port)
    try:
        answers = Answers(svc)
        answers.send("stuck", "GET", "/ready")
        assert hole.wait_accepted(1)  # the worker is now connecting, and will hang
        # a second request for the database waits for that same connect
        answers.send("waiter", "GET", "/ready")
        # the same (only) worker still answers what needs no database
        for _ in range(3):
            answers.send("health", "GET", "/health").join(10)
        done = answers.join()
        kinds = [d[0] for d in done]
        assert kinds[:3] == ["health"] * 3, done
        assert sorted(kinds[3:]) == ["stuck", "waiter"], done
        assert all(d[1] == 200 for d in answers.of("health")), done
        for kind in ("stuck", "waiter"):
            (_, status, body, seconds, _), = answers.of(kind)
            assert (status, body) == (503, UNAVAILABLE), done
            # the fiber's own deadline (connect_timeout=2) ended the connect
            assert 1 < seconds < 10, done
            print(f"{kind}: 503 after {seconds:.2f} s")
        assert hole.accepted == 1  # the waiter shared the connect, made none
        print("health during the hang: "
              + ", ".join(f"{d[3] * 1000:.1f} ms" for d in answers.of("health")))
    finally:
        hole.close()
    pg.start()
    status, _, body = svc.request("GET", "/ready")
    assert status == 200, body


def test_stopping_while_a_connect_hangs(pg, start_service):
    # a connect_timeout longer than the test: only the loop's end stops it
    svc = start_service(Database("postgresql", f"{pg.url}?connect_timeout=60"), WORKERS=1,
                        SHUTDOWN_GRACE_SECONDS=0)
    assert svc.request("GET", "/ready")[0] == 200
    pg.stop()
    hole = black_hole(pg.port)
    try:
        answers = Answers(svc)
        answers.send("stuck", "GET", "/ready")
        assert hole.wait_accepted(1)
        answers.send("waiter", "GET", "/ready")
        answers.send("health", "GET", "/health").join(10)
        assert svc.stop() == 0, svc.log()  # no fiber left parked, nothing leaked
        done = answers.join()
        for kind in ("stuck", "waiter"):
            (_, status, body, _, _), = answers.of(kind)
            assert (status, body) == (503, UNAVAILABLE), done
    finally:
        hole.close()
