"""check_api.py BASE_URL CHECK — one HTTP check against the user service
running in its container, for scripts/test-compose. Exit 0 when it holds,
1 with the reason on stderr when not, 3 when the endpoint is not there (404:
an endpoint not implemented yet, told apart from a failure).

CHECK is one of:
  wait-health     poll GET /health until it answers (up to 60 s)
  health          GET /health is 200 {"status":"ok","service":"user-service",
                  "dependencies":{"database":"ok"}}
  ready           GET /ready is 200 (database reachable and at head)
  register-login  POST /auth/register a new user (201, the user's JSON), then
                  POST /auth/login (200, a bearer token pair), then GET
                  /auth/me with the access token (200, the same user)
"""
import http.client
import json
import sys
import time
import urllib.parse
import uuid

USER_KEYS = {"id", "email", "first_name", "last_name", "role", "is_active", "is_verified",
             "phone_number", "created_at", "updated_at"}


class NotThere(Exception):
    pass


def request(base, method, path, body=None, token=None):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode(errors="replace")
    return resp.status, payload


def expect(cond, what, got):
    if not cond:
        raise AssertionError(f"{what}; got {got!r}")


def wait_health(base):
    deadline = time.monotonic() + 60
    last = None
    while time.monotonic() < deadline:
        try:
            status, _ = request(base, "GET", "/health")
            if status == 200:
                return
            last = f"status {status}"
        except OSError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"GET /health did not answer 200 within 60 s (last: {last})")


def health(base):
    status, body = request(base, "GET", "/health")
    want = {"status": "ok", "service": "user-service", "dependencies": {"database": "ok"}}
    expect(status == 200 and body == want, f"GET /health: want 200 {want}", (status, body))


def ready(base):
    status, body = request(base, "GET", "/ready")
    if status == 404:
        raise NotThere("GET /ready")
    expect(status == 200, "GET /ready: want 200", (status, body))


def register_login(base):
    email = f"docker-{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery"
    status, user = request(base, "POST", "/auth/register", {
        "email": email, "first_name": "Ada", "last_name": "Lovelace", "password": password})
    if status == 404:
        raise NotThere("POST /auth/register")
    expect(status == 201, "POST /auth/register: want 201", (status, user))
    expect(isinstance(user, dict) and set(user) == USER_KEYS,
           f"register: want exactly the keys {sorted(USER_KEYS)}", user)
    expect(user["email"] == email and user["first_name"] == "Ada" and user["role"] == "student"
           and user["is_active"] is True, "register: the user as sent", user)
    uuid.UUID(user["id"])

    status, tokens = request(base, "POST", "/auth/login", {"email": email, "password": password})
    if status == 404:
        raise NotThere("POST /auth/login")
    expect(status == 200 and isinstance(tokens, dict)
           and set(tokens) == {"access_token", "refresh_token", "token_type"}
           and tokens["token_type"] == "bearer",
           "POST /auth/login: want 200 {access_token, refresh_token, token_type: bearer}",
           (status, tokens))

    status, body = request(base, "POST", "/auth/login", {"email": email, "password": "wrong password"})
    expect(status == 401 and body == {"detail": "Invalid email or password"},
           "POST /auth/login with a wrong password: want 401", (status, body))

    status, me = request(base, "GET", "/auth/me", token=tokens["access_token"])
    if status == 404 and me == {"detail": "Not Found"}:
        raise NotThere("GET /auth/me")
    expect(status == 200 and me == user, "GET /auth/me: want 200 and the registered user",
           (status, me))
    print(email)


CHECKS = {"wait-health": wait_health, "health": health, "ready": ready,
          "register-login": register_login}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        CHECKS[sys.argv[2]](sys.argv[1].rstrip("/"))
    except NotThere as exc:
        print(f"{exc} answers 404: not implemented in this build", file=sys.stderr)
        return 3
    except (AssertionError, OSError, KeyError, TypeError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
