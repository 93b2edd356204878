"""A local Ray farm with two worker slots, started once for these tests, inside a loopback-only network.

Ray's processes listen on every interface of the machine whatever address
they are given, and these machines may send traffic only to loopback, so
these tests run only in a network namespace that holds nothing but
loopback (`unshare -n`, as the test command runs them) and skip elsewhere.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="Ray is not installed (the farm extra)")


def loopback_only() -> bool:
    return {name for _, name in socket.if_nameindex()} <= {"lo"}


@pytest.fixture(scope="session")
def farm(tmp_path_factory) -> Iterator[Path]:
    """The farm's data folder; `shotline farm up` with two slots has run, `farm down` runs at the end."""
    if not loopback_only():
        pytest.skip("Ray listens on every interface: farm tests run only inside `unshare -n` (loopback only)")
    from engine.farm import cluster

    data = tmp_path_factory.mktemp("farm-data")
    before = os.environ.get("SHOTLINE_DATA_DIR")
    os.environ["SHOTLINE_DATA_DIR"] = str(data)
    try:
        cluster.up(workers=2)
        yield data
    finally:
        import ray

        ray.shutdown()
        cluster.down()
        if before is None:
            os.environ.pop("SHOTLINE_DATA_DIR", None)
        else:
            os.environ["SHOTLINE_DATA_DIR"] = before
