"""bench/multi_instance.py — GET /auth/me through haproxy with 1, 2 and 3 instances,
the instances' DATABASE_URL through pgbouncer (transaction mode, unnamed
statements) and direct to the primary (named statements), and through
pgbouncer with reads on the replica (DATABASE_READ_URL), on the topology of
scripts/topology.py. Prints a Markdown table: req/s, p50, p99, the ratio to
one instance direct, and CPU milliseconds per request of each component
(wrk, haproxy, the instances, pgbouncer, the primary, the replica).

    /usr/bin/python3 bench/multi_instance.py [--build build] [--duration 10] [--connections 32]

Not run by `make bench` nor CI: on a 2-core machine every component shares the
same two cores with the load generator, so more instances cannot add
throughput there; the CPU-per-request columns say where the time goes.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from topology import REPO, Topology  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return 0


def children(pid):
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == pid:
                out.append(int(p.name))
    return out


def postmaster_tree(datadir):
    pid = int((datadir / "postmaster.pid").read_text().split()[0])
    return [pid, *children(pid)]


def snapshot(topo):
    """CPU ticks by component. PostgreSQL backends come and go; pgbouncer and
    the instances hold theirs, so the sum over the live tree is close."""
    groups = {"haproxy": [topo.procs["haproxy"].pid],
              "instances": [p.pid for n, p in topo.procs.items() if n.startswith("service-")],
              "pgbouncer": children(topo.procs["pgbouncer"].pid) or [topo.procs["pgbouncer"].pid],
              "postgres": postmaster_tree(topo.root / "primary"),
              "replica": postmaster_tree(topo.root / "replica")}
    return {k: {pid: cpu_ticks(pid) for pid in v} for k, v in groups.items()}


def cpu_delta(before, after):
    return {k: sum(t - before[k].get(pid, 0) for pid, t in after[k].items()) / TICK
            for k in after}


def login(base):
    def call(path, body):
        req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())
    body = {"email": "bench@example.com", "first_name": "B", "last_name": "Ench",
            "password": "correct horse"}
    try:
        call("/auth/register", body)
    except urllib.error.HTTPError:
        pass
    return call("/auth/login", {"email": body["email"], "password": body["password"]})[
        "access_token"]


def run_case(build, instances, via, duration, connections):
    env = {"LOG_LEVEL": "warning", "WORKERS": "2"}
    if via != "pgbouncer+replica":
        env["DATABASE_READ_URL"] = None
    with Topology(build, instances=instances, service_env=env) as topo:
        if via == "direct":  # the instances are restarted on the primary
            topo.extra_env.update({"DATABASE_URL": topo.primary_url,
                                   "DATABASE_NAMED_STATEMENTS": "true"})
            for i in range(instances):
                topo.stop_instance(i)
                topo.start_instance(i)
            time.sleep(1)
        token = login(topo.haproxy_url)
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H",
               f"Authorization: Bearer {token}", f"{topo.haproxy_url}/auth/me"]
        before = snapshot(topo)
        t0 = os.times()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        t1 = os.times()
        after = snapshot(topo)
    cpu = cpu_delta(before, after)
    cpu["wrk"] = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    return {"instances": instances, "via": via, "rps": rps, "p50": lat.get("50"),
            "p99": lat.get("99"),
            "cpu_ms": {k: 1000 * v / max(requests, 1) for k, v in cpu.items()}}


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/multi_instance.py")
    ap.add_argument("--build", default=os.environ.get("BENCH_BUILD", str(REPO / "build")))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args(argv)
    rows = [run_case(args.build, k, via, args.duration, args.connections)
            for via in ("direct", "pgbouncer", "pgbouncer+replica") for k in (1, 2, 3)]
    base = next(r["rps"] for r in rows if r["instances"] == 1 and r["via"] == "direct")
    comps = ["wrk", "haproxy", "instances", "pgbouncer", "postgres", "replica"]
    print("| instances | database | req/s | vs 1 direct | p50 | p99 | "
          + " | ".join(f"CPU ms/req {c}" for c in comps) + " |")
    print("|" + " --- |" * (6 + len(comps)))
    for r in rows:
        print(f"| {r['instances']} | {r['via']} | {r['rps']:.0f} | {r['rps'] / base:.2f} | "
              f"{r['p50']} | {r['p99']} | "
              + " | ".join(f"{r['cpu_ms'][c]:.3f}" for c in comps) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
