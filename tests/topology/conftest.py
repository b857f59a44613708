"""Fixtures for the topology tests: one topology (scripts/topology.py) for the
module: a PostgreSQL primary and streaming replica, pgbouncer in transaction
mode, user-service instances and haproxy, all real and on loopback."""
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from topology import Topology  # noqa: E402

BUILD = Path(os.environ.get("BUILD_DIR", REPO / "build-test"))


@pytest.fixture(scope="module")
def topology():
    with Topology(BUILD, instances=int(os.environ.get("TOPOLOGY_INSTANCES", "2"))) as topo:
        yield topo
