"""Forged JWTs against a warm token cache: every token below is answered 401
by GET /auth/me ({"detail":"Could not validate credentials"},
WWW-Authenticate: Bearer), and is still refused the second time, so no
forgery is let in by the thread's verified-token cache (core/token_cache.c).

Each forged token is derived from a real access token. The real one is
used first (200, so the worker's cache holds it), then the forgery twice
(401, 401), then the real one again (200: the forgery did not push it out
with its claims). The service runs with WORKERS=1, so every request meets
the same thread, hence the same cache. Cases are data: FORGERIES is a list
of (name, builder), a builder turns the real token into a forgery; those
"signed" carry a correct HMAC-SHA-256 made with the service's key over
their own header and payload, so only the rule under test refuses them.

What test_12_auth_tokens.py already checks on a cold cache is not repeated
here: missing or wrong "type" values, claims of the wrong JSON type
(sub 12, exp "9999999999", exp 1e12, role 7, bad profile_id), missing
sub/exp/role, garbage strings ("a.b.c", "x" * 5000, ...), the header
"hs256", a missing alg and "crit", an empty signature, a header.payload
pair, sig.sig, a flipped signature bit, token + "A", the refresh flow, the
gateway header. iat is only required to be an integer when present
(core/security.c says no more), so a far-future iat is not tested.

The database does not matter here: one SQLite database, one service and
one user serve the whole module, which keeps the suite to a few seconds
under the sanitizers; the service must then exit 0 with no sanitizer
report."""
import base64
import hashlib
import hmac
import json
import subprocess
import time
import uuid

import pytest

from conftest import SECRET, SERVICE_BIN, Database, Service, service_env

PASSWORD = "correct horse"
BAD = {"detail": "Could not validate credentials"}
TOKEN_MAX = 1024  # CORE_TOKEN_MAX (core/security.h): a token is shorter
CACHED_MAX = 512  # CORE_CACHED_TOKEN_MAX (core/token_cache.h)


# ---- the service, one per module ----

def post(svc, path, payload):
    return svc.request("POST", path, body=json.dumps(payload).encode(),
                       headers={"Content-Type": "application/json"})


def me(svc, token):
    return svc.request("GET", "/auth/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jwt-forgery")
    db = Database("sqlite", f"sqlite:///{tmp / 'smartcourse.db'}", tmp / "smartcourse.db")
    db.retort("upgrade", "head")
    log_path = tmp / "service.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([SERVICE_BIN], cwd=tmp, stdout=log, stderr=log,
                                env=service_env(db.url, WORKERS=1))
    service = Service(proc, log_path)
    try:
        service.wait_listening()
        yield service
        assert service.stop() == 0, service.log()
        assert "Sanitizer" not in service.log() and "runtime error" not in service.log(), \
            service.log()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def user(svc):
    status, _, body = post(svc, "/auth/register", {
        "email": "forger@example.com", "first_name": "Ada", "last_name": "Lovelace",
        "password": PASSWORD, "role": "instructor"})
    assert status == 201, body
    status, _, tokens = post(svc, "/auth/login",
                             {"email": "forger@example.com", "password": PASSWORD})
    assert status == 200, tokens
    body["tokens"] = tokens
    return body


def assert_401(status, headers, body, expected=BAD):
    assert (status, body) == (401, expected)
    assert headers["www-authenticate"] == "Bearer"


def assert_me_200(svc, user, token):
    status, _, body = me(svc, token)
    assert (status, body["id"]) == (200, user["id"]), body


# ---- forging ----

def b64e(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def mac(signing, key=SECRET, digest=hashlib.sha256):
    return b64e(hmac.new(key.encode(), signing.encode(), digest).digest())


def signed(header, payload, key=SECRET, digest=hashlib.sha256):
    """header.payload.signature; header and payload are JSON text (bytes,
    used as they are, so they may hold duplicate keys or any byte) or
    already-encoded segments (str)."""
    h = header if isinstance(header, str) else b64e(header)
    p = payload if isinstance(payload, str) else b64e(payload)
    return f"{h}.{p}.{mac(f'{h}.{p}', key, digest)}"


HS256 = b'{"alg":"HS256","typ":"JWT"}'
HS256_B64 = b64e(HS256)  # the header the service issues, byte for byte


def claims(token, **over):
    c = json.loads(b64d(token.split(".")[1]))
    c.update(over)
    return c


def text(c, **raw):
    """JSON text of claims c where each placeholder value (a key of raw)
    is replaced by raw bytes: invalid UTF-8, escapes, more pairs."""
    out = json.dumps(c).encode()
    for placeholder, value in raw.items():
        assert placeholder.encode() in out
        out = out.replace(f'"{placeholder}"'.encode(), value)
    return out


def with_header(header_json, digest=hashlib.sha256, keep_sig=False):
    def build(tok):
        h, p, s = tok.split(".")
        if keep_sig:
            return f"{b64e(header_json)}.{p}.{s}"
        return signed(header_json, p, digest=digest)
    return build


def with_key(key):
    return lambda tok: signed(HS256, json.dumps(claims(tok)).encode(), key=key)


def with_claims(keep_sig=False, **over):
    """The token's claims changed by over; signed again with the right
    key, or with the original signature kept."""
    def build(tok):
        h, _, s = tok.split(".")
        p = b64e(json.dumps(claims(tok, **over)).encode())
        return f"{h}.{p}.{s}" if keep_sig else signed(h, p)
    return build


def with_payload(make):
    """Signs make(claims) (JSON text, bytes) with the right key."""
    return lambda tok: signed(HS256, make(claims(tok)))


def duplicate(key, forged, forged_first):
    """Payload with key twice: its real value and forged, in either order."""
    def make(c):
        real, fake = json.dumps(c[key]), json.dumps(forged)
        rest = json.dumps({k: v for k, v in c.items() if k != key})[1:-1]
        first, last = (fake, real) if forged_first else (real, fake)
        return f'{{"{key}": {first}, {rest}, "{key}": {last}}}'.encode()
    return with_payload(make)


def other_uuid(u):
    return u[:-1] + ("0" if u[-1] != "0" else "1")


def sized(length):
    """A correctly signed, valid-in-every-claim token of exactly length
    characters (a filler claim makes up the length)."""
    def build(tok):
        for n in range(length):
            t = signed(HS256, json.dumps(claims(tok, filler="f" * n)).encode())
            if len(t) == length:
                return t
            if len(t) > length:
                break
        raise AssertionError(f"no token of {length} characters")
    return build


def b64_std(tok):
    """The payload in the standard alphabet ('+', '/'), signed again; a
    filler claim is chosen so that the alphabet makes a difference."""
    for n in range(3):
        p = json.dumps(claims(tok, filler="?" * n + "~~~???>>>")).encode()
        std = base64.b64encode(p).rstrip(b"=").decode()
        if std != b64e(p):
            return signed(HS256_B64, std)
    raise AssertionError("no payload whose encodings differ")


def b64_padded(tok):
    """The payload with its '=' padding, signed again."""
    c = claims(tok, filler="")
    while len(json.dumps(c)) % 3 == 0:
        c["filler"] += "f"
    return signed(HS256_B64,
                  base64.urlsafe_b64encode(json.dumps(c).encode()).decode())


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def noncanonical(segment):
    """segment with the unused low bits of its last character set: lenient
    decoders read the same bytes from it."""
    assert len(segment) % 4 in (2, 3)
    last = B64.index(segment[-1])
    return segment[:-1] + B64[last | 1]


def noncanonical_sig(tok):
    h, p, s = tok.split(".")
    return f"{h}.{p}.{noncanonical(s)}"


def noncanonical_payload(tok):
    c = claims(tok, filler="")
    while len(json.dumps(c)) % 3 == 0:
        c["filler"] += "f"
    return signed(HS256_B64, noncanonical(b64e(json.dumps(c).encode())))


def now():
    return int(time.time())


def segments(make):
    return lambda tok: make(*tok.split("."))


FORGERIES = [
    # alg none, and other algorithms with a correctly keyed HMAC
    ("alg none, empty signature",
     segments(lambda h, p, s: b64e(b'{"alg":"none","typ":"JWT"}') + f".{p}.")),
    ("alg none, original signature", with_header(b'{"alg":"none","typ":"JWT"}', keep_sig=True)),
    ("alg none, HMAC-SHA-256 signature", with_header(b'{"alg":"none","typ":"JWT"}')),
    ("alg HS384, HMAC-SHA-384", with_header(b'{"alg":"HS384","typ":"JWT"}', hashlib.sha384)),
    ("alg HS384, HMAC-SHA-256", with_header(b'{"alg":"HS384","typ":"JWT"}')),
    ("alg HS512, HMAC-SHA-512", with_header(b'{"alg":"HS512","typ":"JWT"}', hashlib.sha512)),
    ("alg HS512, HMAC-SHA-256", with_header(b'{"alg":"HS512","typ":"JWT"}')),
    ("alg RS256, HMAC-SHA-256", with_header(b'{"alg":"RS256","typ":"JWT"}')),
    ("alg HS256 respelled, original signature",
     with_header(b'{"typ":"JWT","alg":"HS256"}', keep_sig=True)),
    ("typ JWE", with_header(b'{"alg":"HS256","typ":"JWE"}')),
    ("alg HS256, a NUL and more", with_header(b'{"alg":"HS256\\u0000none","typ":"JWT"}')),
    ("typ JWT, a NUL and more", with_header(b'{"alg":"HS256","typ":"JWT\\u0000x"}')),
    # the wrong key
    ("another key", with_key("another-key-" + "y" * 40)),
    ("the key less its last byte", with_key(SECRET[:-1])),
    ("the key and one byte more", with_key(SECRET + "x")),
    ("an empty key", with_key("")),
    # claims changed, the original signature kept
    ("sub changed", lambda t: with_claims(True, sub=other_uuid(claims(t)["sub"]))(t)),
    ("role changed", with_claims(True, role="admin")),
    ("exp changed", lambda t: with_claims(True, exp=claims(t)["exp"] + 3600)(t)),
    ("type changed", with_claims(True, type="refresh")),
    ("profile_id added", with_claims(True, profile_id=str(uuid.uuid4()))),
    # time, correctly signed
    ("expired", lambda t: with_claims(exp=now() - 1, iat=now() - 901)(t)),
    ("nbf in the future", lambda t: with_claims(nbf=now() + 300)(t)),
    ("nbf not an integer", with_claims(nbf="0")),
    ("iat not an integer", lambda t: with_claims(iat=str(now()))(t)),
    # too long, correctly signed and otherwise valid
    ("10 KB", sized(10 * 1024)),
    ("CORE_TOKEN_MAX characters", sized(TOKEN_MAX)),
    # duplicate keys, correctly signed
    ("two sub, forged first", lambda t: duplicate("sub", other_uuid(claims(t)["sub"]), True)(t)),
    ("two sub, forged last", lambda t: duplicate("sub", other_uuid(claims(t)["sub"]), False)(t)),
    ("two type, refresh first", duplicate("type", "refresh", True)),
    ("two type, refresh last", duplicate("type", "refresh", False)),
    ("two role", duplicate("role", "admin", False)),
    ("two exp, expired first", lambda t: duplicate("exp", now() - 10, True)(t)),
    ("header with two alg, none first", with_header(b'{"alg":"none","alg":"HS256","typ":"JWT"}')),
    ("header with two alg, none last", with_header(b'{"alg":"HS256","alg":"none","typ":"JWT"}')),
    ("header with two alg, both HS256",
     with_header(b'{"alg":"HS256","alg":"HS256","typ":"JWT"}')),
    # text that is not UTF-8 or not Unicode, correctly signed
    ("0xff in role",
     with_payload(lambda c: text(dict(c, role="@r"), **{"@r": b'"\xffinstructor"'}))),
    ("overlong '/' in sub", with_payload(
        lambda c: text(dict(c, sub="@s"), **{"@s": b'"' + c["sub"].encode() + b'\xc0\xaf"'}))),
    ("invalid UTF-8 in an unknown claim's name",
     with_payload(lambda c: text(dict(c, x="@x"), **{"@x": b'1, "\xfe\xfe": 2'}))),
    ("lone surrogate escape in role",
     with_payload(lambda c: text(dict(c, role="@r"), **{"@r": b'"instructor\\ud800"'}))),
    ("NUL escape in role",
     with_payload(lambda c: text(dict(c, role="@r"), **{"@r": b'"student\\u0000admin"'}))),
    ("0xff in the header", with_header(b'{"alg":"HS256","typ":"JWT","kid":"\xff"}')),
    # base64url that is not
    ("payload in the standard alphabet", b64_std),
    ("payload with '=' padding", b64_padded),
    ("signature with '=' padding", lambda t: t + "="),
    ("signature with non-canonical last character", noncanonical_sig),
    ("payload with non-canonical last character", noncanonical_payload),
    ("'*' in the signature", segments(lambda h, p, s: f"{h}.{p}.{s[:20]}*{s[21:]}")),
    ("'$' in the payload, signed", segments(lambda h, p, s: signed(h, p[:-2] + "$" + p[-1:]))),
    # segments
    ("a trailing dot", lambda t: t + "."),
    ("a leading dot", lambda t: "." + t),
    ("five segments", segments(lambda h, p, s: f"{h}.{p}.{s}.{p}.{s}")),
    ("empty header", segments(lambda h, p, s: f".{p}.{s}")),
    ("empty payload, signed", segments(lambda h, p, s: signed(h, ""))),
    ("header dropped", segments(lambda h, p, s: f"{p}.{s}")),
    ("signature alone", segments(lambda h, p, s: s)),
    # whitespace inside the token
    ("space after the first dot", segments(lambda h, p, s: f"{h}. {p}.{s}")),
    ("space inside the signature", segments(lambda h, p, s: f"{h}.{p}.{s[:20]} {s[20:]}")),
    ("tab inside the payload", segments(lambda h, p, s: f"{h}.{p[:10]}\t{p[10:]}.{s}")),
    ("the token then a space and more", lambda t: t + " x"),
]


@pytest.mark.parametrize("build", [b for _, b in FORGERIES], ids=[n for n, _ in FORGERIES])
def test_forgery_401_twice_after_the_real_token(svc, user, build):
    token = user["tokens"]["access_token"]
    forged = build(token)
    assert forged != token
    assert_me_200(svc, user, token)
    assert_401(*me(svc, forged))
    assert_401(*me(svc, forged))  # not cached by the first attempt
    assert_me_200(svc, user, token)


def test_the_forger_makes_valid_tokens(svc, user):
    """The builders above are right: the same construction with nothing
    wrong passes, at every length up to the limit, cached (<= 512
    characters) or not, so each refusal is about what its case changes."""
    token = user["tokens"]["access_token"]
    for t in (with_claims()(token), with_header(b'{"alg":"HS256","typ":"JWT"}')(token),
              with_header(b'{"alg":"HS256"}')(token), with_claims(nbf=now() - 5)(token),
              sized(CACHED_MAX)(token), sized(CACHED_MAX + 1)(token), sized(TOKEN_MAX - 1)(token)):
        assert_me_200(svc, user, t)
        assert_me_200(svc, user, t)


def test_refresh_token_is_not_an_access_token_when_cached(svc, user):
    """The refresh token verified (and cached) as a refresh token first."""
    refresh = user["tokens"]["refresh_token"]
    assert post(svc, "/auth/refresh", {"refresh_token": refresh})[0] == 200
    assert_401(*me(svc, refresh))
    assert_401(*me(svc, refresh))
    assert post(svc, "/auth/refresh", {"refresh_token": refresh})[0] == 200


def test_access_token_is_not_a_refresh_token_when_cached(svc, user):
    """The access token verified (and cached) as an access token first."""
    access = user["tokens"]["access_token"]
    assert_me_200(svc, user, access)
    refused = {"detail": "Invalid refresh token"}  # as the Python service says it
    assert_401(*post(svc, "/auth/refresh", {"refresh_token": access}), refused)
    assert_401(*post(svc, "/auth/refresh", {"refresh_token": access}), refused)
    assert_me_200(svc, user, access)
