"""POST /profile/avatar: multipart/form-data, the image in the part "file",
parsed by libmicrohttpd's post processor. The kind is decided by the bytes
(PNG, JPEG, GIF, WebP magic), the name is generated, the file lands in
MEDIA_DIR and its URL (PUBLIC_BASE_URL + /media/<name>) in the caller's
profile. Everything else is a 4xx in FastAPI's shape with nothing stored."""
import json
import re
import secrets
import socket

import pytest

PASSWORD = "correct horse"
IMAGES = {
    ".png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    ".jpg": b"\xff\xd8\xff\xe0" + b"\0" * 64,
    ".gif": b"GIF89a" + b"\0" * 64,
    ".webp": b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 64,
}
BASE = "https://cdn.example.org/users/"
MISSING = {"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field required",
                       "input": None}]}


def multipart(parts):
    """(body, content type) for [(name, filename or None, content type, bytes)]."""
    boundary = "b" + secrets.token_hex(8)
    out = b""
    for name, filename, ctype, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += (f"--{boundary}\r\nContent-Disposition: {disp}\r\n"
                f"Content-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media-root"


@pytest.fixture
def svc(migrated, start_service, media):
    return start_service(migrated, MEDIA_DIR=media, PUBLIC_BASE_URL=BASE)


def sign_up(service, email, role="student"):
    body = {"email": email, "password": PASSWORD, "first_name": "A", "last_name": "B",
            "role": role}
    assert service.request("POST", "/auth/register", json.dumps(body),
                           {"Content-Type": "application/json"})[0] == 201
    _, _, tokens = service.request("POST", "/auth/login",
                                   json.dumps({"email": email, "password": PASSWORD}),
                                   {"Content-Type": "application/json"})
    return tokens["access_token"]


def upload(service, token, parts=None, raw=None, ctype=None):
    if raw is None:
        raw, ctype = multipart(parts)
    headers = {"Content-Type": ctype}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, _, body = service.request("POST", "/profile/avatar", raw, headers)
    return status, body


def stored(media):
    return sorted(p.name for p in media.iterdir()) if media.exists() else []


def profile_of(service, token):
    _, _, body = service.request("GET", "/profile/", headers={"Authorization": f"Bearer {token}"})
    return body["student_profile"] or body["instructor_profile"]


def test_each_image_kind_is_stored_under_a_generated_name(svc, media):
    token = sign_up(svc, "ada@example.com")
    for ext, data in IMAGES.items():
        # the declared type and name prove nothing; the bytes decide
        status, body = upload(svc, token, [("file", "../../etc/x.txt", "text/plain", data)])
        assert status == 200, body
        url = body["profile_picture_url"]
        m = re.fullmatch(re.escape(BASE) + r"media/([0-9a-f-]{36})" + re.escape(ext), url)
        assert m, url
        assert (media / (m.group(1) + ext)).read_bytes() == data
        assert profile_of(svc, token)["profile_picture_url"] == url
    assert len(stored(media)) == 4


def test_instructor_profile_gets_the_picture(svc, media):
    token = sign_up(svc, "grace@example.com", role="instructor")
    status, body = upload(svc, token, [("note", None, "text/plain", b"hi"),
                                       ("file", "g.png", "image/png", IMAGES[".png"])])
    assert status == 200, body
    assert profile_of(svc, token)["profile_picture_url"] == body["profile_picture_url"]


def test_refusals_store_nothing(svc, media):
    token = sign_up(svc, "ada@example.com")
    not_image = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert upload(svc, token, [("file", "a.png", "image/png", not_image)]) == (
        400, {"detail": "File must be a PNG, JPEG, GIF or WebP image"})
    assert upload(svc, token, [("file", "e.png", "image/png", b"")])[0] == 400
    big = IMAGES[".png"] + b"\0" * (5 * 1024 * 1024)
    assert upload(svc, token, [("file", "big.png", "image/png", big)]) == (
        413, {"detail": "File too large: an avatar has at most 5 MB"})
    assert upload(svc, token, [("avatar", "a.png", "image/png", IMAGES[".png"])]) == \
        (422, MISSING)
    assert upload(svc, token, raw=json.dumps({"file": "x"}).encode(),
                  ctype="application/json") == (422, MISSING)
    assert upload(svc, token, raw=b"garbage", ctype="multipart/form-data") == (422, MISSING)
    assert upload(svc, None, [("file", "a.png", "image/png", IMAGES[".png"])]) == (
        401, {"detail": "Not authenticated"})
    assert stored(media) == []
    assert profile_of(svc, token)["profile_picture_url"] is None
    # a request far past the limit is refused from its Content-Length alone
    with socket.create_connection(("127.0.0.1", svc.port), timeout=30) as sock:
        sock.sendall(f"POST /profile/avatar HTTP/1.1\r\nHost: x\r\n"
                     f"Authorization: Bearer {token}\r\n"
                     f"Content-Type: multipart/form-data; boundary=x\r\n"
                     f"Content-Length: {7 * 1024 * 1024}\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")
    assert stored(media) == []
    assert svc.stop() == 0
