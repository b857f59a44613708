"""The body-size limit: 413 from the declared length and from a chunked
upload that grows past it; bodies under the limit reach routing. The
header block: 12 KiB of headers is served, one past the connection's
16 KiB gets a 431 and the service goes on serving."""
import json
import socket


def test_declared_length_over_limit_413(migrated, start_service):
    svc = start_service(migrated, MAX_BODY_BYTES=1024)
    status, _, body = svc.request("POST", "/health", body=b"x" * 2048)
    assert (status, body) == (413, {"detail": "Request Entity Too Large"})


def test_chunked_over_limit_413(migrated, start_service):
    svc = start_service(migrated, MAX_BODY_BYTES=1024)
    conn = svc.connection()
    try:
        conn.request("POST", "/health", body=(b"y" * 512 for _ in range(8)),
                     encode_chunked=True)  # no Content-Length: only the bytes tell
        resp = conn.getresponse()
        status, body = resp.status, json.loads(resp.read())
    finally:
        conn.close()
    assert (status, body) == (413, {"detail": "Request Entity Too Large"})


def test_under_limit_is_routed(migrated, start_service):
    svc = start_service(migrated, MAX_BODY_BYTES=1024)
    assert svc.request("POST", "/health", body=b"z" * 1000)[0] == 405
    assert svc.request("POST", "/nowhere", body=b"z" * 1000)[0] == 404


def test_large_header_block_is_served(service):
    headers = {f"X-Filler-{i}": "f" * 4000 for i in range(3)}
    status, _, body = service.request("GET", "/health", headers=headers)
    assert (status, body) == (200, {"status": "ok", "service": "user-service", "dependencies": {"database": "ok"}})


def test_header_block_over_the_connection_memory_431(service):
    status, _, _ = service.request("GET", "/health", headers={"X-Filler": "f" * 40000})
    assert status == 431
    assert service.request("GET", "/health")[0] == 200


def test_idle_connection_closed_after_timeout(migrated, start_service):
    svc = start_service(migrated, REQUEST_TIMEOUT_SECONDS=1)
    with socket.create_connection(("127.0.0.1", svc.port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
        assert s.recv(1024) == b""  # the server hung up
