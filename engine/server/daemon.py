"""The per-user engine daemon: jobs that outlive the connection that asked for them.

Over SSH, the engine's stdin/stdout are a network connection; when it drops,
a plain engine would see end of input and stop with its jobs. So on a GPU
box `shotline engine` is only a relay (engine.server.relay): it connects to
this daemon, which owns the one job board of that user and data folder,
starting it first where none runs. The daemon listens on a unix socket in
the data folder (mode 0600, in a 0700 folder): reachable only by that user
on that machine, so no network port is ever opened, and SSH stays the only
way in.

Each connection is a client: replies go to the connection that asked;
job notifications go to every connection, and a client ignores jobs it did
not submit. After a drop, the client connects again, asks `status` and
fetches what finished. A client's `shutdown` ends its own connection, not
the daemon; `shotline engine --stop` (method `daemon.stop`) ends the daemon.
It also ends by itself after `IDLE_EXIT` seconds with no client and no job.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from engine.jobs.lifecycle import ENDED
from engine.paths import data_dir
from engine.server import protocol
from engine.server.cleaning import clean_engine_data
from engine.server.daemon_log import log_path, log_to
from engine.server.server import EngineServer

LOCK_WAIT = 5.0  # seconds a new daemon waits for one that is stopping to let go of the data folder
IDLE_EXIT = 6 * 3600.0  # seconds with no client and no job before the daemon stops
CLEAN_EVERY = 6 * 3600.0  # seconds between cleanings of its cache by age (and once at start)
_UNIX_PATH_LIMIT = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


def socket_path() -> Path:
    """The daemon's socket: in the data folder, or a short per-user temp path where that is too long."""
    folder = data_dir()
    path = folder / "engine.sock"
    if len(str(path).encode()) <= _UNIX_PATH_LIMIT:
        return path
    short = Path(tempfile.gettempdir()) / f"shotline-{os.getuid()}"
    short.mkdir(mode=0o700, exist_ok=True)
    name = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return short / f"{name}.sock"


class _Clients:
    """The connections, as the server's one output: a notification goes to every client."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: dict[int, IO[bytes]] = {}
        self._sockets: dict[int, socket.socket] = {}
        self.last_seen = time.monotonic()

    def add(self, ident: int, stream: IO[bytes], conn: socket.socket) -> None:
        with self._lock:
            self._streams[ident] = stream
            self._sockets[ident] = conn

    def hang_up(self, keep: int | None = None) -> None:
        """End every connection but `keep`'s (the daemon is stopping): their clients see it at once."""
        with self._lock:
            others = [conn for ident, conn in self._sockets.items() if ident != keep]
        for conn in others:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def remove(self, ident: int) -> None:
        with self._lock:
            self._streams.pop(ident, None)
            self._sockets.pop(ident, None)
            self.last_seen = time.monotonic()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._streams)

    def send_to(self, ident: int, line: str) -> None:
        with self._lock:
            stream = self._streams.get(ident)
            if stream is None:
                return
            try:
                stream.write(line.encode())
                stream.flush()
            except OSError:
                self._streams.pop(ident, None)  # gone; its reader sees the end and cleans up

    # the TextIO the server writes its notifications to
    def write(self, line: str) -> int:
        with self._lock:
            idents = list(self._streams)
        for ident in idents:
            self.send_to(ident, line)
        return len(line)

    def flush(self) -> None:
        return None


class Daemon:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.clients = _Clients()
        self.server = EngineServer(self.clients)  # type: ignore[arg-type]
        self.stopping = threading.Event()
        self._ids = iter(range(1, sys.maxsize))
        self.cleaned_at = time.monotonic()

    def busy(self) -> bool:
        return any(job["state"] not in ENDED for job in self.server.board.status())

    def clean(self) -> None:
        """Remove results and stored inputs unused for `KEEP_DAYS` (engine.server.cleaning), beside
        serving: a large cache takes a while to walk, and clients should not wait for it."""
        self.cleaned_at = time.monotonic()
        threading.Thread(target=self._clean, daemon=True, name="engine-cache-cleaner").start()

    def _clean(self) -> None:
        try:
            cleaned = clean_engine_data()
        except OSError as error:
            print(f"Cleaning the engine's cache failed: {error}", file=sys.stderr, flush=True)
            return
        if cleaned.results or cleaned.inputs:
            print(cleaned.line(), file=sys.stderr, flush=True)

    def serve(self, listener: socket.socket) -> None:
        listener.settimeout(1.0)
        self.clean()
        while not self.stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                if time.monotonic() - self.cleaned_at > CLEAN_EVERY:
                    self.clean()
                idle = time.monotonic() - self.clients.last_seen
                if self.clients.count == 0 and idle > IDLE_EXIT and not self.busy():
                    break
                continue
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _leaves(self, line: bytes, reply: Callable[[str], None], ident: int) -> bool:
        """A client's `shutdown` ends its connection (the jobs stay); `daemon.stop` ends the daemon."""
        if b"shutdown" not in line and b"daemon.stop" not in line:
            return False
        try:
            message = protocol.parse(line)
        except protocol.ProtocolError:
            return False  # the server answers it with the error
        if message.method == "shutdown":
            reply(protocol.result(message.id, {"ok": True}))
            return True
        if message.method == "daemon.stop":
            self.stopping.set()
            self.clients.hang_up(keep=ident)  # before the answer: once told, no client is still served
            reply(protocol.result(message.id, {"stopping": True}))
            return True
        return False

    def _client(self, conn: socket.socket) -> None:
        ident = next(self._ids)
        conn.settimeout(None)
        stream = conn.makefile("rwb")
        self.clients.add(ident, stream, conn)

        def reply(line: str) -> None:
            self.clients.send_to(ident, line)

        try:
            for line in protocol.read_lines(stream):
                if self._leaves(line, reply, ident):
                    break
                self.server.handle(line, reply)
        except OSError:
            pass
        finally:
            self.clients.remove(ident)
            with contextlib.suppress(OSError):
                stream.close()
                conn.close()


def run_daemon() -> int:
    """Serve as the user's engine daemon until `daemon.stop` or a long idle; 0 if one already runs."""
    folder = data_dir()
    lock = open(folder / "engine.lock", "a+")  # noqa: SIM115  held for the daemon's whole life
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if time.monotonic() >= deadline:
                print("An engine daemon already runs for this data folder", file=sys.stderr)
                return 0
            time.sleep(0.1)  # one that was told to stop may still be closing: take over once it has
    log_to(log_path(folder))  # from here its stderr is the log, rotated at a size
    path = socket_path()
    path.unlink(missing_ok=True)  # a killed daemon's socket: we hold the lock, so it is no one's
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(16)
    print(f"Shotline engine daemon {os.getpid()} on {path}", file=sys.stderr, flush=True)
    daemon = Daemon(path)
    try:
        daemon.serve(listener)
    finally:
        listener.close()
        daemon.server.close()
        path.unlink(missing_ok=True)  # last but the lock: `--stop` waits for the socket to go
        lock.close()
    return 0
