"""Start-up configuration errors and graceful shutdown."""
import signal
import socket
import time

import pytest


def test_sigterm_exits_cleanly(service):
    assert service.request("GET", "/health")[0] == 200
    assert service.stop(signal.SIGTERM) == 0
    assert "stopped" in service.log()


def test_sigint_exits_cleanly(service):
    assert service.stop(signal.SIGINT) == 0


def test_request_in_flight_finishes_on_sigterm(service):
    with socket.create_connection(("127.0.0.1", service.port), timeout=20) as s:
        s.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        time.sleep(0.3)  # the server has the request, half its body
        service.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        s.sendall(b"67890")
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 405"), reply
    assert service.proc.wait(timeout=20) == 0


def test_missing_jwt_secret_refused(migrated, start_service):
    svc = start_service(migrated, wait=False, JWT_SECRET_KEY="")
    assert svc.proc.wait(timeout=30) == 1
    assert "JWT_SECRET_KEY is not set" in svc.log()


def test_dev_mode_runs_without_secret(migrated, start_service):
    svc = start_service(migrated, JWT_SECRET_KEY="", APP_ENV="development")
    assert svc.request("GET", "/health")[0] == 200
    assert "random key" in svc.log()


@pytest.mark.parametrize("name,value", [("PORT", "80x"), ("LOG_FORMAT", "xml"),
                                        ("MAX_BODY_BYTES", "0"), ("JWT_ALGORITHM", "none")])
def test_bad_setting_named(migrated, start_service, name, value):
    svc = start_service(migrated, wait=False, **{name: value})
    assert svc.proc.wait(timeout=30) == 1
    assert f"user-service: error: {name}" in svc.log()


def test_dotenv_in_working_directory(migrated, start_service, tmp_path):
    (tmp_path / ".env").write_text("# settings\nexport LOG_FORMAT='json'\n")
    svc = start_service(migrated, LOG_FORMAT=None)  # the environment would win
    svc.request("GET", "/health")
    assert '"path":"/health"' in svc.wait_log('"path":"/health"')
