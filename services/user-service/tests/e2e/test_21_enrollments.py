"""POST /enrollments, GET /enrollments and DELETE /enrollments/{id} over
real HTTP, on both databases: exact JSON shapes, one active enrollment per
course (409, also under concurrent requests), re-enrolling after a
cancellation, newest-first listing, another user's enrollment invisible
(404), and the 401/422 errors of the API table."""
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
KEYS = {"id", "user_id", "course_id", "status", "created_at"}
NOT_AUTHENTICATED = {"detail": "Not authenticated"}
ALREADY = {"detail": "Already enrolled in this course"}
NOT_FOUND = {"detail": "Enrollment not found"}


def call(svc, method, path, body=None, token=None):
    """(status, parsed JSON) for a JSON request, with a bearer token if given."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    status, _, data = svc.request(method, path, body=raw, headers=headers)
    return status, data


def sign_up(svc, email, role="student"):
    """Registers and logs in through the API; returns (user id, access token)."""
    status, user = call(svc, "POST", "/auth/register",
                        {"email": email, "first_name": "Ada", "last_name": "Lovelace",
                         "password": "correct horse", "role": role})
    assert status == 201, user
    status, tokens = call(svc, "POST", "/auth/login",
                          {"email": email, "password": "correct horse"})
    assert status == 200, tokens
    return user["id"], tokens["access_token"]


def enrol(svc, token, course_id, path="/enrollments"):
    status, body = call(svc, "POST", path, {"course_id": course_id}, token=token)
    assert status == 201, body
    return body


@pytest.fixture
def ada(service):
    return sign_up(service, "ada@example.com")


def test_enrol(service, ada):
    me, token = ada
    body = enrol(service, token, 42)
    assert set(body) == KEYS
    assert UUID.match(body["id"]) and TIME.match(body["created_at"])
    assert {k: body[k] for k in ("user_id", "course_id", "status")} == {
        "user_id": me, "course_id": 42, "status": "active"}
    assert call(service, "GET", "/enrollments", token=token) == (200, [body])


def test_trailing_slash_and_lax_integer(service, ada):
    _, token = ada
    # pydantic's lax mode, as FastAPI: 7.0 and "8" are integers
    assert enrol(service, token, 7.0, path="/enrollments/")["course_id"] == 7
    assert enrol(service, token, "8")["course_id"] == 8
    assert call(service, "GET", "/enrollments/", token=token)[0] == 200


def test_already_enrolled_409(service, ada):
    _, token = ada
    first = enrol(service, token, 42)
    assert call(service, "POST", "/enrollments", {"course_id": 42}, token=token) == (
        409, ALREADY)
    assert call(service, "GET", "/enrollments", token=token) == (200, [first])


def test_cancel_then_enrol_again(service, ada):
    _, token = ada
    first = enrol(service, token, 42)
    status, cancelled = call(service, "DELETE", f"/enrollments/{first['id']}", token=token)
    assert (status, cancelled) == (200, {**first, "status": "cancelled"})
    # a cancelled enrollment does not block enrolling again
    second = enrol(service, token, 42)
    assert second["id"] != first["id"] and second["status"] == "active"
    assert call(service, "POST", "/enrollments", {"course_id": 42}, token=token) == (
        409, ALREADY)
    # cancelling twice answers the cancelled enrollment again
    assert call(service, "DELETE", f"/enrollments/{first['id']}/", token=token) == (
        200, cancelled)
    assert call(service, "GET", "/enrollments", token=token) == (200, [second, cancelled])


def test_list_newest_first_and_only_mine(service, ada):
    _, token = ada
    _, other = sign_up(service, "grace@example.com", role="instructor")
    mine = [enrol(service, token, c) for c in (3, 1, 2)]
    theirs = enrol(service, other, 3)
    assert call(service, "GET", "/enrollments", token=token) == (200, mine[::-1])
    assert call(service, "GET", "/enrollments", token=other) == (200, [theirs])


def test_empty_list(service, ada):
    assert call(service, "GET", "/enrollments", token=ada[1]) == (200, [])


def test_cancel_other_users_enrollment_404(service, ada):
    _, token = ada
    _, other = sign_up(service, "eve@example.com")
    theirs = enrol(service, other, 5)
    assert call(service, "DELETE", f"/enrollments/{theirs['id']}", token=token) == (
        404, NOT_FOUND)
    assert call(service, "GET", "/enrollments", token=other) == (200, [theirs])  # untouched


@pytest.mark.parametrize("eid", ["0190b3c4-0000-7000-8000-000000000000", "not-a-uuid",
                                 "1' OR '1'='1", "0190b3c4000070008000000000000000"])
def test_cancel_missing_or_malformed_404(service, ada, eid):
    assert call(service, "DELETE", f"/enrollments/{eid.replace(' ', '%20')}",
                token=ada[1]) == (404, NOT_FOUND)


def test_cancel_with_uppercase_id(service, ada):
    _, token = ada
    e = enrol(service, token, 9)
    assert call(service, "DELETE", f"/enrollments/{e['id'].upper()}", token=token) == (
        200, {**e, "status": "cancelled"})


def test_concurrent_enrolments_one_wins(service, ada):
    _, token = ada
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(
            lambda _: call(service, "POST", "/enrollments", {"course_id": 77}, token=token),
            range(24)))
    statuses = sorted(s for s, _ in results)
    assert statuses == [201] + [409] * 23, results
    assert all(body == ALREADY for s, body in results if s == 409)
    assert len(call(service, "GET", "/enrollments", token=token)[1]) == 1


@pytest.mark.parametrize("method,path", [("POST", "/enrollments"), ("GET", "/enrollments"),
                                         ("DELETE", "/enrollments/0190b3c4-0000-7000-8000-"
                                                    "000000000000")])
def test_enrollment_endpoints_need_a_token(service, method, path):
    body = {"course_id": 1} if method == "POST" else None
    assert call(service, method, path, body) == (401, NOT_AUTHENTICATED)
    status, data = call(service, method, path, body, token="x.y.z")
    assert status == 401 and isinstance(data["detail"], str), data


def err(type_, msg, input_, ctx=None, loc=("body", "course_id")):
    e = {"type": type_, "loc": list(loc), "msg": msg, "input": input_}
    if ctx is not None:
        e["ctx"] = ctx
    return e


ENROL_422 = [
    ({"course_id": 0}, err("greater_than_equal", "Input should be greater than or equal to 1", 0,
                           {"ge": 1})),
    ({"course_id": -5}, err("greater_than_equal", "Input should be greater than or equal to 1",
                            -5, {"ge": 1})),
    ({"course_id": 2147483648}, err("less_than_equal",
                                    "Input should be less than or equal to 2147483647",
                                    2147483648, {"le": 2147483647})),
    ({"course_id": "abc"}, err("int_parsing", "Input should be a valid integer, unable to "
                               "parse string as an integer", "abc")),
    ({"course_id": None}, err("int_type", "Input should be a valid integer", None)),
    ({}, err("missing", "Field required", {})),
    ({"course": 1}, err("missing", "Field required", {"course": 1})),
]


@pytest.mark.parametrize("body,error", ENROL_422)
def test_enrol_validation_422(service, ada, body, error):
    _, token = ada
    assert call(service, "POST", "/enrollments", body, token=token) == (
        422, {"detail": [error]})
    assert call(service, "GET", "/enrollments", token=token) == (200, [])


def test_enrol_body_not_an_object_or_malformed_422(service, ada):
    _, token = ada
    assert call(service, "POST", "/enrollments", "42", token=token) == (422, {"detail": [{
        "type": "model_attributes_type", "loc": ["body"],
        "msg": "Input should be a valid dictionary or object to extract fields from",
        "input": "42"}]})
    status, body = call(service, "POST", "/enrollments", b"{course_id: 1}", token=token)
    assert status == 422 and body["detail"][0]["type"] == "json_invalid", body
    assert call(service, "POST", "/enrollments", b"", token=token) == (422, {"detail": [{
        "type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]})
