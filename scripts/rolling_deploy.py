"""rolling_deploy.py — `make topology-test`: a rolling deploy under load with
zero failed requests (docs/deploy.md).

Starts the topology (scripts/topology.py) with 3 instances, puts wrk load on
GET /auth/me through haproxy, and meanwhile:
  1. applies an additive migration (a new nullable column) with
     `retort upgrade head` through pgbouncer in transaction mode, while the
     instances of the previous build keep serving;
  2. replaces the instances one by one: SIGTERM (the instance's /ready turns
     503, haproxy's check takes it out, then the listener closes), start the
     new one on the same port, wait until it is ready.
Then checks wrk's report: 0 non-2xx responses and 0 socket errors.

The replacement is the same binary: this build does not know the added
revision, and ALLOW_NEWER_SCHEMA=true is what lets an instance serve a
database one additive step ahead — exactly what the previous build does
during a real deploy.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from topology import REPO, SERVICE_DIR, Topology  # noqa: E402

ADDITIVE = """-- add_nickname_to_users
--
-- Revision ID: {rev}
-- Revises: {down}
-- Create Date: 2026-12-07 00:00:00.000000

-- retort:upgrade
ALTER TABLE users ADD COLUMN nickname VARCHAR(64);

-- retort:downgrade
ALTER TABLE users DROP COLUMN nickname;
"""


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def head_revision():
    p = subprocess.run(["sed", "-n", "s/^-- Revision ID: //p"],
                       input="".join(f.read_text() for f in sorted(
                           (SERVICE_DIR / "migrations" / "versions").glob("*.sql"))),
                       capture_output=True, text=True, check=True)
    revs = p.stdout.split()
    downs = set(re.findall(r"^-- Revises: (\S+)", "".join(
        f.read_text() for f in (SERVICE_DIR / "migrations" / "versions").glob("*.sql")), re.M))
    heads = [r for r in revs if r not in downs]
    assert len(heads) == 1, heads
    return heads[0]


def expand_project(root):
    """A copy of the service's migrations plus the additive script."""
    shutil.copytree(SERVICE_DIR / "migrations", root / "migrations")
    (root / "migrations" / "versions" / "de910e000001_add_nickname_to_users.sql").write_text(
        ADDITIVE.format(rev="de910e000001", down=head_revision()))
    ini = root / "retort.ini"
    ini.write_text("[retort]\nscript_location = migrations\nversion_table = retort_version\n")
    return ini


def parse_wrk(out):
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(map(int, m.groups())) if m else 0
    return requests, non2xx, socket_errors


def main(argv):
    ap = argparse.ArgumentParser(prog="scripts/rolling_deploy.py")
    ap.add_argument("--build", default=os.environ.get("BUILD_DIR", str(REPO / "build")))
    ap.add_argument("--duration", type=int, default=30, help="seconds of wrk load")
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args(argv)
    env = {"DATABASE_NAMED_STATEMENTS": "false", "DRAIN_SECONDS": "1",
           "ALLOW_NEWER_SCHEMA": "true", "LOG_LEVEL": "warning"}
    with Topology(args.build, instances=3, service_env=env) as topo, \
            tempfile.TemporaryDirectory() as tmp:
        base = topo.haproxy_url
        call(base, "POST", "/auth/register", {"email": "deploy@example.com", "first_name": "D",
                                              "last_name": "Eploy", "password": "correct horse"})
        token = call(base, "POST", "/auth/login", {"email": "deploy@example.com",
                                                   "password": "correct horse"})["access_token"]
        wrk = subprocess.Popen(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "-H",
             f"Authorization: Bearer {token}", f"{base}/auth/me"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t0 = time.monotonic()
        time.sleep(2)
        ini = expand_project(Path(tmp))
        p = subprocess.run([str(topo.retort_bin), "-c", str(ini), "--url", topo.pooler_url,
                            "upgrade", "head"], capture_output=True, text=True, timeout=120)
        print(p.stderr, end="")
        if p.returncode != 0:
            wrk.kill()
            print("rolling-deploy: the migration failed", file=sys.stderr)
            return 1
        for i in range(topo.n):
            topo.stop_instance(i)
            topo.start_instance(i)
            time.sleep(1.5)  # haproxy's check: rise 2 x 300 ms
            print(f"instance {i} replaced at {time.monotonic() - t0:.1f}s", flush=True)
        deployed = time.monotonic() - t0
        out, _ = wrk.communicate(timeout=args.duration + 60)
        print(out)
        if deployed > args.duration:
            print(f"rolling-deploy: the deploy ({deployed:.0f}s) outlasted the load; "
                  "raise --duration", file=sys.stderr)
            return 1
        cols = subprocess.run(["psql", "-X", "-At", "-d", topo.primary_url, "-c",
                               "SELECT count(*) FROM information_schema.columns WHERE "
                               "table_name = 'users' AND column_name = 'nickname'"],
                              capture_output=True, text=True).stdout.strip()
        requests, non2xx, socket_errors = parse_wrk(out)
        print(f"rolling deploy: {requests} requests, {non2xx} non-2xx, "
              f"{socket_errors} socket errors; migration applied: {cols == '1'}")
        return 0 if requests > 0 and non2xx == 0 and socket_errors == 0 and cols == "1" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
