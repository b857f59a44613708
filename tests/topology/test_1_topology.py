"""The topology up and down, the service answering through haproxy, and
retort through pgbouncer in transaction pooling mode: eight concurrent
`upgrade head` apply each of 40 migrations exactly once and all exit 0."""
import json
import os
import re
import secrets
import subprocess
import urllib.request
from pathlib import Path

from conftest import BUILD

RETORT_BIN = os.environ.get("RETORT_BIN", str(BUILD / "retort" / "cli" / "retort"))
N_SCRIPTS = 40
N_PROCS = 8


def call(base, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


def psql(url, sql):
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True, timeout=60, check=True)
    return p.stdout.strip()


def test_replica_streams_from_primary(topology):
    assert psql(topology.replica_url, "SELECT pg_is_in_recovery()") == "t"
    assert psql(topology.primary_url,
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1"


def test_service_answers_through_haproxy(topology):
    base = topology.haproxy_url
    email = f"t{secrets.token_hex(4)}@example.com"
    status, _, body = call(base, "POST", "/auth/register",
                           {"email": email, "first_name": "Ada", "last_name": "Lovelace",
                            "password": "correct horse"})
    assert status == 201, body
    status, _, body = call(base, "POST", "/auth/login", {"email": email,
                                                         "password": "correct horse"})
    assert status == 200, body
    token = body["access_token"]
    # round robin: every instance answers with the others' writes
    for _ in range(2 * topology.n):
        status, _, me = call(base, "GET", "/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and me["email"] == email, me
    # the schema went in through pgbouncer
    assert psql(topology.primary_url, "SELECT count(*) FROM alembic_version") == "1"


def write_project(root, url):
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "retort.ini").write_text(
        f"[retort]\nscript_location = migrations\ndatabase_url = {url}\n")
    revs = [f"{i:02x}" + "0" * 10 for i in range(1, N_SCRIPTS + 1)]
    for i, r in enumerate(revs):
        down = revs[i - 1] if i else ""
        create = "CREATE TABLE audit (rev VARCHAR(32) NOT NULL);\n" if i == 0 else \
            f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY);\n"
        (versions / f"{r}_m{i}.sql").write_text(
            f"-- m{i}\n--\n-- Revision ID: {r}\n-- Revises:{' ' + down if down else ''}\n"
            "-- Create Date: 2026-01-01 00:00:00.000000\n\n"
            f"-- retort:upgrade\n{create}INSERT INTO audit (rev) VALUES ('{r}');\n\n"
            "-- retort:downgrade\nSELECT 1;\n")
    return revs


def test_concurrent_upgrades_through_pgbouncer_apply_each_migration_once(topology, tmp_path):
    name = "mig_" + secrets.token_hex(4)
    psql(topology.primary_url, f"CREATE DATABASE {name}")
    pooled = f"postgresql://postgres@127.0.0.1:{topology.ports['pgbouncer']}/{name}"
    revs = write_project(tmp_path, pooled)
    procs = [subprocess.Popen([RETORT_BIN, "upgrade", "head"], cwd=tmp_path, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(N_PROCS)]
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=120)
            results.append((p.returncode, err))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for status, err in results:
        assert status == 0, f"exit {status}\n{err}"
    direct = topology.primary_url.rsplit("/", 1)[0] + "/" + name
    audit = psql(direct, "SELECT rev FROM audit ORDER BY rev").split("\n")
    assert audit == revs
    running = [line for _, err in results for line in err.splitlines()
               if re.search(r"Running upgrade", line)]
    assert len(running) == N_SCRIPTS, running
    assert psql(direct, "SELECT version_num FROM retort_version") == revs[-1]
    # no advisory lock left behind on a pooled server connection
    assert psql(direct, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == "0"


def test_sigterm_turns_ready_503_before_the_listener_closes(topology):
    """DRAIN_SECONDS=1: the instance still answers, /ready with 503, then stops;
    haproxy keeps answering through the others; the instance comes back."""
    import signal
    import time
    proc = topology.procs["service-1"]
    url = topology.instance_url(1)
    proc.send_signal(signal.SIGTERM)
    statuses = []
    deadline = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/ready", timeout=2) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
        except OSError:
            break
        status, _, body = call(topology.haproxy_url, "GET", "/health")
        assert status == 200, body
        time.sleep(0.05)
    assert proc.wait(timeout=30) == 0
    assert 503 in statuses, statuses
    topology.procs.pop("service-1")
    topology.start_instance(1)
    with urllib.request.urlopen(url + "/ready", timeout=5) as r:
        assert r.status == 200


def replica_commits(topology):
    """Transactions the replica ran in the service's database (asked from
    another database, so the asking does not count)."""
    other = topology.replica_url.rsplit("/", 1)[0] + "/postgres"
    return int(psql(other, "SELECT xact_commit FROM pg_stat_database WHERE datname = 'app'"))


def test_reads_after_own_writes_through_the_replica_path(topology):
    """DATABASE_READ_URL: GET /profile right after each PUT /profile (through
    haproxy, so usually on another instance) sees the write; the replica
    serves reads; with the replica stopped reads go to the primary."""
    import time
    base = topology.haproxy_url
    email = f"r{secrets.token_hex(4)}@example.com"
    call(base, "POST", "/auth/register", {"email": email, "first_name": "Ada",
                                          "last_name": "Lovelace", "password": "correct horse"})
    token = call(base, "POST", "/auth/login", {"email": email,
                                               "password": "correct horse"})[2]["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    before = replica_commits(topology)
    for i in range(20):
        name = f"Ada{i}"
        status, _, body = call(base, "PUT", "/profile/", {"first_name": name}, headers=auth)
        assert status == 200, body
        status, _, body = call(base, "GET", "/profile/", headers=auth)
        assert status == 200 and body["first_name"] == name, (i, body)
    # the standby's statistics reach its view within about a second
    deadline = time.monotonic() + 10
    while replica_commits(topology) - before < 20 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert replica_commits(topology) - before >= 20

    topology.stop_replica()
    try:
        for _ in range(2 * topology.n):
            status, _, me = call(base, "GET", "/auth/me", headers=auth)
            assert status == 200 and me["email"] == email, me
    finally:
        topology.start_replica()
