"""POST /auth/login: the token pair and its claims, 401 for wrong passwords,
unknown emails and inactive users, the same work for unknown emails, and
users carried over from the Python service with bcrypt hashes (verified,
then rehashed to Argon2id)."""
import base64
import json
import statistics
import time
import uuid
import warnings

with warnings.catch_warnings():  # Debian's Python 3.11 has it; bcrypt hashes are its job
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

import pytest

PASSWORD = "correct horse"


def b64d(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def claims(token):
    header, payload, sig = token.split(".")
    return json.loads(b64d(header)), json.loads(b64d(payload)), b64d(sig)


def post(svc, path, payload):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return svc.request("POST", path, body=raw, headers={"Content-Type": "application/json"})


def register(svc, email="ada@example.com", role="student", password=PASSWORD):
    status, _, user = post(svc, "/auth/register", {
        "email": email, "first_name": "Ada", "last_name": "Lovelace", "password": password,
        "role": role})
    assert status == 201, user
    return user


def login(svc, email="ada@example.com", password=PASSWORD):
    return post(svc, "/auth/login", {"email": email, "password": password})


def me(svc, token):
    return svc.request("GET", "/auth/me", headers={"Authorization": f"Bearer {token}"})


def profile_id(db, role, user_id):
    return db.sql(f"SELECT id FROM {role}_profiles WHERE user_id = '{user_id}'")


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_login_200_token_pair(service, migrated, role):
    user = register(service, role=role)
    before = int(time.time())
    status, headers, tokens = login(service)
    assert status == 200, tokens
    assert set(tokens) == {"access_token", "refresh_token", "token_type"}
    assert tokens["token_type"] == "bearer"
    assert "set-cookie" not in headers
    pid = profile_id(migrated, role, user["id"])
    for name, kind, ttl in (("access_token", "access", 15 * 60),
                            ("refresh_token", "refresh", 7 * 86400)):
        header, c, sig = claims(tokens[name])
        assert header == {"alg": "HS256", "typ": "JWT"}
        assert len(sig) == 32
        assert set(c) == {"sub", "exp", "iat", "type", "role", "profile_id"}
        assert (c["sub"], c["type"], c["role"], c["profile_id"]) == (user["id"], kind, role, pid)
        assert before - 1 <= c["iat"] <= time.time() + 1
        assert c["exp"] - c["iat"] == ttl
    status, _, body = me(service, tokens["access_token"])
    assert (status, body) == (200, user)
    assert PASSWORD not in service.log() and tokens["access_token"] not in service.log()


def test_login_email_case_insensitive(service):
    register(service, email="mixed.case@example.com")
    assert login(service, email="MIXED.Case@EXAMPLE.com")[0] == 200


def test_expiry_settings_apply(migrated, start_service):
    svc = start_service(migrated, JWT_ACCESS_TOKEN_EXPIRE_MINUTES=1,
                        JWT_REFRESH_TOKEN_EXPIRE_DAYS=2)
    register(svc)
    tokens = login(svc)[2]
    access, refresh = claims(tokens["access_token"])[1], claims(tokens["refresh_token"])[1]
    assert access["exp"] - access["iat"] == 60
    assert refresh["exp"] - refresh["iat"] == 2 * 86400


INVALID_LOGIN = {"detail": "Invalid email or password"}


def test_wrong_password_401(service):
    register(service)
    status, headers, body = login(service, password="wrong password")
    assert (status, body) == (401, INVALID_LOGIN)
    assert login(service, password=PASSWORD.upper())[::2] == (401, INVALID_LOGIN)


def test_unknown_email_401_same_answer(service):
    status, _, body = login(service, email="nobody@example.com")
    assert (status, body) == (401, INVALID_LOGIN)


def test_inactive_user_401(service, migrated):
    register(service)
    migrated.sql("UPDATE users SET is_active = FALSE")
    assert login(service)[::2] == (401, INVALID_LOGIN)


def test_login_422(service):
    status, _, body = post(service, "/auth/login", {"email": "ada@example.com"})
    assert (status, body) == (422, {"detail": [{
        "type": "missing", "loc": ["body", "password"], "msg": "Field required",
        "input": {"email": "ada@example.com"}}]})
    status, _, body = post(service, "/auth/login", {"email": "nope", "password": "x"})
    assert status == 422 and body["detail"][0]["loc"] == ["body", "email"]
    status, _, body = post(service, "/auth/login", {"email": "a@b.co", "password": 12345678})
    assert (status, body) == (422, {"detail": [{
        "type": "string_type", "loc": ["body", "password"],
        "msg": "Input should be a valid string", "input": 12345678}]})
    status, _, body = post(service, "/auth/login", b'{"email": "a@b.co", "password": "\xff"}')
    assert status == 422 and body["detail"][0]["type"] == "json_invalid"


def test_unknown_email_costs_a_password_check(service):
    """Unknown emails verify against the start-up dummy hash: their login
    costs the same order of time as a wrong password. (Ratios, not absolute
    times; Argon2id makes the difference between "checked" and "not
    checked" a factor of tens.)"""
    register(service)

    def median(email):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            assert login(service, email=email, password="wrong password")[0] == 401
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    known, unknown = median("ada@example.com"), median("nobody@example.com")
    assert unknown > known * 0.5, (known, unknown)


def insert_legacy_user(db, email, password_hash, role="student"):
    user_id, pid = str(uuid.uuid4()), str(uuid.uuid4())
    now = "2024-05-06T07:08:09.123456Z"
    db.sql("INSERT INTO users (id, email, first_name, last_name, password_hash, role, "
           "is_active, is_verified, phone_number, created_at, updated_at) VALUES "
           f"('{user_id}', '{email}', 'Old', 'Timer', '{password_hash}', '{role}', TRUE, TRUE, "
           f"NULL, '{now}', '{now}')")
    db.sql(f"INSERT INTO {role}_profiles (id, user_id, created_at, updated_at) "
           f"VALUES ('{pid}', '{user_id}', '{now}', '{now}')")
    return user_id, pid


def test_bcrypt_user_logs_in_and_is_rehashed(service, migrated):
    bcrypt_hash = crypt.crypt("legacy pass 1", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4))
    assert bcrypt_hash.startswith("$2b$04$")
    user_id, pid = insert_legacy_user(migrated, "legacy@example.com", bcrypt_hash)
    stored = lambda: migrated.sql(f"SELECT password_hash FROM users WHERE id = '{user_id}'")

    assert login(service, "legacy@example.com", "legacy pass 2")[::2] == (401, INVALID_LOGIN)
    assert stored() == bcrypt_hash  # a failed login changes nothing

    status, _, tokens = login(service, "legacy@example.com", "legacy pass 1")
    assert status == 200, tokens
    assert (claims(tokens["access_token"])[1]["sub"],
            claims(tokens["access_token"])[1]["profile_id"]) == (user_id, pid)
    rehashed = stored()
    assert rehashed.startswith("$argon2id$v=19$"), rehashed
    # the new hash works, the old password still is the password, nothing else changed
    assert login(service, "legacy@example.com", "legacy pass 1")[0] == 200
    assert stored() == rehashed
    assert login(service, "legacy@example.com", "legacy pass 2")[0] == 401
    status, _, user = me(service, tokens["access_token"])
    assert status == 200
    assert (user["updated_at"], user["is_verified"]) == ("2024-05-06T07:08:09.123456Z", True)


def test_bcrypt_2a_and_2y_prefixes_verify(service, migrated):
    h = crypt.crypt("legacy pass 1", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4))
    for prefix, email in (("$2a$", "a2@example.com"), ("$2y$", "y2@example.com")):
        insert_legacy_user(migrated, email, prefix + h[4:])
        assert login(service, email, "legacy pass 1")[0] == 200


@pytest.mark.parametrize("bad_hash", ["", "plaintext", "$1$abc$def", "$argon2id$v=19$garbage",
                                      "$2b$04$short"])
def test_malformed_stored_hash_is_401_not_500(service, migrated, bad_hash):
    insert_legacy_user(migrated, "broken@example.com", bad_hash)
    assert login(service, "broken@example.com", "anything at all")[::2] == (401, INVALID_LOGIN)
