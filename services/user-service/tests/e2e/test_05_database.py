"""The database going away and coming back (PostgreSQL): 503 meanwhile,
served again without a restart."""
import os
import time

import pytest

from conftest import PG_ADMIN_URL, run


def admin(sql):
    return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", PG_ADMIN_URL,
                "-c", sql]).stdout


def test_postgres_connections_lost_and_back(service, migrated):
    if migrated.dialect != "postgresql":
        pytest.skip("PostgreSQL only: SQLite is a file in the service's process")
    name = migrated.url.rpartition("/")[2]
    assert service.request("GET", "/ready")[0] == 200
    admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    # termination is a signal: wait until the backends are really gone
    for _ in range(100):
        if admin(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'").strip() == "0":
            break
        time.sleep(0.05)
    try:
        for _ in range(3):
            status, _, body = service.request("GET", "/ready")
            assert status == 503, body
            assert body == {"detail": "Database unavailable"}
    finally:
        admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    for _ in range(4):  # every worker's connection recovers
        assert service.request("GET", "/ready")[0] == 200
