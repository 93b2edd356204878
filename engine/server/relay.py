"""`shotline engine` as SSH runs it: a relay between its stdin/stdout and the user's engine daemon.

The relay starts the daemon (engine.server.daemon) where none runs, waits
for its socket, then copies bytes both ways until either side closes. When
the connection drops, only the relay dies; the daemon keeps the jobs and
the next `ssh HOST shotline engine` reaches them again.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from engine.errors import ShotlineError
from engine.paths import data_dir
from engine.server.daemon import socket_path
from engine.server.daemon_log import log_path, rotate_if_large

START_TIMEOUT = 30.0  # seconds for a new daemon to open its socket


def _connect(path: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def daemon_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "engine", "--daemon"]
    return [sys.executable, "-m", "engine", "engine", "--daemon"]


def start_daemon() -> None:
    """The daemon in a session of its own, so it outlives this relay and the SSH connection."""
    rotate_if_large(log_path(data_dir()))
    log = open(log_path(data_dir()), "ab")  # noqa: SIM115  the child holds it
    with log:
        subprocess.Popen(
            daemon_command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )


def connect_or_start() -> socket.socket:
    path = socket_path()
    sock = _connect(path)
    if sock is not None:
        return sock
    start_daemon()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(0.1)
        sock = _connect(path)
        if sock is not None:
            return sock
    raise ShotlineError(
        f"The engine daemon did not start in {START_TIMEOUT:.0f} s; see {data_dir() / 'engine-daemon.log'}"
    )


def relay() -> int:
    sock = connect_or_start()
    stdin, stdout = 0, 1  # the pipes themselves: no Python buffering between SSH and the daemon

    def upstream() -> None:
        with contextlib.suppress(OSError):
            while data := os.read(stdin, 1 << 16):
                sock.sendall(data)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)  # the client is gone: the daemon drops the connection

    threading.Thread(target=upstream, daemon=True).start()
    with contextlib.suppress(OSError):
        while data := sock.recv(1 << 16):
            view = memoryview(data)
            while view:
                view = view[os.write(stdout, view) :]
    sock.close()
    return 0


def stop_daemon() -> int:
    """Ask the running daemon to stop (its jobs end with it)."""
    sock = _connect(socket_path())
    if sock is None:
        print("No engine daemon runs for this data folder", file=sys.stderr)
        return 0
    with sock:
        sock.sendall(b'{"jsonrpc":"2.0","id":1,"method":"daemon.stop","params":{}}\n')
        with contextlib.suppress(OSError):
            sock.recv(4096)
    # gone before we return: a relay started next must not reach the one that is closing
    deadline = time.monotonic() + START_TIMEOUT
    while socket_path().exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return 0
