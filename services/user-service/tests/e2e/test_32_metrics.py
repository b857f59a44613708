"""GET /metrics (Prometheus' text format 0.0.4), METRICS_ADDR, and /health's
dependencies.

The output is checked by the real tools: `promtool check metrics` (Debian's
`prometheus` package) accepts it, and a real Prometheus server, started here
on a free loopback port with a throwaway config and data directory (scrape
every second), scrapes the service and answers the request counter through
its HTTP API. Counters are read back from the text: they move by route
template and status class as requests are made, a path no route matches
never becomes a label of its own, and every histogram is cumulative with
its _count equal to the counter.

/health keeps the Python service's shape ({"status", "service"}) and adds
"dependencies": {"database": "ok" or the reason}, with the database up and
down, on SQLite (the file taken away before the worker opened it) and on a
PostgreSQL server of the test's own that it stops (test_06's fixture).
"""
import http.client
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from conftest import HEAD_REVISION, Database
from test_06_database_down import free_port, pg  # noqa: F401 (a fixture)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
P = "user_service_"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found: install Debian's prometheus package "
                    "(scripts/bootstrap)", pytrace=False)
    return path


def parse(text):
    """{(name, frozenset(labels)): value} of every sample."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, line
        labels = frozenset(LABEL.findall(m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests_of(samples, **labels):
    return value(samples, P + "http_requests_total", **labels)


def scrape(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        body = resp.read().decode()
        return resp.status, resp.getheader("Content-Type"), body
    finally:
        conn.close()


def metrics(svc, port=None):
    """The text once every request before it is counted: a request counts
    when its answer has left, a moment after the client has it, so wait
    until the only request in flight is the scrape itself (none when it
    comes in on METRICS_ADDR's port, whose requests are not the API's)."""
    deadline = time.monotonic() + 10
    while True:
        status, ctype, body = scrape(port or svc.port)
        assert status == 200, body
        assert ctype == CONTENT_TYPE
        settled = 0 if port else 1
        if value(parse(body), P + "http_requests_in_flight") == settled or \
                time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def metrics_port(svc):
    log = svc.wait_log("metrics on http://")
    m = re.search(r"metrics on http://[^:]+:(\d+)/metrics", log)
    assert m, log
    return int(m.group(1))


def test_promtool_accepts_the_output(service):
    service.request("GET", "/health")
    service.request("GET", "/no/such/path")
    service.request("POST", "/auth/login", body=b"{}")
    text = metrics(service)
    proc = subprocess.run([tool("promtool"), "check", "metrics"], input=text, text=True,
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    samples = parse(text)
    # the figures every scrape carries
    for name in ("build_info", "schema_info", "http_requests_in_flight", "db_connects_total",
                 "db_reconnects_total", "password_hashes_in_flight", "password_hashes_queued"):
        assert any(n == P + name for n, _ in samples), name
    for name in ("process_resident_memory_bytes", "process_open_fds",
                 "process_start_time_seconds", "process_cpu_seconds_total"):
        assert value(samples, name) > 0, name
    assert abs(value(samples, "process_start_time_seconds") - time.time()) < 600
    (info,) = [dict(lb) for n, lb in samples if n == P + "build_info"]
    assert info["version"] and re.fullmatch(r"[0-9a-f]{7,40}(-dirty)?|unknown", info["revision"])
    assert value(samples, P + "schema_info", revision=HEAD_REVISION) == 1
    # the scrape itself is in flight while it renders
    assert value(samples, P + "http_requests_in_flight") >= 1


def test_counters_move_by_route_template_and_status_class(service):
    before = parse(metrics(service))
    for _ in range(3):
        assert service.request("GET", "/health")[0] == 200
    for _ in range(2):  # 401 without a token, under the template, never the path
        assert service.request("DELETE", f"/enrollments/{uuid.uuid4()}")[0] == 401
    for i in range(4):  # four paths no route matches: one label for them all
        assert service.request("GET", f"/nope-{uuid.uuid4()}/{i}")[0] == 404
    assert service.request("PATCH", "/health")[0] == 405
    text = metrics(service)
    after = parse(text)

    def moved(**labels):
        return requests_of(after, **labels) - requests_of(before, **labels)

    assert moved(route="/health", method="GET", status="2xx") == 3
    assert moved(route="/enrollments/{id}", method="DELETE", status="4xx") == 2
    assert moved(route="unmatched", method="GET", status="4xx") == 4
    assert moved(route="/health", method="PATCH", status="4xx") == 1
    assert "/nope-" not in text
    routes = {dict(lb)["route"] for n, lb in after if n == P + "http_requests_total"}
    assert routes <= {"/health", "/enrollments/{id}", "unmatched", "/metrics"}, routes
    # the labels are bounded: methods and classes from fixed lists
    for n, lb in after:
        if n == P + "http_requests_total":
            d = dict(lb)
            assert d["method"] in {"GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"}, d
            assert re.fullmatch(r"[1-5]xx", d["status"]), d


def test_histograms_are_cumulative_and_count_equals_the_counter(service):
    for path in ("/health", "/ready", "/health", "/nothing"):
        service.request("GET", path)
    text = metrics(service)
    samples = parse(text)
    series = {}
    for (name, lb), v in samples.items():
        if name == P + "http_request_duration_seconds_bucket":
            d = dict(lb)
            le = d.pop("le")
            series.setdefault(frozenset(d.items()), []).append(
                (float("inf") if le == "+Inf" else float(le), v))
    assert len(series) >= 3, text
    for key, buckets in series.items():
        buckets.sort()
        counts = [v for _, v in buckets]
        assert counts == sorted(counts), (key, buckets)  # cumulative
        assert buckets[-1][0] == float("inf")
        labels = dict(key)
        count = value(samples, P + "http_request_duration_seconds_count", **labels)
        assert buckets[-1][1] == count, (key, buckets, count)
        assert value(samples, P + "http_requests_total", **labels) == count, key
        assert value(samples, P + "http_request_duration_seconds_sum", **labels) >= 0


def test_metrics_addr_serves_apart_and_the_api_port_does_not(migrated, start_service):
    svc = start_service(migrated, METRICS_ADDR="127.0.0.1:0")
    port = metrics_port(svc)
    assert port != svc.port
    status, _, body = svc.request("GET", "/metrics")
    assert (status, body) == (404, {"detail": "Not Found"})
    for _ in range(2):
        svc.request("GET", "/health")
    samples = parse(metrics(svc, port))
    # the API's requests, counted on the API port and shown on the other;
    # the 404 for /metrics on the API port is an unmatched path there
    assert requests_of(samples, route="/health", method="GET", status="2xx") == 2
    assert requests_of(samples, route="unmatched", method="GET", status="4xx") == 1
    # the metrics port serves /metrics only
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/health")
    assert conn.getresponse().status == 404
    conn.close()


def test_metrics_disabled(migrated, start_service):
    svc = start_service(migrated, METRICS_ENABLED="false")
    assert svc.request("GET", "/metrics")[0] == 404
    assert svc.request("GET", "/health")[0] == 200


def test_bad_metrics_addr_refuses_to_start(migrated, start_service):
    for bad in ("9100", "127.0.0.1:", "127.0.0.1:70000", "[::1:9100"):
        svc = start_service(migrated, wait=False, METRICS_ADDR=bad)
        assert svc.proc.wait(timeout=30) == 1
        assert "METRICS_ADDR must be host:port" in svc.log(), svc.log()
    port = free_port()
    svc = start_service(migrated, wait=False, PORT=port, METRICS_ADDR=f"127.0.0.1:{port}")
    assert svc.proc.wait(timeout=30) == 1
    assert f"METRICS_ADDR must not use the API's PORT ({port})" in svc.log(), svc.log()


class Prometheus:
    """A real Prometheus server on a free loopback port, scraping one
    target every second, with its config and data in a throwaway
    directory."""

    def __init__(self, target):
        self.dir = Path(tempfile.mkdtemp(prefix="us-prom."))
        self.port = free_port()
        config = self.dir / "prometheus.yml"
        config.write_text(json.dumps({  # JSON is YAML
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [{"job_name": "user-service",
                                "static_configs": [{"targets": [target]}]}]}))
        self.log = open(self.dir / "prometheus.log", "wb")
        self.proc = subprocess.Popen(
            [tool("prometheus"), f"--config.file={config}",
             f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=self.log, cwd=self.dir)

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def query(self, expr):
        status, body = self.get("/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        assert status == 200, body
        data = json.loads(body)
        assert data["status"] == "success", data
        return data["data"]["result"]

    def wait_for(self, expr, want, timeout=60):
        """The query's single value once it equals want (scrapes are 1 s apart)."""
        deadline = time.monotonic() + timeout
        got = None
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.logs()
            try:
                result = self.query(expr)
            except (ConnectionError, OSError):
                result = None  # not listening yet
            if result:
                got = float(result[0]["value"][1])
                if got == want:
                    return got
            time.sleep(0.5)
        raise AssertionError(f"{expr}: want {want}, last {got}\n{self.logs()}")

    def logs(self):
        return (self.dir / "prometheus.log").read_text(errors="replace")[-4000:]

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_a_real_prometheus_scrapes_the_service(migrated, start_service):
    if migrated.dialect != "sqlite":
        pytest.skip("the scrape does not depend on the database: once is enough")
    svc = start_service(migrated, METRICS_ADDR="127.0.0.1:0")
    port = metrics_port(svc)
    prom = Prometheus(f"127.0.0.1:{port}")
    try:
        for _ in range(5):
            assert svc.request("GET", "/health")[0] == 200
        prom.wait_for('up{job="user-service"}', 1)
        got = prom.wait_for(P + 'http_requests_total{route="/health",method="GET",'
                            'status="2xx"}', 5)
        print(f"Prometheus read {got:.0f} requests of GET /health")
        (info,) = prom.query(P + "schema_info")
        assert info["metric"]["revision"] == HEAD_REVISION
    finally:
        prom.close()


# ---- /health's dependencies ----

def health(svc):
    status, headers, body = svc.request("GET", "/health")
    assert status == 200, body  # alive whatever the database does; /ready is the gate
    assert headers["content-type"] == "application/json"
    return body


OK = {"status": "ok", "service": "user-service", "dependencies": {"database": "ok"}}


def test_health_sqlite_database_missing_then_back(migrated, start_service):
    if migrated.dialect != "sqlite":
        pytest.skip("the SQLite half; PostgreSQL is stopped below")
    svc = start_service(migrated, WORKERS=1)
    # the start-up check has read it; the worker opens it on first use
    away = migrated.path.with_suffix(".away")
    migrated.path.rename(away)
    body = health(svc)
    assert body["status"] == "degraded" and body["service"] == "user-service", body
    assert body["dependencies"] == {"database": "unavailable: unable to open database file"}
    assert str(migrated.path) not in json.dumps(body)  # no file names to clients
    samples = parse(metrics(svc))
    assert value(samples, P + "db_errors_total", kind="unavailable") >= 1
    away.rename(migrated.path)
    assert health(svc) == OK
    assert value(parse(metrics(svc)), P + "db_connects_total") == 1


def test_health_postgresql_stopped_then_back(pg, start_service):  # noqa: F811
    svc = start_service(Database("postgresql", pg.url), WORKERS=1)
    assert health(svc) == OK
    pg.stop()
    body = health(svc)
    assert body["status"] == "degraded", body
    assert body["dependencies"] == {"database": "unavailable: Connection refused"}, body
    assert "127.0.0.1" not in json.dumps(body) and str(pg.port) not in json.dumps(body)
    pg.start()
    assert health(svc) == OK
    samples = parse(metrics(svc))
    assert value(samples, P + "db_reconnects_total") == 1
    assert value(samples, P + "db_errors_total", kind="unavailable") >= 1
