"""GET /profile/, PUT /profile/ and PUT /profile/instructor over real HTTP,
on both databases: success paths with the exact JSON shapes, partial
updates (only the fields sent change, null clears phone_number,
updated_at moves), and each error of the API table (401, 403, 422)."""
import json
import re

import pytest

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
USER_KEYS = {"id", "email", "first_name", "last_name", "role", "is_active", "is_verified",
             "phone_number", "created_at", "updated_at"}
STUDENT_KEYS = {"id", "user_id", "bio", "education_level", "profile_picture_url",
                "created_at", "updated_at"}
INSTRUCTOR_KEYS = {"id", "user_id", "bio", "profile_picture_url", "phone_number",
                   "total_students", "total_courses", "average_rating",
                   "is_verified_instructor", "verification_date", "created_at", "updated_at"}
NOT_AUTHENTICATED = {"detail": "Not authenticated"}
NOT_INSTRUCTOR = {"detail": "Only instructors have an instructor profile"}


def call(svc, method, path, body=None, token=None):
    """(status, parsed JSON) for a JSON request, with a bearer token if given."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    status, _, data = svc.request(method, path, body=raw, headers=headers)
    return status, data


def sign_up(svc, email, role="student", **extra):
    """Registers and logs in through the API; returns (user JSON, access token)."""
    user = {"email": email, "first_name": "Ada", "last_name": "Lovelace",
            "password": "correct horse", "role": role, **extra}
    status, created = call(svc, "POST", "/auth/register", user)
    assert status == 201, created
    status, tokens = call(svc, "POST", "/auth/login",
                          {"email": email, "password": "correct horse"})
    assert status == 200, tokens
    return created, tokens["access_token"]


def error(type_, field, msg, input_, ctx=None):
    e = {"type": type_, "loc": ["body", field], "msg": msg, "input": input_}
    if ctx is not None:
        e["ctx"] = ctx
    return e


# --- GET /profile/ ------------------------------------------------------


@pytest.mark.parametrize("path", ["/profile/", "/profile"])
def test_get_student_profile(service, path):
    user, token = sign_up(service, "ada@example.com")
    status, body = call(service, "GET", path, token=token)
    assert status == 200, body
    # both keys, as the Python service answers: the other kind's is null
    assert set(body) == USER_KEYS | {"student_profile", "instructor_profile"}
    assert body["instructor_profile"] is None
    assert {k: body[k] for k in USER_KEYS} == user
    profile = body["student_profile"]
    assert set(profile) == STUDENT_KEYS
    assert UUID.match(profile["id"]) and profile["id"] != user["id"]
    assert TIME.match(profile["created_at"]) and TIME.match(profile["updated_at"])
    assert {k: profile[k] for k in STUDENT_KEYS - {"id", "created_at", "updated_at"}} == {
        "user_id": user["id"], "bio": None, "education_level": None,
        "profile_picture_url": None}


def test_get_instructor_profile(service):
    user, token = sign_up(service, "grace@example.com", role="instructor")
    status, body = call(service, "GET", "/profile/", token=token)
    assert status == 200, body
    assert set(body) == USER_KEYS | {"student_profile", "instructor_profile"}
    assert body["student_profile"] is None
    assert body["role"] == "instructor"
    profile = body["instructor_profile"]
    assert set(profile) == INSTRUCTOR_KEYS
    assert UUID.match(profile["id"])
    assert {k: profile[k] for k in INSTRUCTOR_KEYS - {"id", "created_at", "updated_at"}} == {
        "user_id": user["id"], "bio": None, "profile_picture_url": None,
        "phone_number": None, "total_students": 0, "total_courses": 0,
        "average_rating": 0.0, "is_verified_instructor": False, "verification_date": None}
    assert isinstance(profile["average_rating"], float)


@pytest.mark.parametrize("method,path", [("GET", "/profile/"), ("PUT", "/profile/"),
                                         ("PUT", "/profile/instructor")])
def test_profile_endpoints_need_a_token(service, method, path):
    body = None if method == "GET" else {"first_name": "Eve"}
    assert call(service, method, path, body) == (401, NOT_AUTHENTICATED)
    status, data = call(service, method, path, body, token="not.a.token")
    assert status == 401 and isinstance(data["detail"], str), data


def test_refresh_token_is_not_an_access_token(service):
    sign_up(service, "ada@example.com")
    _, tokens = call(service, "POST", "/auth/login",
                     {"email": "ada@example.com", "password": "correct horse"})
    status, data = call(service, "GET", "/profile/", token=tokens["refresh_token"])
    assert status == 401, data


def test_deleted_user_is_404(service, migrated):
    user, token = sign_up(service, "gone@example.com")
    migrated.sql(f"DELETE FROM users WHERE id = '{user['id']}'")
    assert call(service, "GET", "/profile/", token=token) == (404, {"detail": "User not found"})
    assert call(service, "PUT", "/profile/", {"first_name": "X"}, token=token) == (
        404, {"detail": "User not found"})


# --- PUT /profile/ ------------------------------------------------------


def test_update_changes_only_the_fields_sent(service):
    user, token = sign_up(service, "ada@example.com", phone_number="+44 20 7946 0000")
    status, body = call(service, "PUT", "/profile/", {"first_name": "Augusta"}, token=token)
    assert status == 200, body
    assert set(body) == USER_KEYS
    assert body["updated_at"] > user["updated_at"]
    assert body == {**user, "first_name": "Augusta", "updated_at": body["updated_at"]}
    # what was stored is what GET answers
    status, again = call(service, "GET", "/auth/me", token=token)
    assert (status, again) == (200, body)

    status, body2 = call(service, "PUT", "/profile", {"last_name": "King",
                                                       "phone_number": "0123456789"},
                         token=token)
    assert status == 200, body2
    assert body2 == {**body, "last_name": "King", "phone_number": "0123456789",
                     "updated_at": body2["updated_at"]}
    assert body2["updated_at"] > body["updated_at"]


def test_education_level_is_set_on_the_student_profile(service):
    user, token = sign_up(service, "ada@example.com")
    status, body = call(service, "PUT", "/profile/", {"education_level": "Master"}, token=token)
    assert status == 200, body
    assert body == {**user, "updated_at": body["updated_at"]}
    profile = call(service, "GET", "/profile/", token=token)[1]["student_profile"]
    assert (profile["education_level"], profile["updated_at"]) == ("Master", body["updated_at"])
    status, body = call(service, "PUT", "/profile/", {"education_level": None,
                                                       "first_name": "Augusta"}, token=token)
    assert (status, body["first_name"]) == (200, "Augusta")
    assert call(service, "GET", "/profile/", token=token)[1]["student_profile"][
        "education_level"] is None
    status, body = call(service, "PUT", "/profile/", {"education_level": "x" * 101},
                        token=token)
    assert status == 422 and body["detail"][0]["loc"] == ["body", "education_level"], body


def test_null_clears_phone_number(service):
    user, token = sign_up(service, "ada@example.com", phone_number="0123456789")
    assert user["phone_number"] == "0123456789"
    status, body = call(service, "PUT", "/profile/", {"phone_number": None}, token=token)
    assert status == 200, body
    assert body["phone_number"] is None
    assert {k: body[k] for k in ("first_name", "last_name", "email")} == {
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    assert call(service, "GET", "/profile/", token=token)[1]["phone_number"] is None


def test_unknown_and_readonly_fields_are_ignored(service):
    user, token = sign_up(service, "ada@example.com")
    status, body = call(service, "PUT", "/profile/",
                        {"role": "instructor", "email": "eve@example.com", "id": "x",
                         "is_verified": True}, token=token)
    assert status == 200, body
    assert body == {**user, "updated_at": body["updated_at"]}


def test_injection_strings_stored_verbatim(service):
    _, token = sign_up(service, "ada@example.com")
    evil = "Robert'); DROP TABLE users;--"
    status, body = call(service, "PUT", "/profile/", {"first_name": evil, "last_name": "ü\"\\"},
                        token=token)
    assert status == 200, body
    assert (body["first_name"], body["last_name"]) == (evil, "ü\"\\")
    assert call(service, "GET", "/profile/", token=token)[1]["first_name"] == evil


UPDATE_422 = [
    ({"first_name": ""}, error("string_too_short", "first_name",
                               "String should have at least 1 character", "",
                               {"min_length": 1})),
    ({"last_name": "x" * 101}, error("string_too_long", "last_name",
                                     "String should have at most 100 characters", "x" * 101,
                                     {"max_length": 100})),
    ({"first_name": None}, error("string_type", "first_name",
                                 "Input should be a valid string", None)),
    ({"last_name": 7}, error("string_type", "last_name", "Input should be a valid string", 7)),
    ({"phone_number": "123"}, error("string_too_short", "phone_number",
                                    "String should have at least 10 characters", "123",
                                    {"min_length": 10})),
    ({"phone_number": "1" * 21}, error("string_too_long", "phone_number",
                                       "String should have at most 20 characters", "1" * 21,
                                       {"max_length": 20})),
]


@pytest.mark.parametrize("body,err", UPDATE_422)
def test_update_validation_422(service, body, err):
    user, token = sign_up(service, "ada@example.com")
    assert call(service, "PUT", "/profile/", body, token=token) == (422, {"detail": [err]})
    assert {k: v for k, v in call(service, "GET", "/profile/", token=token)[1].items()
            if k in USER_KEYS} == user  # nothing changed


def test_update_not_an_object_422(service):
    _, token = sign_up(service, "ada@example.com")
    assert call(service, "PUT", "/profile/", [1], token=token) == (422, {"detail": [{
        "type": "model_attributes_type", "loc": ["body"],
        "msg": "Input should be a valid dictionary or object to extract fields from",
        "input": [1]}]})
    status, body = call(service, "PUT", "/profile/", b'{"first_name": ', token=token)
    assert status == 422 and body["detail"][0]["type"] == "json_invalid", body


# --- PUT /profile/instructor --------------------------------------------


def test_update_instructor_profile(service):
    user, token = sign_up(service, "grace@example.com", role="instructor")
    before = call(service, "GET", "/profile/", token=token)[1]["instructor_profile"]
    status, body = call(service, "PUT", "/profile/instructor",
                        {"bio": "Compilers.", "profile_picture_url": "https://x.test/g.png"},
                        token=token)
    assert status == 200, body
    assert set(body) == INSTRUCTOR_KEYS
    assert body["updated_at"] > before["updated_at"]
    assert body == {**before, "bio": "Compilers.", "profile_picture_url": "https://x.test/g.png",
                    "updated_at": body["updated_at"]}
    # only the fields sent change; null clears
    status, body2 = call(service, "PUT", "/profile/instructor/",
                         {"phone_number": "5550001111", "bio": None}, token=token)
    assert status == 200, body2
    assert body2 == {**body, "phone_number": "5550001111", "bio": None,
                     "updated_at": body2["updated_at"]}
    status, profile = call(service, "GET", "/profile/", token=token)
    assert profile["instructor_profile"] == body2
    assert {k: profile[k] for k in USER_KEYS} == user  # the user row is untouched


def test_student_cannot_update_instructor_profile(service):
    _, token = sign_up(service, "ada@example.com")
    assert call(service, "PUT", "/profile/instructor", {"bio": "hi"}, token=token) == (
        403, NOT_INSTRUCTOR)
    assert call(service, "GET", "/profile/", token=token)[1]["student_profile"]["bio"] is None


INSTRUCTOR_422 = [
    ({"profile_picture_url": "u" * 501}, error(
        "string_too_long", "profile_picture_url", "String should have at most 500 characters",
        "u" * 501, {"max_length": 500})),
    ({"phone_number": "12345"}, error("string_too_short", "phone_number",
                                      "String should have at least 10 characters", "12345",
                                      {"min_length": 10})),
    ({"bio": 12}, error("string_type", "bio", "Input should be a valid string", 12)),
]


@pytest.mark.parametrize("body,err", INSTRUCTOR_422)
def test_update_instructor_profile_422(service, body, err):
    _, token = sign_up(service, "grace@example.com", role="instructor")
    assert call(service, "PUT", "/profile/instructor", body, token=token) == (
        422, {"detail": [err]})


def test_validation_comes_before_the_role_check(service):
    # as FastAPI: the body is validated before the handler decides 403
    _, token = sign_up(service, "ada@example.com")
    status, body = call(service, "PUT", "/profile/instructor", {"bio": 12}, token=token)
    assert status == 422, body
