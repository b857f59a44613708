"""What the per-worker fibers promise (docs/design-concurrency.md), on one
worker so that every request shares its loop and its database connection:
transactions of concurrent requests take turns on the pipelined connection
(each commits whole, none sees another's half), and requests parked at a
stop (waiting for a hash or the database) finish before the process exits."""
import json
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

PASSWORD = "correct horse"


def post(svc, path, payload, headers=None):
    return svc.request("POST", path, body=json.dumps(payload).encode(),
                       headers={"Content-Type": "application/json", **(headers or {})})


def register(svc, i, role="student"):
    return post(svc, "/auth/register", {
        "email": f"user{i}@example.com", "first_name": f"First{i}", "last_name": "Last",
        "password": PASSWORD, "role": role})


def test_concurrent_transactions_take_turns(migrated, start_service):
    # register = BEGIN; INSERT user; INSERT profile; COMMIT, 24 at once on one
    # connection, with duplicates of each email racing to the unique index
    svc = start_service(migrated, WORKERS=1, HASH_THREADS=2)
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda i: register(svc, i % 12,
                                                   "instructor" if i % 3 else "student"),
                                range(24)))
    statuses = sorted(a[0] for a in answers)
    assert statuses == [201] * 12 + [400] * 12, statuses
    # every committed user has exactly its one profile; no half-made user
    assert migrated.sql("SELECT count(*) FROM users") == "12"
    orphans = migrated.sql(
        "SELECT count(*) FROM users u WHERE "
        "(SELECT count(*) FROM student_profiles s WHERE s.user_id = u.id) + "
        "(SELECT count(*) FROM instructor_profiles p WHERE p.user_id = u.id) <> 1")
    assert orphans == "0"
    ids = {a[2]["id"] for a in answers if a[0] == 201}
    assert len(ids) == 12


def test_parked_requests_finish_at_a_stop(migrated, start_service):
    svc = start_service(migrated, WORKERS=1, HASH_THREADS=1)
    for i in range(6):
        assert register(svc, i)[0] == 201
    socks = []
    for i in range(6):
        body = json.dumps({"email": f"user{i}@example.com", "password": PASSWORD}).encode()
        s = socket.create_connection(("127.0.0.1", svc.port), timeout=60)
        s.sendall(b"POST /auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                  % (len(body), body))
        socks.append(s)
    time.sleep(0.3)  # accepted and read; their hashes queue behind one thread
    svc.proc.send_signal(signal.SIGTERM)
    replies = []
    for s in socks:
        with s:
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
            replies.append(reply)
    assert svc.proc.wait(timeout=60) == 0, svc.log()
    assert all(r.startswith(b"HTTP/1.1 200") for r in replies), replies
    # some were still waiting for their hash when the stop came
    log = svc.log()
    stop = log.index("SIGTERM received")
    assert "POST /auth/login 200" in log[stop:], log[-3000:]
