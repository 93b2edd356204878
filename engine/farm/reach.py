"""Whether a cluster's address answers at all, asked before Ray is (Ray retries for minutes)."""

from __future__ import annotations

import socket


def answers(address: str, timeout: float = 3.0) -> bool:
    """Whether anything takes connections at HOST:PORT within `timeout` seconds."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False
