"""Tokens: GET /auth/me, POST /auth/refresh, and every way a token can be
wrong (expired, tampered, alg none or another algorithm, wrong type, wrong
key, garbage) -> 401; the gateway header only when trusted. Bad tokens are
forged here with the test key, so each check is tested on its own."""
import base64
import hashlib
import hmac
import json
import time

import pytest

from conftest import SECRET

PASSWORD = "correct horse"
BAD = {"detail": "Could not validate credentials"}
MISSING = {"detail": "Not authenticated"}
BAD_REFRESH = {"detail": "Invalid refresh token"}  # every refresh failure, as the Python service


def b64e(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def forge(claims, header=None, key=SECRET, alg="sha256"):
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing = b64e(json.dumps(header).encode()) + "." + b64e(json.dumps(claims).encode())
    sig = hmac.new(key.encode(), signing.encode(), getattr(hashlib, alg)).digest()
    return signing + "." + b64e(sig)


def post(svc, path, payload):
    return svc.request("POST", path, body=json.dumps(payload).encode(),
                       headers={"Content-Type": "application/json"})


def me(svc, token=None, headers=None):
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    return svc.request("GET", "/auth/me", headers=h)


@pytest.fixture
def user(service):
    status, _, user = post(service, "/auth/register", {
        "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
        "password": PASSWORD, "role": "instructor"})
    assert status == 201
    status, _, tokens = post(service, "/auth/login",
                             {"email": "ada@example.com", "password": PASSWORD})
    assert status == 200
    user["tokens"] = tokens
    return user


def valid_claims(user, **over):
    now = int(time.time())
    c = {"sub": user["id"], "exp": now + 600, "iat": now, "type": "access",
         "role": user["role"], "profile_id": None}
    c.update(over)
    return c


def assert_401(status, headers, body, expected=BAD):
    assert (status, body) == (401, expected)
    assert headers["www-authenticate"] == "Bearer"


def test_me_200(service, user):
    status, _, body = me(service, user["tokens"]["access_token"])
    expected = {k: v for k, v in user.items() if k != "tokens"}
    assert (status, body) == (200, expected)
    assert me(service, user["tokens"]["access_token"])[2] == expected  # twice: same answer
    assert service.request("GET", "/auth/me/", headers={
        "Authorization": f"Bearer {user['tokens']['access_token']}"})[0] == 200


def test_forged_valid_token_accepted(service, user):
    """The forger below is right: a correctly made token passes, so the
    rejections that follow are about the one thing each one changes."""
    assert me(service, forge(valid_claims(user)))[0] == 200


def test_me_without_credentials_401(service, user):
    assert_401(*me(service), expected=MISSING)
    for value in ("", "Bearer", "Bearer ", "Basic YWRhOnB3", "Token abc",
                  user["tokens"]["access_token"]):
        assert_401(*me(service, headers={"Authorization": value}), expected=MISSING)


def test_me_scheme_case_insensitive(service, user):
    token = user["tokens"]["access_token"]
    assert me(service, headers={"Authorization": f"bearer {token}"})[0] == 200
    assert me(service, headers={"Authorization": f"BEARER {token}"})[0] == 200


def test_expired_401(service, user):
    now = int(time.time())
    assert_401(*me(service, forge(valid_claims(user, exp=now - 5, iat=now - 900))))
    assert_401(*me(service, forge(valid_claims(user, exp=now - 1))))


def test_refresh_token_is_not_an_access_token(service, user):
    assert_401(*me(service, user["tokens"]["refresh_token"]))
    status, headers, body = post(service, "/auth/refresh",
                                 {"refresh_token": user["tokens"]["access_token"]})
    assert_401(status, headers, body, BAD_REFRESH)


@pytest.mark.parametrize("kind", ["", "ACCESS", "id", None, 1])
def test_wrong_or_missing_type_401(service, user, kind):
    c = valid_claims(user, type=kind)
    if kind is None:
        del c["type"]
    assert_401(*me(service, forge(c)))


def test_tampered_401(service, user):
    token = user["tokens"]["access_token"]
    header, payload, sig = token.split(".")
    c = json.loads(b64d(payload))
    c["role"] = "admin"  # a new payload, the old signature
    assert_401(*me(service, f"{header}.{b64e(json.dumps(c).encode())}.{sig}"))
    c = json.loads(b64d(payload))
    c["exp"] += 3600
    assert_401(*me(service, f"{header}.{b64e(json.dumps(c).encode())}.{sig}"))
    flipped = bytearray(b64d(sig))
    flipped[0] ^= 1
    assert_401(*me(service, f"{header}.{payload}.{b64e(bytes(flipped))}"))
    assert_401(*me(service, f"{header}.{payload}."))
    assert_401(*me(service, f"{header}.{payload}"))
    assert_401(*me(service, f"{header}.{payload}.{sig}.{sig}"))
    assert_401(*me(service, token + "A"))


def test_wrong_key_401(service, user):
    assert_401(*me(service, forge(valid_claims(user), key="another-key-" + "y" * 40)))


@pytest.mark.parametrize("header,alg", [
    ({"alg": "none", "typ": "JWT"}, None),
    ({"alg": "None"}, None),
    ({"alg": "HS512", "typ": "JWT"}, "sha512"),
    ({"alg": "HS384", "typ": "JWT"}, "sha384"),
    ({"alg": "RS256", "typ": "JWT"}, "sha256"),
    ({"alg": "hs256", "typ": "JWT"}, "sha256"),
    ({"typ": "JWT"}, "sha256"),
    ({"alg": "HS256", "typ": "JWT", "crit": ["exp"]}, "sha256"),
])
def test_other_algorithms_401(service, user, header, alg):
    c = valid_claims(user)
    if alg is None:  # alg none: no signature at all, or one made with the key anyway
        signing = b64e(json.dumps(header).encode()) + "." + b64e(json.dumps(c).encode())
        assert_401(*me(service, signing + "."))
        assert_401(*me(service, forge(c, header=header)))
    else:
        assert_401(*me(service, forge(c, header=header, alg=alg)))


@pytest.mark.parametrize("over", [
    {"sub": "not-a-uuid"}, {"sub": 12}, {"sub": None}, {"exp": "9999999999"},
    {"exp": 1e12}, {"role": 7}, {"profile_id": "nope"},
], ids=lambda o: json.dumps(o))
def test_bad_claims_401(service, user, over):
    assert_401(*me(service, forge(valid_claims(user, **over))))


def test_missing_claims_401(service, user):
    for name in ("sub", "exp", "role"):
        c = valid_claims(user)
        del c[name]
        assert_401(*me(service, forge(c)))


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "....", "ééé.ééé.ééé", "x" * 5000,
                                   "eyJhbGciOiJIUzI1NiJ9.e30.", "%00.%00.%00"])
def test_garbage_tokens_401(service, token):
    assert_401(*me(service, token))


def test_deleted_user_me_404(service, migrated, user):
    migrated.sql(f"DELETE FROM users WHERE id = '{user['id']}'")
    status, _, body = me(service, user["tokens"]["access_token"])
    assert (status, body) == (404, {"detail": "User not found"})


def test_refresh_flow(service, user):
    time.sleep(1.1)  # a new iat, so a new token
    status, _, tokens = post(service, "/auth/refresh",
                             {"refresh_token": user["tokens"]["refresh_token"]})
    assert status == 200, tokens
    assert set(tokens) == {"access_token", "refresh_token", "token_type"}
    assert tokens["token_type"] == "bearer"
    assert tokens["access_token"] != user["tokens"]["access_token"]
    c = json.loads(b64d(tokens["refresh_token"].split(".")[1]))
    old = json.loads(b64d(user["tokens"]["refresh_token"].split(".")[1]))
    assert (c["sub"], c["role"], c["profile_id"], c["type"]) == (
        old["sub"], old["role"], old["profile_id"], "refresh")
    assert c["iat"] > old["iat"]
    assert me(service, tokens["access_token"])[0] == 200
    # the new refresh token refreshes again
    assert post(service, "/auth/refresh", {"refresh_token": tokens["refresh_token"]})[0] == 200


def test_refresh_401s(service, migrated, user):
    now = int(time.time())
    for token in (forge(valid_claims(user, type="refresh", exp=now - 1)),
                  forge(valid_claims(user, type="refresh"), key="k" * 40),
                  forge(valid_claims(user, type="refresh"), header={"alg": "none"}),
                  "not a token", ""):
        assert_401(*post(service, "/auth/refresh", {"refresh_token": token}), BAD_REFRESH)
    assert post(service, "/auth/refresh",
                {"refresh_token": forge(valid_claims(user, type="refresh"))})[0] == 200
    migrated.sql("UPDATE users SET is_active = FALSE")
    assert_401(*post(service, "/auth/refresh",
                     {"refresh_token": user["tokens"]["refresh_token"]}), BAD_REFRESH)
    migrated.sql("DELETE FROM users")
    assert_401(*post(service, "/auth/refresh",
                     {"refresh_token": user["tokens"]["refresh_token"]}), BAD_REFRESH)


def test_refresh_422(service):
    status, _, body = post(service, "/auth/refresh", {})
    assert (status, body) == (422, {"detail": [{
        "type": "missing", "loc": ["body", "refresh_token"], "msg": "Field required",
        "input": {}}]})
    status, _, body = post(service, "/auth/refresh", {"refresh_token": 5})
    assert (status, body) == (422, {"detail": [{
        "type": "string_type", "loc": ["body", "refresh_token"],
        "msg": "Input should be a valid string", "input": 5}]})


def test_refresh_takes_role_from_database(service, migrated, user):
    migrated.sql("UPDATE users SET role = 'student'")
    tokens = post(service, "/auth/refresh",
                  {"refresh_token": user["tokens"]["refresh_token"]})[2]
    c = json.loads(b64d(tokens["access_token"].split(".")[1]))
    # no student profile exists for this user: the claim says so
    assert (c["role"], c["profile_id"]) == ("student", None)


def test_gateway_header_ignored_by_default(service, user):
    assert_401(*me(service, headers={"X-User-ID": user["id"]}), expected=MISSING)
    # and it does not override a token either
    status, _, body = me(service, user["tokens"]["access_token"],
                         headers={"X-User-ID": "00000000-0000-7000-8000-000000000000"})
    assert (status, body["id"]) == (200, user["id"])


def test_gateway_header_when_trusted(migrated, start_service):
    svc = start_service(migrated, TRUST_GATEWAY_HEADERS="true")
    status, _, user = post(svc, "/auth/register", {
        "email": "gw@example.com", "first_name": "G", "last_name": "W", "password": PASSWORD})
    assert status == 201
    status, _, body = me(svc, headers={"X-User-ID": user["id"]})
    assert (status, body) == (200, user)
    assert me(svc, headers={"X-User-ID": user["id"].upper()})[2] == user
    assert me(svc, headers={"X-User-ID": "00000000-0000-7000-8000-000000000000"})[0] == 404
    assert_401(*me(svc, headers={"X-User-ID": "1 OR 1=1"}))
    assert_401(*me(svc), expected=MISSING)  # no header, no token


def test_service_refuses_to_start_without_key(migrated, start_service):
    svc = start_service(migrated, wait=False, JWT_SECRET_KEY=None)
    assert svc.proc.wait(timeout=30) == 1
    assert "JWT_SECRET_KEY" in svc.log()
