"""Eight deployers run `upgrade head` at once: runs are serialised and
re-read the version table under the lock, so each migration runs once."""
from conftest import rev

N_SCRIPTS = 10
N_PROCS = 8


def test_concurrent_upgrades_apply_each_migration_once(project):
    revs = [rev(f"{i:02x}") for i in range(1, N_SCRIPTS + 1)]
    project.add(revs[0], None, message="audit",
                up="CREATE TABLE audit (rev VARCHAR(32) NOT NULL);\n"
                   f"INSERT INTO audit (rev) VALUES ('{revs[0]}');",
                down_sql="DROP TABLE audit;")
    for i in range(1, N_SCRIPTS):
        project.add(revs[i], revs[i - 1], message=f"t{i}",
                    up=f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY);\n"
                       f"INSERT INTO audit (rev) VALUES ('{revs[i]}');",
                    down_sql=f"DROP TABLE t{i};")

    procs = [project.popen("upgrade", "head") for _ in range(N_PROCS)]
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=180)
            results.append((p.returncode, out, err))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for status, out, err in results:
        assert status == 0, f"exit {status}\nstdout:\n{out}\nstderr:\n{err}"

    # every migration ran exactly once, across all processes' output too
    audit = sorted(r[0] for r in project.query("SELECT rev FROM audit"))
    assert audit == revs
    running = [line for _, _, err in results for line in err.splitlines()
               if "Running upgrade" in line]
    assert len(running) == N_SCRIPTS, running
    assert project.version() == [revs[-1]]
