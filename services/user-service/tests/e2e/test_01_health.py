"""GET /health and /ready, FastAPI's 404/405 shapes, trailing slashes,
request ids."""
from conftest import HEAD_REVISION


def test_health_exact_body(service):
    status, headers, body = service.request("GET", "/health")
    assert status == 200
    assert body == {"status": "ok", "service": "user-service", "dependencies": {"database": "ok"}}
    assert headers["content-type"] == "application/json"


def test_health_trailing_slash(service):
    assert service.request("GET", "/health/")[0] == 200
    assert service.request("GET", "/health//")[0] == 200


def test_ready_at_head(service):
    status, _, body = service.request("GET", "/ready")
    assert status == 200, body
    assert body == {"status": "ready", "revision": HEAD_REVISION}


def test_unknown_path_404(service):
    status, _, body = service.request("GET", "/no/such/path")
    assert (status, body) == (404, {"detail": "Not Found"})
    assert service.request("GET", "/healthz")[0] == 404


def test_wrong_method_405(service):
    status, headers, body = service.request("POST", "/health", body=b"{}")
    assert (status, body) == (405, {"detail": "Method Not Allowed"})
    assert headers["allow"] == "GET"
    assert service.request("DELETE", "/ready/")[0] == 405


def test_request_id_kept_or_made(service):
    _, headers, _ = service.request("GET", "/health", headers={"X-Request-ID": "abc-123"})
    assert headers["x-request-id"] == "abc-123"
    _, headers, _ = service.request("GET", "/health", headers={"X-Request-ID": "bad id\x01"})
    assert len(headers["x-request-id"]) == 32 and headers["x-request-id"] != "bad id"
    assert "rid=abc-123" in service.wait_log("rid=abc-123")


def test_one_log_line_per_request(service):
    service.request("GET", "/health/")
    service.request("GET", "/nope")
    service.wait_log(" GET /health 200 ")  # each line is written by its own worker
    lines = [line for line in service.wait_log(" GET /nope 404 ").splitlines() if " GET /" in line]
    assert any(" GET /health 200 " in line for line in lines), lines
    assert any(" GET /nope 404 " in line for line in lines), lines


def test_json_log_format(migrated, start_service):
    import json
    svc = start_service(migrated, LOG_FORMAT="json")
    svc.request("GET", "/health")
    log = svc.wait_log('"path":"/health"')
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [r for r in records if r.get("path") == "/health"]
    assert access and access[0]["status"] == 200 and access[0]["method"] == "GET"
    assert set(access[0]) >= {"ts", "duration_ms", "request_id"}


def test_keep_alive_serves_several_requests(service):
    conn = service.connection()
    try:
        for _ in range(3):
            conn.request("GET", "/health")
            resp = conn.getresponse()
            assert resp.status == 200
            resp.read()
    finally:
        conn.close()
