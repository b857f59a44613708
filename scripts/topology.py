"""topology.py — the multi-instance topology on one machine (see scripts/topology).

A PostgreSQL primary, one streaming replica (pg_basebackup, hot standby),
pgbouncer in transaction pooling mode in front of the primary, N user-service
instances and haproxy balancing them with health checks on /ready. All on
loopback, in one throwaway directory, on free ports; Topology.stop() (and
the context manager) stops everything and deletes the directory.

The tests (tests/topology/) and the deploy script drive the same class, so
what `make test` checks is what `make topology` starts.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVICE_DIR = REPO / "services" / "user-service"
RETORT_INI = SERVICE_DIR / "retort.ini"
DB_NAME = "app"
START_TIMEOUT = 60  # seconds; the test build runs under the sanitizers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir():
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("no initdb under /usr/lib/postgresql/*/bin; run scripts/bootstrap")
    return found[-1].parent


def wait_for(what, ready, timeout=START_TIMEOUT, proc=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    tail = Path(log).read_text(errors="replace")[-3000:] if log and Path(log).exists() else ""
    raise RuntimeError(f"{what} did not start\n{tail}")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def http_status(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


class Topology:
    def __init__(self, build_dir, instances=3, service_bin=None, retort_bin=None,
                 service_env=None):
        self.build = Path(build_dir)
        self.service_bin = Path(service_bin or self.build / "services/user-service/user-service")
        self.retort_bin = Path(retort_bin or self.build / "retort/cli/retort")
        self.n = instances
        self.extra_env = dict(service_env or {})
        self.bindir = pg_bindir()
        self.root = None
        self.procs = {}  # name -> Popen (pgbouncer, haproxy, service-i)
        self.ports = {}
        self.pg_dirs = []

    # -- running things as the server user -------------------------------
    def _as_server(self, cmd):
        """PostgreSQL and pgbouncer refuse to run as root."""
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *map(str, cmd)]
        return [str(c) for c in cmd]

    def _run(self, cmd, **kw):
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{p.stdout}{p.stderr}")
        return p

    # -- URLs --------------------------------------------------------------
    def url(self, part):
        port = self.ports[part]
        return f"postgresql://postgres@127.0.0.1:{port}/{DB_NAME}"

    @property
    def primary_url(self):
        return self.url("primary")

    @property
    def replica_url(self):
        return self.url("replica")

    @property
    def pooler_url(self):
        return self.url("pgbouncer")

    @property
    def haproxy_url(self):
        return f"http://127.0.0.1:{self.ports['haproxy']}"

    def instance_url(self, i):
        return f"http://127.0.0.1:{self.ports[f'service-{i}']}"

    # -- start -------------------------------------------------------------
    def start(self, migrate=True):
        try:
            self._start(migrate)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, migrate):
        self.root = Path(tempfile.mkdtemp(prefix="topology."))
        if os.geteuid() == 0:
            if not _user_exists("postgres"):
                self._run(["useradd", "--system", "--user-group", "--home-dir", "/nonexistent",
                           "--shell", "/usr/sbin/nologin", "postgres"])
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o755)
        self._start_primary()
        self._start_replica()
        self._start_pgbouncer()
        if migrate:
            self.retort("upgrade", "head")
        for i in range(self.n):
            self.start_instance(i)
        self._start_haproxy()

    def _pg_start(self, name, datadir, port):
        log = self.root / f"{name}.log"
        opts = (f"-k {self.root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c max_connections=200")
        self._run(self._as_server([self.bindir / "pg_ctl", "-D", datadir, "-l", log, "-w",
                                   "-t", "60", "-o", opts, "start"]))
        self.pg_dirs.append(datadir)
        self.ports[name] = port

    def _start_primary(self):
        data = self.root / "primary"
        self._run(self._as_server([self.bindir / "initdb", "-D", data, "-A", "trust",
                                   "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]))
        with open(data / "postgresql.conf", "a") as f:
            f.write("wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
        self._pg_start("primary", data, free_port())
        self._run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
                   "-U", "postgres", "-d", "postgres", "-c", f"CREATE DATABASE {DB_NAME}"])

    def _start_replica(self):
        data = self.root / "replica"
        self._run(self._as_server([self.bindir / "pg_basebackup", "-h", "127.0.0.1", "-p",
                                   self.ports["primary"], "-U", "postgres", "-D", data,
                                   "-R", "-X", "stream", "--no-sync",
                                   # an immediate checkpoint: the default spreads it
                                   # over minutes
                                   "-c", "fast"]))
        self._pg_start("replica", data, free_port())

    def _start_pgbouncer(self):
        port = free_port()
        ini = self.root / "pgbouncer.ini"
        users = self.root / "pgbouncer-users.txt"
        users.write_text('"postgres" ""\n')
        ini.write_text(
            "[databases]\n"
            f"{DB_NAME} = host=127.0.0.1 port={self.ports['primary']} dbname={DB_NAME}\n"
            # any other database name goes to the primary's database of that name
            f"* = host=127.0.0.1 port={self.ports['primary']}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {users}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 1000\ndefault_pool_size = 20\n"
            # psycopg2 and libpq may send it; pgbouncer refuses unknown ones
            "ignore_startup_parameters = extra_float_digits\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n")
        for p in (ini, users):
            if os.geteuid() == 0:
                shutil.chown(p, "postgres", "postgres")
        self.procs["pgbouncer"] = subprocess.Popen(
            self._as_server(["pgbouncer", ini]), stdout=subprocess.DEVNULL,
            stderr=open(self.root / "pgbouncer.out", "wb"))
        self.ports["pgbouncer"] = port
        wait_for("pgbouncer", lambda: port_open(port), proc=self.procs["pgbouncer"],
                 log=self.root / "pgbouncer.out")

    def retort(self, *args, url=None, check=True):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        p = subprocess.run([str(self.retort_bin), "-c", str(RETORT_INI), "--url",
                            url or self.pooler_url, *args], capture_output=True, text=True,
                           timeout=300, env=env)
        if check and p.returncode != 0:
            raise RuntimeError(f"retort {' '.join(args)} failed:\n{p.stdout}{p.stderr}")
        return p

    def service_env(self, i, port):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "DATABASE_READ_URL", "PORT", "HOST")}
        env.update({"DATABASE_URL": self.pooler_url, "PORT": str(port), "HOST": "127.0.0.1",
                    "JWT_SECRET_KEY": "topology-" + "k" * 40, "WORKERS": "2",
                    "LOG_FORMAT": "text", "SHUTDOWN_GRACE_SECONDS": "10",
                    # pgbouncer 1.18 in transaction mode: no named statements;
                    # /ready fails a second before the listener closes
                    "DATABASE_NAMED_STATEMENTS": "false", "DRAIN_SECONDS": "1",
                    # GET /auth/me, /profile, /enrollments on the replica
                    "DATABASE_READ_URL": self.replica_url})
        for k, v in self.extra_env.items():  # None removes a setting
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def start_instance(self, i, service_bin=None):
        """Starts (or restarts, on the same port) instance i; waits for /ready."""
        name = f"service-{i}"
        port = self.ports.get(name) or free_port()
        self.ports[name] = port
        log = self.root / f"{name}.log"
        self.procs[name] = subprocess.Popen(
            [str(service_bin or self.service_bin)], cwd=self.root,
            stdout=open(log, "ab"), stderr=subprocess.STDOUT, env=self.service_env(i, port))
        wait_for(name, lambda: http_status(f"http://127.0.0.1:{port}/ready") == 200,
                 proc=self.procs[name], log=log)

    def stop_instance(self, i, timeout=30):
        """SIGTERM: /ready turns 503 while requests in flight finish."""
        proc = self.procs.pop(f"service-{i}", None)
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else None
        proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=timeout)

    def _start_haproxy(self):
        port = free_port()
        cfg = self.root / "haproxy.cfg"
        servers = "".join(
            f"    server s{i} 127.0.0.1:{self.ports[f'service-{i}']} check\n"
            for i in range(self.n))
        # a request haproxy could not deliver (an instance going away) is
        # sent again to another one rather than answered with a 502/503
        cfg.write_text(
            "global\n    maxconn 4096\n"
            "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n"
            "    timeout server 30s\n    retries 3\n    option redispatch 1\n"
            "    retry-on conn-failure empty-response response-timeout\n"
            f"frontend web\n    bind 127.0.0.1:{port}\n    default_backend users\n"
            "backend users\n    balance roundrobin\n"
            "    option httpchk GET /ready\n    http-check expect status 200\n"
            "    default-server inter 300ms fall 1 rise 2\n" + servers)
        self.procs["haproxy"] = subprocess.Popen(
            ["haproxy", "-f", str(cfg)], stdout=subprocess.DEVNULL,
            stderr=open(self.root / "haproxy.log", "wb"))
        self.ports["haproxy"] = port
        wait_for("haproxy", lambda: http_status(self.haproxy_url + "/ready") == 200,
                 proc=self.procs["haproxy"], log=self.root / "haproxy.log")

    def stop_replica(self):
        subprocess.run(self._as_server([self.bindir / "pg_ctl", "-D", self.root / "replica",
                                        "-m", "fast", "-s", "stop"]),
                       capture_output=True, timeout=60, check=True)

    def start_replica(self):
        data = self.root / "replica"
        self.pg_dirs.remove(data)
        self._pg_start("replica", data, self.ports["replica"])

    # -- stop --------------------------------------------------------------
    def stop(self):
        for name, proc in list(self.procs.items()):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in list(self.procs.items()):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
        for data in reversed(self.pg_dirs):
            if (data / "postmaster.pid").exists():
                subprocess.run(self._as_server([self.bindir / "pg_ctl", "-D", data, "-m",
                                                "immediate", "-s", "stop"]),
                               capture_output=True, timeout=60)
        self.pg_dirs.clear()
        if self.root and os.environ.get("TOPOLOGY_KEEP") != "1":
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="scripts/topology", description=__doc__.split("\n")[0])
    ap.add_argument("--instances", type=int, default=3)
    ap.add_argument("--build", default=os.environ.get("BUILD_DIR", str(REPO / "build")))
    args = ap.parse_args(argv)
    topo = Topology(args.build, instances=args.instances)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    topo.start()
    try:
        print(f"haproxy (the service):  {topo.haproxy_url}")
        for i in range(topo.n):
            print(f"instance {i}:             {topo.instance_url(i)}")
        print(f"pgbouncer (transaction): {topo.pooler_url}")
        print(f"primary:                 {topo.primary_url}")
        print(f"replica (hot standby):   {topo.replica_url}")
        print(f"files and logs:          {topo.root}")
        print("Stop with Ctrl-C (or SIGTERM to this process): everything is stopped "
              "and the directory deleted.", flush=True)
        while not stop:
            time.sleep(0.2)
    finally:
        topo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
