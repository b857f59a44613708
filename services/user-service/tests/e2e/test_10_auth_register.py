"""POST /auth/register: the user JSON, the profile created with it, FastAPI's
400 and 422 answers, hostile bodies (never a 5xx), and 50 concurrent
registrations of one email."""
import json
import re
import threading
import uuid

import pytest

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
PATTERN = "^(student|instructor)$"


def body(**over):
    b = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
         "password": "correct horse"}
    b.update(over)
    return {k: v for k, v in b.items() if v is not ...}


def register(svc, payload):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return svc.request("POST", "/auth/register", body=raw,
                       headers={"Content-Type": "application/json"})


def test_register_student_201(service, migrated):
    status, _, user = register(service, body())
    assert status == 201, user
    assert set(user) == {"id", "email", "first_name", "last_name", "role", "is_active",
                         "is_verified", "phone_number", "created_at", "updated_at"}
    assert UUID7.match(user["id"])
    assert {k: user[k] for k in ("email", "first_name", "last_name", "role", "is_active",
                                 "is_verified", "phone_number")} == {
        "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
        "role": "student", "is_active": True, "is_verified": False, "phone_number": None}
    assert RFC3339_UTC.match(user["created_at"]) and user["created_at"] == user["updated_at"]
    # the profile was made in the same transaction; the password is not stored in clear
    assert migrated.sql(f"SELECT count(*) FROM student_profiles WHERE user_id = '{user['id']}'") == "1"
    assert migrated.sql(f"SELECT count(*) FROM instructor_profiles") == "0"
    stored = migrated.sql(f"SELECT password_hash FROM users WHERE id = '{user['id']}'")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert "correct horse" not in service.log()


def test_register_instructor_with_phone(service, migrated):
    status, _, user = register(service, body(role="instructor", phone_number="+15550100123"))
    assert status == 201, user
    assert (user["role"], user["phone_number"]) == ("instructor", "+15550100123")
    assert migrated.sql(
        f"SELECT count(*) FROM instructor_profiles WHERE user_id = '{user['id']}'") == "1"
    assert migrated.sql("SELECT count(*) FROM student_profiles") == "0"


def test_register_phone_null_is_none(service):
    status, _, user = register(service, body(phone_number=None))
    assert (status, user["phone_number"]) == (201, None)


def test_email_domain_lowercased_and_duplicates_400_in_any_case(service, migrated):
    # Stored as the Python service stores it (the domain lowercased); the same
    # address in another case is taken, with their 400 message.
    status, _, user = register(service, body(email="Grace.Hopper@Example.COM"))
    assert (status, user["email"]) == (201, "Grace.Hopper@example.com")
    for email in ("grace.hopper@example.com", "GRACE.HOPPER@EXAMPLE.COM"):
        status, _, err = register(service, body(email=email))
        shown = email.split("@")[0] + "@example.com"
        assert (status, err) == (400, {"detail": f"Email {shown} is already registered"})
    assert migrated.sql("SELECT count(*) FROM users") == "1"
    assert migrated.sql("SELECT count(*) FROM student_profiles") == "1"


def err(type_, field, msg, input_, ctx=None):
    e = {"type": type_, "loc": ["body", field], "msg": msg, "input": input_}
    if ctx is not None:
        e["ctx"] = ctx
    return e


INVALID = [
    ("email", "not-an-email", err(
        "value_error", "email",
        "value is not a valid email address: An email address must have an @-sign.",
        "not-an-email", {"reason": "An email address must have an @-sign."})),
    ("email", "a@b", err(
        "value_error", "email",
        "value is not a valid email address: The part after the @-sign is not valid. "
        "It should have a period.",
        "a@b", {"reason": "The part after the @-sign is not valid. It should have a period."})),
    ("email", "a" * 60 + "@" + "b" * 190 + ".com", err(
        "string_too_long", "email", "String should have at most 254 characters",
        "a" * 60 + "@" + "b" * 190 + ".com", {"max_length": 254})),
    ("email", "a" * 65 + "@example.com", err(
        "value_error", "email",
        "value is not a valid email address: The email address is too long before the @-sign.",
        "a" * 65 + "@example.com",
        {"reason": "The email address is too long before the @-sign."})),
    ("first_name", "", err("string_too_short", "first_name",
                           "String should have at least 1 character", "", {"min_length": 1})),
    ("first_name", "x" * 101, err("string_too_long", "first_name",
                                  "String should have at most 100 characters", "x" * 101,
                                  {"max_length": 100})),
    ("last_name", "", err("string_too_short", "last_name",
                          "String should have at least 1 character", "", {"min_length": 1})),
    ("last_name", "y" * 101, err("string_too_long", "last_name",
                                 "String should have at most 100 characters", "y" * 101,
                                 {"max_length": 100})),
    ("password", "short", err("string_too_short", "password",
                              "String should have at least 8 characters", "short",
                              {"min_length": 8})),
    ("password", "p" * 101, err("string_too_long", "password",
                                "String should have at most 100 characters", "p" * 101,
                                {"max_length": 100})),
    ("role", "admin", err("string_pattern_mismatch", "role",
                          f"String should match pattern '{PATTERN}'", "admin",
                          {"pattern": PATTERN})),
    ("phone_number", "123", err("string_too_short", "phone_number",
                                "String should have at least 10 characters", "123",
                                {"min_length": 10})),
    ("phone_number", "1" * 21, err("string_too_long", "phone_number",
                                   "String should have at most 20 characters", "1" * 21,
                                   {"max_length": 20})),
    ("email", 123, err("string_type", "email", "Input should be a valid string", 123)),
    ("first_name", ["Ada"], err("string_type", "first_name", "Input should be a valid string",
                                ["Ada"])),
    ("password", None, err("string_type", "password", "Input should be a valid string", None)),
    ("role", 5, err("string_type", "role", "Input should be a valid string", 5)),
    ("phone_number", {"n": 1}, err("string_type", "phone_number",
                                   "Input should be a valid string", {"n": 1})),
]


@pytest.mark.parametrize("field,value,expected", INVALID,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(INVALID)])
def test_invalid_field_422(service, migrated, field, value, expected):
    status, _, answer = register(service, body(**{field: value}))
    assert (status, answer) == (422, {"detail": [expected]})
    assert migrated.sql("SELECT count(*) FROM users") == "0"


def test_password_length_counts_characters(service):
    # 8 characters, 16 bytes: long enough; 101 two-byte characters: too long
    assert register(service, body(password="é" * 8))[0] == 201
    status, _, answer = register(service, body(email="b@example.com", password="é" * 101))
    assert status == 422 and answer["detail"][0]["type"] == "string_too_long"


def test_missing_fields_all_reported(service):
    status, _, answer = register(service, {"role": "student"})
    assert status == 422
    assert answer == {"detail": [
        {"type": "missing", "loc": ["body", f], "msg": "Field required",
         "input": {"role": "student"}}
        for f in ("email", "first_name", "last_name", "password")]}


def test_several_invalid_fields_each_reported(service):
    status, _, answer = register(service, body(email="x", first_name="", password="1"))
    assert status == 422
    assert [e["loc"][1] for e in answer["detail"]] == ["email", "first_name", "password"]


@pytest.mark.parametrize("raw", [
    b'{"email": "ada@example.com",',          # truncated
    b"{'email': 'ada@example.com'}",          # not JSON
    b'{"email": "\xff\xfe@example.com", "first_name": "A", "last_name": "B", '
    b'"password": "12345678"}',               # invalid UTF-8
    b'{"first_name": "\xc3"}',                 # truncated UTF-8 sequence
    b"[" * 50000 + b"]" * 50000,               # nested far beyond the parser's depth
    b'{"a":' * 20000 + b"1" + b"}" * 20000,
], ids=["truncated", "single-quotes", "invalid-utf8", "cut-utf8", "deep-array", "deep-object"])
def test_malformed_json_422(service, raw):
    status, _, answer = register(service, raw)
    assert status == 422, answer
    [e] = answer["detail"]
    assert (e["type"], e["loc"][0], e["msg"]) == ("json_invalid", "body", "JSON decode error")
    assert isinstance(e["loc"][1], int)
    assert service.request("GET", "/health")[0] == 200  # still serving


def test_empty_body_422(service):
    status, _, answer = register(service, b"")
    assert (status, answer) == (422, {"detail": [
        {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]})


@pytest.mark.parametrize("payload", [[], "text", 42, None, [body()]],
                         ids=["list", "string", "number", "null", "list-of-object"])
def test_body_not_an_object_422(service, payload):
    status, _, answer = register(service, payload)
    assert (status, answer) == (422, {"detail": [{
        "type": "model_attributes_type", "loc": ["body"],
        "msg": "Input should be a valid dictionary or object to extract fields from",
        "input": payload}]})


def test_deeply_nested_value_in_a_field_422_not_crash(service):
    nested = json.loads("[" * 500 + "]" * 500)
    status, _, answer = register(service, body(first_name=nested))
    assert status == 422 and answer["detail"][0]["type"] == "string_type"


INJECTION = [
    ("first_name", "Robert'); DROP TABLE users;--"),
    ("last_name", "x' OR '1'='1"),
    ("phone_number", "1'; --\"\\$1 ;"),
    ("email", "o'hara+x@example.com"),
]


def test_sql_injection_stored_and_returned_verbatim(service, migrated):
    payload = body(**dict(INJECTION))
    status, _, user = register(service, payload)
    assert status == 201, user
    for field, value in INJECTION:
        assert user[field] == value
    token = service.request("POST", "/auth/login", body=json.dumps(
        {"email": payload["email"], "password": payload["password"]}).encode())[2]
    status, _, me = service.request(
        "GET", "/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert status == 200 and me == user
    assert migrated.sql("SELECT first_name FROM users") == "Robert'); DROP TABLE users;--"
    assert migrated.sql("SELECT count(*) FROM users") == "1"


def test_unicode_names_round_trip(service):
    status, _, user = register(service, body(first_name="Zoë 👩‍💻", last_name="Ōtsuka"))
    assert (status, user["first_name"], user["last_name"]) == (201, "Zoë 👩‍💻", "Ōtsuka")


def test_unknown_keys_ignored(service):
    status, _, user = register(service, body(is_verified=True, role="student", id="x", admin=1))
    assert status == 201 and user["is_verified"] is False and user["id"] != "x"


def test_50_concurrent_registrations_one_wins(service, migrated):
    n = 50
    results = [None] * n
    barrier = threading.Barrier(n)

    def one(i):
        barrier.wait()
        results[i] = register(service, body(email="race@example.com",
                                            first_name=f"Racer{i}"))[::2]

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    statuses = sorted(s for s, _ in results)
    odd = [r for r in results if r[0] not in (201, 400)]
    assert statuses == [201] + [400] * (n - 1), (statuses, odd, service.log()[-3000:])
    for status, answer in results:
        if status == 400:
            assert answer == {"detail": "Email race@example.com is already registered"}
    assert migrated.sql("SELECT count(*) FROM users") == "1"
    assert migrated.sql("SELECT count(*) FROM student_profiles") == "1"
    assert "ERROR" not in service.log()


def test_register_ids_are_distinct_uuid7(service):
    ids = [register(service, body(email=f"u{i}@example.com"))[2]["id"] for i in range(3)]
    assert len(set(ids)) == 3 and all(uuid.UUID(i).version == 7 for i in ids)
