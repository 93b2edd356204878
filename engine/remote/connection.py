"""One connection to a remote engine: its command's process, requests with replies, job events.

The command (by default `ssh HOST shotline engine`) is started with its
stdin/stdout as the pipe; JSON-RPC 2.0 lines go both ways, exactly as the
editor speaks to its local engine. A reader thread matches replies to
requests and hands notifications to whoever waits for that job. When the
pipe closes (the network dropped, ssh was killed), every waiter is told
`ConnectionLost`; the executor connects again and asks `status`, because
the engine on the other side keeps its jobs (engine.server.daemon).

The first request is `initialize` with this side's protocol version; an
engine that speaks another one is refused with one line that says what to
install, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
from collections import deque
from typing import Any

from engine.errors import GenerateError
from engine.remote.wire import PROTOCOL_VERSION

#: Seconds to wait for the engine's answer to `initialize` (ssh may ask the network first).
HANDSHAKE_TIMEOUT = 60.0
REQUEST_TIMEOUT = 120.0


class ConnectionLost(Exception):
    """The pipe to the remote engine closed."""


class VersionMismatch(GenerateError):
    """The remote engine speaks another protocol: connecting again cannot help."""


class RemoteEngine:
    def __init__(self, command: list[str], where: str) -> None:
        self.command = list(command)
        self.where = where
        self.info: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._next = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._jobs: dict[str, queue.Queue[dict[str, Any] | None]] = {}
        self._said: deque[str] = deque(maxlen=5)
        self.closed = threading.Event()
        try:
            self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a Ctrl-C at the terminal is ours to handle, not ssh's
            )
        except OSError as error:
            raise GenerateError(
                f"The remote engine command could not be started ({self.command[0]}): "
                f"{error.strerror or error}"
            ) from None
        threading.Thread(target=self._read, daemon=True, name="remote-engine-reader").start()
        self._errors = threading.Thread(target=self._read_errors, daemon=True, name="remote-engine-stderr")
        self._errors.start()
        self._handshake()

    # the pipe -----------------------------------------------------------------------------

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                if line.strip():
                    self._dispatch(line)
        except (OSError, ValueError):
            pass
        self._lost()

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        with contextlib.suppress(OSError, ValueError):
            for line in self.process.stderr:
                text = line.decode(errors="replace").strip()
                if text:
                    self._said.append(text)

    def _lost(self) -> None:
        self.closed.set()
        with self._lock:
            replies, self._replies = list(self._replies.values()), {}
            jobs = list(self._jobs.values())
        for waiting in replies:
            waiting.put({"lost": True})
        for events in jobs:
            events.put(None)

    def _dispatch(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if "id" in message and ("result" in message or "error" in message):
            with self._lock:
                waiting = self._replies.pop(message["id"], None) if isinstance(message["id"], int) else None
            if waiting is not None:
                waiting.put(message)
            return
        params = message.get("params")
        if not isinstance(params, dict) or not isinstance(message.get("method"), str):
            return
        with self._lock:
            events = self._jobs.get(str(params.get("job", "")))
        if events is not None:
            events.put({"method": message["method"], **params})

    def last_words(self) -> str:
        """What the command last said on stderr (ssh's own errors land there)."""
        return self._said[-1] if self._said else ""

    # requests -----------------------------------------------------------------------------

    def request(self, method: str, params: dict[str, Any], timeout: float = REQUEST_TIMEOUT) -> Any:
        """The result of `method`; GenerateError for a refusal, ConnectionLost if the pipe closes."""
        return self.answer(self.send(method, params), method, timeout)

    def send(self, method: str, params: dict[str, Any]) -> queue.Queue[dict[str, Any]]:
        """Send a request without waiting: where its answer will arrive (`answer` reads it). Several
        in flight keep the pipe busy instead of one round trip per chunk of a transfer."""
        waiting: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            if self.closed.is_set():
                raise ConnectionLost(self.last_words())
            self._next += 1
            ident = self._next
            self._replies[ident] = waiting
        line = json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        try:
            with self._write_lock:
                assert self.process.stdin is not None
                self.process.stdin.write(line.encode() + b"\n")
                self.process.stdin.flush()
        except (OSError, ValueError):
            self._lost()
        return waiting

    def answer(
        self, waiting: queue.Queue[dict[str, Any]], method: str, timeout: float = REQUEST_TIMEOUT
    ) -> Any:
        """The result of a request `send` sent (the same errors as `request`)."""
        try:
            answer = waiting.get(timeout=timeout)
        except queue.Empty:
            with self._lock:
                for ident, other in list(self._replies.items()):
                    if other is waiting:
                        del self._replies[ident]
            raise ConnectionLost(f"no answer to {method} in {timeout:.0f} s") from None
        if answer.get("lost"):
            raise ConnectionLost(self.last_words())
        error = answer.get("error")
        if error is not None:
            text = error.get("message") if isinstance(error, dict) else str(error)
            raise GenerateError(f"The remote engine ({self.where}) refused {method}: {text}")
        return answer.get("result")

    def watch(self, job: str) -> queue.Queue[dict[str, Any] | None]:
        """The events of `job` from now on (None when the connection is lost)."""
        events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        with self._lock:
            self._jobs[job] = events
            if self.closed.is_set():
                events.put(None)
        return events

    def unwatch(self, job: str) -> None:
        with self._lock:
            self._jobs.pop(job, None)

    def _handshake(self) -> None:
        try:
            info = self.request("initialize", {"protocol": PROTOCOL_VERSION}, timeout=HANDSHAKE_TIMEOUT)
        except ConnectionLost as error:
            self.close()
            self._errors.join(timeout=1.0)  # what ssh said as it ended may still be in the pipe
            said = f": {self.last_words() or error}" if (self.last_words() or str(error)) else ""
            raise GenerateError(f"The remote engine ({self.where}) did not answer{said}") from None
        if not isinstance(info, dict) or info.get("engine") != "shotline":
            self.close()
            raise GenerateError(f"The remote engine ({self.where}) is not a Shotline engine")
        theirs = info.get("protocol")
        if theirs != PROTOCOL_VERSION:
            self.close()
            version = (info.get("versions") or {}).get("shotline", "an unknown version")
            raise VersionMismatch(
                f"The remote engine ({self.where}) speaks protocol {theirs} (Shotline {version}), this "
                f"Shotline speaks protocol {PROTOCOL_VERSION}: install the same Shotline version on both"
            )
        self.info = info

    def close(self) -> None:
        """End the command (ssh); the engine on the other side keeps running its jobs."""
        with contextlib.suppress(OSError, ValueError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=3)
        self._lost()
