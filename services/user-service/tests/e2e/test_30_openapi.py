"""/openapi.json over real HTTP: the document the service generates from its
route table and schema descriptor tables.

* A real OpenAPI 3.1 validator (@seriousme/openapi-schema-validator, pinned
  in package-lock.json, installed by scripts/bootstrap) accepts it, and
  refuses a broken copy (so the check can fail).
* Every route the service answers is in it, and nothing else: each
  documented operation is requested and is served (never 404/405), and each
  other method on a documented path answers 405; auth routes carry the
  bearer requirement and a 401, routes with a body a 422.
* Every field of every descriptor table in src/schemas/*.c appears in its
  component, with its type, format, bounds, choices, default, nullability
  and whether it is required (the tables are read from the C source).
* Real answers on both databases (register 201, login 200, me, profile,
  enrollments, 400/401/403/404/409/422) validate against the schema the
  document declares for their path and status (Draft 2020-12, formats
  checked, no undeclared keys), so the document and the serialiser agree.
* ROOT_PATH becomes the server and the pages' URLs; DOCS_ENABLED=false
  (and production by default) answers 404; missing assets stop the start.
"""
import copy
import json
import re
import subprocess

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from conftest import REPO, SERVICE_DIR, Database

VALIDATE_API = REPO / "node_modules" / ".bin" / "validate-api"
SCHEMAS_SRC = SERVICE_DIR / "src" / "schemas"
ASSETS = REPO / "node_modules"

# The API the tests know (docs/api.md): (method, path) -> needs a token.
ROUTES = {
    ("get", "/health"): False,
    ("get", "/ready"): False,
    ("post", "/auth/register"): False,
    ("post", "/auth/login"): False,
    ("post", "/auth/refresh"): False,
    ("get", "/auth/me"): True,
    ("get", "/profile"): True,
    ("put", "/profile"): True,
    ("put", "/profile/instructor"): True,
    ("post", "/profile/avatar"): True,
    ("post", "/enrollments"): True,
    ("get", "/enrollments"): True,
    ("delete", "/enrollments/{id}"): True,
}
METHODS = ["get", "post", "put", "patch", "delete"]


def docs_env(**extra):
    return {"DOCS_ENABLED": "true", **extra}


@pytest.fixture
def sqlite_db(tmp_path):
    path = tmp_path / "smartcourse.db"
    db = Database("sqlite", f"sqlite:///{path}", path)
    db.retort("upgrade", "head")
    return db


@pytest.fixture
def docs_service(sqlite_db, start_service):
    return start_service(sqlite_db, **docs_env())


def fetch_document(svc):
    status, headers, doc = svc.request("GET", "/openapi.json")
    assert status == 200, doc
    assert headers["content-type"] == "application/json"
    assert isinstance(doc, dict)
    return doc


# --- the document is valid OpenAPI 3.1 ----------------------------------


def validate_api(path):
    return subprocess.run([str(VALIDATE_API), str(path)], capture_output=True, text=True,
                          timeout=120)


def test_document_passes_openapi_31_validator(docs_service, tmp_path):
    doc = fetch_document(docs_service)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "SmartCourse User Service"
    good = tmp_path / "openapi.json"
    good.write_text(json.dumps(doc))
    proc = validate_api(good)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["valid"] is True

    # the validator does refuse: an operation whose response lacks its
    # description, and a $ref to nowhere
    broken = copy.deepcopy(doc)
    del broken["paths"]["/auth/me"]["get"]["responses"]["200"]["description"]
    broken["paths"]["/auth/login"]["post"]["requestBody"]["content"]["application/json"][
        "schema"] = {"$ref": "#/components/schemas/Nowhere"}
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(broken))
    proc = validate_api(bad)
    assert proc.returncode != 0, proc.stdout
    assert json.loads(proc.stdout)["valid"] is False


def test_document_caching(docs_service):
    status, headers, _ = docs_service.request("GET", "/openapi.json")
    assert status == 200
    assert headers["cache-control"] == "no-cache"
    etag = headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{16}"', etag)
    status, headers, body = docs_service.request("GET", "/openapi.json",
                                                 headers={"If-None-Match": etag})
    assert status == 304 and body is None
    status, _, _ = docs_service.request("GET", "/openapi.json",
                                        headers={"If-None-Match": '"0000000000000000"'})
    assert status == 200


# --- every route, and only the routes -----------------------------------


def operations(doc):
    return {(m, p): op for p, item in doc["paths"].items() for m, op in item.items()}


def test_every_route_is_documented(docs_service):
    doc = fetch_document(docs_service)
    ops = operations(doc)
    assert set(ops) == set(ROUTES)
    ids = [op["operationId"] for op in ops.values()]
    assert len(set(ids)) == len(ids), ids
    for key, op in ops.items():
        auth = ROUTES[key]
        assert op["summary"], key
        responses = op["responses"]
        assert any(code.startswith("2") for code in responses), key
        assert ("security" in op) == auth, key
        if auth:
            assert op["security"] == [{"HTTPBearer": []}]
            assert responses["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/HTTPError"}
        if "requestBody" in op:
            assert op["requestBody"]["required"] is True
            assert responses["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/HTTPValidationError"}
        else:
            assert "422" not in responses, key
        names = re.findall(r"{(\w+)}", key[1])
        assert [p["name"] for p in op.get("parameters", [])] == names
        assert all(p["in"] == "path" and p["required"] for p in op.get("parameters", []))
    bearer = doc["components"]["securitySchemes"]["HTTPBearer"]
    assert (bearer["type"], bearer["scheme"], bearer["bearerFormat"]) == ("http", "bearer", "JWT")


def test_documented_operations_are_served(docs_service):
    """Each documented method is routed (whatever it answers without a body
    or a token, never 404 or 405), and every other method of a documented
    path is 405: the document and the route table list the same routes."""
    doc = fetch_document(docs_service)
    for path, item in doc["paths"].items():
        url = path.replace("{id}", "01a20d06-e083-7412-a8fd-97065a7e5037")
        for method in METHODS:
            status, headers, body = docs_service.request(method.upper(), url)
            if method in item:
                assert status not in (404, 405), (method, path, status, body)
            else:
                assert status == 405, (method, path, status, body)
                allowed = {m.strip().lower() for m in headers["allow"].split(",")}
                assert allowed == set(item), (path, allowed)


# --- every field of every descriptor table ------------------------------


def c_constants():
    """Names the tables use for values: #define X "text" and enum members."""
    consts = {}
    for src in list(SCHEMAS_SRC.glob("*.[ch]")):
        text = src.read_text()
        for name, value in re.findall(r'#define\s+(\w+)\s+"([^"]*)"', text):
            consts[name] = f'"{value}"'
        for name, value in re.findall(r"\b([A-Z_]+)\s*=\s*(\d+)\b", text):
            consts[name] = value
    return consts


def split_row(row):
    """The comma-separated items of one {...} table row (strings kept whole)."""
    items, cur, quoted, i = [], "", False, 0
    while i < len(row):
        ch = row[i]
        if ch == "\\" and quoted:
            cur += row[i:i + 2]
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    items.append(cur.strip())
    return items


def c_value(token, consts):
    """A C initializer: "a" "b" concatenation, constants, numbers, NULL."""
    token = " ".join(consts.get(t, t) for t in token.split())
    if token == "NULL":
        return None
    if token.startswith('"'):
        return "".join(json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', token))
    return int(token)


def schema_tables():
    """{component name: [field dict, ...]} from SCHEMA_DEFINE(...) in the C
    source, base fields first."""
    consts = c_constants()
    tables, defined = {}, {}
    for src in SCHEMAS_SRC.glob("*.c"):
        text = src.read_text()
        for name, body in re.findall(
                r"static const schema_field (\w+)\[\] = \{(.*?)\n\};", text, re.S):
            rows = re.findall(r"\{([^{}]*)\}", body)
            tables[name] = []
            for row in rows:
                items = split_row(" ".join(row.split()))
                flags = items[2]
                tables[name].append({
                    "name": c_value(items[0], consts), "type": items[1],
                    "optional": "OPTIONAL" in flags or "OPT_NULL" in flags,
                    "nullable": "NULLABLE" in flags or "OPT_NULL" in flags,
                    "write_only": "WRITE_ONLY" in flags,
                    "min": c_value(items[3], consts), "max": c_value(items[4], consts),
                    "choices": c_value(items[5], consts), "fallback": c_value(items[6], consts),
                })
        # SCHEMA_DEFINE(var, table), SCHEMA_DEFINE_NESTED(var, table, objects),
        # SCHEMA_DEFINE_EXTENDS(var, base, table, objects)
        for kind, args in re.findall(r"SCHEMA_DEFINE(_EXTENDS|_NESTED)?\(([^)]*)\)", text):
            args = [a.strip() for a in args.split(",")]
            defined[args[0]] = (args[1], args[2]) if kind == "_EXTENDS" else (None, args[1])
    assert tables and defined, "no descriptor tables found in src/schemas"

    def fields(var):
        base, table = defined[var]
        return (fields(base) if base else []) + tables[table]

    def component(var):
        return "".join(part.capitalize() for part in var[len("schema_"):].split("_"))

    return {component(var): fields(var) for var in defined}


TYPES = {"SCHEMA_STRING": ("string", None), "SCHEMA_EMAIL": ("string", "email"),
         "SCHEMA_CHOICE": ("string", None), "SCHEMA_INT": ("integer", None),
         "SCHEMA_BOOL": ("boolean", None), "SCHEMA_NUMBER": ("number", None),
         "SCHEMA_UUID": ("string", "uuid"), "SCHEMA_DATETIME": ("string", "date-time")}


def test_every_schema_field_appears(docs_service):
    doc = fetch_document(docs_service)
    components = doc["components"]["schemas"]
    tables = schema_tables()
    assert len(tables) >= 15, sorted(tables)
    for name, fields in tables.items():
        assert name in components, f"{name} is not in the document"
        comp = components[name]
        assert comp["type"] == "object"
        assert list(comp["properties"]) == [f["name"] for f in fields], name
        assert comp.get("required", []) == [f["name"] for f in fields if not f["optional"]]
        for f in fields:
            prop = dict(comp["properties"][f["name"]])
            where = f"{name}.{f['name']}"
            if f["fallback"] is not None:
                assert prop.pop("default") == json.loads(f["fallback"]), where
            if f["nullable"]:
                assert prop["anyOf"][1] == {"type": "null"}, where
                prop = prop["anyOf"][0]
            if f["type"] == "SCHEMA_OBJECT":
                assert prop["$ref"].startswith("#/components/schemas/"), where
                assert prop["$ref"].rsplit("/", 1)[1] in components, where
                continue
            type_, fmt = TYPES[f["type"]]
            assert prop["type"] == type_, where
            if f["write_only"]:
                assert prop["writeOnly"] is True and prop["format"] == "password", where
            else:
                assert prop.get("format") == fmt, where
            if f["type"] in ("SCHEMA_STRING", "SCHEMA_EMAIL"):
                assert prop.get("minLength") == (f["min"] or None), where
                assert prop.get("maxLength") == (f["max"] or None), where
            if f["type"] == "SCHEMA_INT" and (f["min"] or f["max"]):
                assert prop["minimum"] == f["min"], where
                assert prop.get("maximum") == (f["max"] or None), where
            if f["type"] == "SCHEMA_CHOICE":
                assert prop["enum"] == f["choices"].split("|"), where
    # the register body as DESIGN §4 states it, read from the document
    reg = components["UserRegister"]["properties"]
    assert reg["email"]["format"] == "email"
    assert (reg["password"]["minLength"], reg["password"]["maxLength"]) == (8, 100)
    assert reg["role"] == {"type": "string", "enum": ["student", "instructor"],
                           "default": "student"}
    assert components["User"]["properties"]["id"] == {"type": "string", "format": "uuid"}


# --- real answers validate against the declared schemas -----------------


def format_checker():
    """uuid, email and date-time checked here, not through optional
    packages that may be missing."""
    checker = FormatChecker(formats=())
    checker.checks("uuid")(lambda v: not isinstance(v, str) or bool(re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", v)))
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", v)))
    checker.checks("email")(lambda v: not isinstance(v, str) or bool(re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[^@\s]+", v)))
    return checker


class Contract:
    """Validates a real answer against the document's schema for its
    operation and status. Components are made strict (no undeclared
    keys), so a key the serialiser writes and the document lacks fails."""

    def __init__(self, doc):
        self.doc = doc
        self.components = copy.deepcopy(doc["components"])
        for comp in self.components["schemas"].values():
            if "properties" in comp:
                comp["additionalProperties"] = False
        self.checker = format_checker()
        self.seen = set()

    def check(self, method, path, status, body):
        op = self.doc["paths"][path][method]
        declared = op["responses"].get(str(status))
        assert declared, f"{method} {path} answered {status}, not in the document"
        schema = dict(declared["content"]["application/json"]["schema"])
        schema["components"] = self.components
        Draft202012Validator.check_schema(schema)
        errors = list(Draft202012Validator(schema, format_checker=self.checker)
                      .iter_errors(body))
        assert not errors, f"{method} {path} {status}: {[e.message for e in errors]}\n{body}"
        self.seen.add((method, path, status))


def call(svc, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = None if body is None else json.dumps(body).encode()
    status, _, data = svc.request(method.upper(), path, body=raw, headers=headers)
    return status, data


def test_real_answers_match_the_document(migrated, start_service):
    svc = start_service(migrated, **docs_env())
    contract = Contract(fetch_document(svc))

    def do(method, template, status, body=None, token=None, url=None):
        got, data = call(svc, method, url or template, body, token)
        assert got == status, (method, template, got, data)
        contract.check(method, template, got, data)
        return data

    ada = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
           "password": "correct horse", "phone_number": "+441234567890"}
    grace = {"email": "grace@example.com", "first_name": "Grace", "last_name": "Hopper",
             "password": "correct horse", "role": "instructor"}
    do("post", "/auth/register", 201, ada)
    do("post", "/auth/register", 201, grace)
    do("post", "/auth/register", 400, ada)
    do("post", "/auth/register", 422, {"email": "nope", "first_name": "", "password": "x",
                                       "role": "admin"})
    tokens = do("post", "/auth/login", 200, {"email": ada["email"], "password": ada["password"]})
    do("post", "/auth/login", 401, {"email": ada["email"], "password": "wrong password"})
    do("post", "/auth/login", 422, {"email": ada["email"]})
    do("post", "/auth/refresh", 200, {"refresh_token": tokens["refresh_token"]})
    do("post", "/auth/refresh", 401, {"refresh_token": tokens["access_token"]})
    token = tokens["access_token"]
    grace_token = do("post", "/auth/login", 200,
                     {"email": grace["email"], "password": grace["password"]})["access_token"]

    do("get", "/auth/me", 200, token=token)
    do("get", "/auth/me", 401)
    do("get", "/profile", 200, token=token)
    do("get", "/profile", 200, token=grace_token)
    do("put", "/profile", 200, {"first_name": "Augusta Ada", "phone_number": None}, token)
    do("put", "/profile", 422, {"last_name": None, "phone_number": "123"}, token)
    do("put", "/profile/instructor", 200,
       {"bio": "Wrote the first compiler.", "profile_picture_url": "https://example.com/g.png"},
       grace_token)
    do("put", "/profile/instructor", 403, {"bio": "x"}, token)
    created = do("post", "/enrollments", 201, {"course_id": 42}, token)
    do("post", "/enrollments", 201, {"course_id": 7}, token)
    do("post", "/enrollments", 409, {"course_id": 42}, token)
    do("post", "/enrollments", 422, {"course_id": 0}, token)
    listed = do("get", "/enrollments", 200, token=token)
    assert len(listed) == 2
    do("delete", "/enrollments/{id}", 200, token=token, url=f"/enrollments/{created['id']}")
    do("delete", "/enrollments/{id}", 404, token=token, url="/enrollments/not-a-uuid")
    do("get", "/health", 200)
    do("get", "/ready", 200)
    assert {s for _, _, s in contract.seen} >= {200, 201, 400, 401, 403, 404, 409, 422}


def test_a_wrong_answer_fails_the_contract(docs_service):
    """The check can fail: a user missing a field, one with an extra key,
    and a malformed id are each refused."""
    contract = Contract(fetch_document(docs_service))
    user = {"id": "01a20d06-400c-77fe-ad2a-d962d295265d", "email": "ada@example.com",
            "first_name": "Ada", "last_name": "Lovelace", "role": "student",
            "is_active": True, "is_verified": False, "phone_number": None,
            "created_at": "2026-11-24T10:07:23.148106Z",
            "updated_at": "2026-11-24T10:07:23.148106Z"}
    contract.check("get", "/auth/me", 200, user)
    for wrong in ({k: v for k, v in user.items() if k != "role"}, {**user, "password": "x"},
                  {**user, "id": "42"}, {**user, "created_at": "yesterday"}):
        with pytest.raises(AssertionError):
            contract.check("get", "/auth/me", 200, wrong)


# --- settings ------------------------------------------------------------


def test_root_path_is_the_server(sqlite_db, start_service):
    svc = start_service(sqlite_db, **docs_env(ROOT_PATH="/user-service"))
    doc = fetch_document(svc)
    assert doc["servers"] == [{"url": "/user-service"}]
    for page, wanted in (("/docs", ['"/user-service/openapi.json"',
                                    '"/user-service/docs/swagger-ui-bundle.js"']),
                         ("/redoc", ['"/user-service/openapi.json"',
                                     '"/user-service/redoc/redoc.standalone.js"'])):
        status, headers, body = svc.request("GET", page)
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        for text in wanted:
            assert text in body.decode(), (page, text)
    # the service itself still answers at its own paths: the proxy strips the prefix
    assert svc.request("GET", "/health")[0] == 200
    svc.stop()

    svc = start_service(sqlite_db, **docs_env())
    assert "servers" not in fetch_document(svc)
    assert b'"/openapi.json"' in svc.request("GET", "/docs")[2]


@pytest.mark.parametrize("bad", ["user-service", "/user-service/", "/a b", '/x"><script>'])
def test_bad_root_path_refused(sqlite_db, start_service, bad):
    svc = start_service(sqlite_db, wait=False, **docs_env(ROOT_PATH=bad))
    assert svc.proc.wait(timeout=30) == 1
    assert "ROOT_PATH must be empty or a path like /user-service" in svc.log()


DOCS_PATHS = ["/openapi.json", "/docs", "/redoc", "/docs/swagger-ui.css",
              "/redoc/redoc.standalone.js"]


@pytest.mark.parametrize("env", [{"DOCS_ENABLED": "false"},
                                 {"DOCS_ENABLED": "false", "APP_ENV": "development"},
                                 {}],  # production, the default APP_ENV
                         ids=["false", "false-in-development", "production-default"])
def test_docs_off_is_404(sqlite_db, start_service, env):
    svc = start_service(sqlite_db, DOCS_ASSETS_DIR="/nonexistent", **env)
    for path in DOCS_PATHS:
        status, _, body = svc.request("GET", path)
        assert (status, body) == (404, {"detail": "Not Found"}), path
    assert svc.request("GET", "/health")[0] == 200


def test_docs_on_in_development_by_default(sqlite_db, start_service):
    svc = start_service(sqlite_db, APP_ENV="development")
    for path in DOCS_PATHS:
        assert svc.request("GET", path)[0] == 200, path


def test_missing_assets_stop_the_start(sqlite_db, start_service, tmp_path):
    empty = tmp_path / "no-assets"
    empty.mkdir()
    svc = start_service(sqlite_db, wait=False, **docs_env(DOCS_ASSETS_DIR=empty))
    assert svc.proc.wait(timeout=30) == 1
    log = svc.log()
    assert f"DOCS_ASSETS_DIR: cannot read '{empty}/swagger-ui-dist/swagger-ui-bundle.js' " \
           "(No such file or directory); run scripts/bootstrap" in log, log
    assert "DOCS_ENABLED=false" in log


def test_bad_docs_enabled_refused(sqlite_db, start_service):
    svc = start_service(sqlite_db, wait=False, DOCS_ENABLED="sometimes")
    assert svc.proc.wait(timeout=30) == 1
    assert "DOCS_ENABLED must be true, false or auto, got 'sometimes'" in svc.log()


# --- the static files ----------------------------------------------------

STATIC = [
    ("/docs/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui-bundle.js",
     "text/javascript; charset=utf-8"),
    ("/docs/swagger-ui.css", "swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"),
    ("/docs/favicon-32x32.png", "swagger-ui-dist/favicon-32x32.png", "image/png"),
    ("/redoc/redoc.standalone.js", "redoc/bundles/redoc.standalone.js",
     "text/javascript; charset=utf-8"),
]


def test_static_files(docs_service):
    for url, file, ctype in STATIC:
        status, headers, body = docs_service.request("GET", url)
        assert status == 200, url
        assert headers["content-type"] == ctype, url
        assert headers["cache-control"] == "public, max-age=86400", url
        assert body == (ASSETS / file).read_bytes(), url
        etag = headers["etag"]
        status, headers, body = docs_service.request("GET", url, headers={"If-None-Match": etag})
        assert (status, body) == (304, None), url
        assert headers["etag"] == etag
        status, headers, _ = docs_service.request("HEAD", url)
        assert status == 200 and int(headers["content-length"]) == (ASSETS / file).stat().st_size


NOT_SERVED = [
    "/docs/index.html", "/docs/swagger-ui-bundle.js.map", "/docs/package.json",
    "/docs/../package.json", "/docs/%2e%2e/package.json", "/docs/..%2f..%2fpackage.json",
    "/docs/redoc.standalone.js", "/redoc/swagger-ui.css", "/redoc/../../etc/passwd",
    "/docs/swagger-ui-dist/swagger-ui.css", "/docs/", "/redoc/",
]


def test_only_the_listed_files(docs_service):
    """Other names, other folders' files and traversals are all 404: a
    request names one of the fixed list or nothing."""
    for path in NOT_SERVED:
        status, _, body = docs_service.request("GET", path)
        if path.endswith("/"):  # the trailing slash is dropped: the page itself
            assert status == 200, path
            continue
        assert (status, body) == (404, {"detail": "Not Found"}), path
