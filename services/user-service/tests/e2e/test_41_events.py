"""User events through the transactional outbox, delivered to Kafka (docs/api.md,
"Events"), on both databases. The broker is librdkafka's own mock cluster in
the test-only helper kafka-mock (tests/tools/kafka_mock.c): no Kafka server,
and the tests can take its broker down and read the topic back.

Cases: the events of register, login and a profile update, exactly and in
order; a broker down during registrations (requests all succeed, every
event arrives once it is back, duplicates only with the same event_id); a
SIGKILL with events pending (delivered after the restart); SIGTERM flushing
what is left; two service processes on one database; no broker at all (the
retention limit and its warning).
"""
import json
import re
import signal
import subprocess
import time

import pytest

from conftest import BUILD

MOCK_BIN = str(BUILD / "services" / "user-service" / "kafka-mock")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
PASSWORD = "correct horse"


class Kafka:
    """The kafka-mock helper: one command line in, its answer lines out."""

    def __init__(self):
        self.proc = subprocess.Popen([MOCK_BIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
        first = self.proc.stdout.readline().split()
        assert first and first[0] == "bootstrap", first
        self.bootstrap = first[1]

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer == "ok", answer

    def messages(self, topic="user.events"):
        """Every message of topic: dicts with partition, offset, key and the
        value parsed as JSON."""
        self.proc.stdin.write(f"consume {topic}\n")
        self.proc.stdin.flush()
        out = []
        while True:
            line = self.proc.stdout.readline()
            assert line, "kafka-mock ended"
            if line.startswith("end "):
                assert int(line.split()[1]) == len(out)
                return out
            assert line.startswith("{"), line
            m = json.loads(line)
            m["value"] = json.loads(m["value"])
            out.append(m)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=20)


@pytest.fixture
def kafka():
    k = Kafka()
    yield k
    k.close()


def relay_env(kafka, **extra):
    # a broker back up is found again within a second (librdkafka's
    # reconnect.backoff.max.ms, passed through as a KAFKA_ setting)
    return {"KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap, "OUTBOX_POLL_INTERVAL_MS": "20",
            "OUTBOX_CHECK_SECONDS": "1", "KAFKA_RECONNECT_BACKOFF_MAX_MS": "1000", **extra}


def call(svc, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, _, data = svc.request(method, path, body=json.dumps(body).encode(), headers=headers)
    return status, data


def register(svc, email, first="Ada", last="Lovelace"):
    status, user = call(svc, "POST", "/auth/register", {
        "email": email, "password": PASSWORD, "first_name": first, "last_name": last})
    assert status == 201, user
    return user


def backlog(db):
    return int(db.sql("SELECT COUNT(*) FROM outbox_events"))


def wait_empty(db, timeout=60):
    deadline = time.monotonic() + timeout
    while backlog(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert backlog(db) == 0, "the outbox was not emptied"


def wait_gauge(svc, value, timeout=10):
    """True once /metrics shows user_service_outbox_backlog at value (the
    relay counts every OUTBOX_CHECK_SECONDS=1)."""
    line = f"\nuser_service_outbox_backlog {value}\n".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, text = svc.request("GET", "/metrics")
        if status == 200 and b"# TYPE user_service_outbox_backlog gauge" in text and line in text:
            return True
        time.sleep(0.2)
    return False


def by_event(messages):
    """event_id -> its messages; a duplicate must be the same message."""
    seen = {}
    for m in messages:
        seen.setdefault(m["value"]["event_id"], []).append(m)
    for copies in seen.values():
        assert all(c["value"] == copies[0]["value"] and c["key"] == copies[0]["key"]
                   for c in copies), copies
    return seen


def test_register_login_profile_events_in_order(migrated, start_service, kafka):
    svc = start_service(migrated, **relay_env(kafka))
    user = register(svc, "Ada@Example.com")
    assert call(svc, "POST", "/auth/login", {"email": "ada@example.com",
                                             "password": "wrong horse"})[0] == 401
    status, tokens = call(svc, "POST", "/auth/login", {"email": "ada@example.com",
                                                       "password": PASSWORD})
    assert status == 200, tokens
    token = tokens["access_token"]
    assert call(svc, "PUT", "/profile/", {}, token)[0] == 200  # nothing sent: no event
    status, body = call(svc, "PUT", "/profile/", {"phone_number": "+15550001111",
                                                  "first_name": "Augusta"}, token)
    assert status == 200, body
    wait_empty(migrated)

    got = kafka.messages()
    uid = user["id"]
    assert [m["key"] for m in got] == [uid] * 3
    assert len({m["partition"] for m in got}) == 1  # one key, one partition: in order
    values = [m["value"] for m in got]
    assert [v["event_type"] for v in values] == ["user.registered", "user.login",
                                                 "user.profile_updated"]
    assert [v["payload"] for v in values] == [
        # as stored: the domain lowercased, the local part as typed
        {"user_id": uid, "email": "Ada@example.com", "first_name": "Ada",
         "last_name": "Lovelace"},
        {"user_id": uid, "email": "Ada@example.com"},
        {"user_id": uid, "fields_changed": ["first_name", "phone_number"]},
    ]
    for v in values:
        assert list(v) == ["event_id", "event_type", "timestamp", "payload"]
        assert UUID.match(v["event_id"]) and TIME.match(v["timestamp"]), v
    assert len({v["event_id"] for v in values}) == 3
    assert [m["offset"] for m in got] == [0, 1, 2]
    assert migrated.retort("check").returncode == 0  # models/ describe the outbox too


def sqlite_only(db):
    """For cases about the relay alone, whatever the database: one run is enough."""
    if db.dialect != "sqlite":
        pytest.skip("the same on every database; run on SQLite")


def test_kafka_settings_reach_librdkafka(migrated, start_service, kafka):
    sqlite_only(migrated)
    svc = start_service(migrated, wait=False, **relay_env(kafka, KAFKA_NO_SUCH_PROPERTY="1"))
    assert svc.proc.wait(timeout=30) == 1
    assert "kafka setting no.such.property" in svc.log()


def test_broker_down_requests_succeed_events_follow(migrated, start_service, kafka):
    svc = start_service(migrated, **relay_env(kafka))
    first = register(svc, "first@example.com")
    wait_empty(migrated)
    kafka.command("down 1")
    users = []
    for i in range(4):
        started = time.monotonic()
        users.append(register(svc, f"down{i}@example.com"))
        # the same time a register takes with the broker up (a hash under the
        # sanitizers): the request only writes a row
        assert time.monotonic() - started < 10
    assert backlog(migrated) == 4  # held back, not lost
    assert wait_gauge(svc, 4)  # and visible in /metrics
    kafka.command("up 1")
    kafka.command("errors 2 7")  # and two produce requests time out: retried
    wait_empty(migrated)

    seen = by_event(kafka.messages())
    registered = {m[0]["value"]["payload"]["user_id"] for m in seen.values()}
    assert registered == {u["id"] for u in [first] + users}
    assert len(seen) == 5
    assert "outbox relay" in svc.log()
    assert wait_gauge(svc, 0)  # counted again after the broker came back


def test_sigkill_with_events_pending_delivered_after_restart(migrated, start_service, kafka):
    svc = start_service(migrated, **relay_env(kafka))
    kafka.command("down 1")
    users = [register(svc, f"kill{i}@example.com") for i in range(3)]
    svc.stop(signal.SIGKILL)
    assert backlog(migrated) == 3
    kafka.command("up 1")
    start_service(migrated, **relay_env(kafka))
    wait_empty(migrated)
    seen = by_event(kafka.messages())
    assert {m[0]["key"] for m in seen.values()} == {u["id"] for u in users}
    assert len(seen) == 3


def test_sigterm_sends_what_is_left(migrated, start_service, kafka):
    # a long poll interval: the events wait in the outbox until the stop
    svc = start_service(migrated, **relay_env(kafka, OUTBOX_POLL_INTERVAL_MS="60000"))
    svc.wait_log("outbox relay: this process sends")
    time.sleep(0.5)  # past the first round
    users = [register(svc, f"term{i}@example.com") for i in range(2)]
    assert backlog(migrated) == 2
    assert svc.stop(signal.SIGTERM) == 0
    assert backlog(migrated) == 0
    assert {m["key"] for m in kafka.messages()} == {u["id"] for u in users}


def test_sigterm_with_broker_down_keeps_events(migrated, start_service, kafka):
    sqlite_only(migrated)
    svc = start_service(migrated, **relay_env(kafka, SHUTDOWN_GRACE_SECONDS="1"))
    kafka.command("down 1")
    register(svc, "kept@example.com")
    started = time.monotonic()
    assert svc.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 15  # the grace period, not the broker, decides
    assert backlog(migrated) == 1


def test_two_processes_one_database(migrated, start_service, kafka):
    """PostgreSQL: one relay holds the advisory lock, so each event goes once;
    when it dies, the other takes over. SQLite has no such lock (one process
    per database file): both relays may send a row, so duplicates are
    possible there, always with the same event_id."""
    a = start_service(migrated, **relay_env(kafka))
    b = start_service(migrated, **relay_env(kafka))
    users = [register(svc, f"two{i}@example.com") for i, svc in enumerate([a, b, a, b])]
    wait_empty(migrated)
    seen = by_event(kafka.messages())
    assert {m[0]["key"] for m in seen.values()} == {u["id"] for u in users}
    assert len(seen) == 4
    senders = [s for s in (a, b) if "this process sends" in s.log()]
    if migrated.dialect == "postgresql":
        assert len(senders) == 1
        assert all(len(copies) == 1 for copies in seen.values())
        other = b if senders[0] is a else a
        senders[0].stop(signal.SIGKILL)  # its session ends, and the lock with it
        late = register(other, "late@example.com")
        wait_empty(migrated)
        assert "this process sends" in other.log()
        seen = by_event(kafka.messages())
        assert late["id"] in {m[0]["key"] for m in seen.values()}
        assert all(len(copies) == 1 for copies in seen.values())


def test_without_kafka_events_kept_up_to_retention(migrated, start_service):
    svc = start_service(migrated, KAFKA_BOOTSTRAP_SERVERS=None, OUTBOX_RETENTION="2")
    assert "KAFKA_BOOTSTRAP_SERVERS is not set" in svc.log()
    users = [register(svc, f"nok{i}@example.com") for i in range(3)]
    assert "over the retention limit" in svc.wait_log("over the retention limit")
    assert backlog(migrated) == 2
    kept = migrated.sql("SELECT event_key FROM outbox_events ORDER BY seq").split()
    assert kept == [u["id"] for u in users[1:]]  # the oldest went first
    assert svc.stop() == 0
