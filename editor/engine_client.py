"""The editor's side of the engine process: start it, talk to it, and survive it dying.

The engine is a child process (`python -m engine`) speaking JSON-RPC 2.0, one
message per line, on its stdin/stdout. QProcess delivers its output on the
GUI thread's event loop without blocking it; each line becomes a Qt signal.
If the engine dies (a crash, `kill -9`, out of memory), `crashed` says why
and every job it was running or holding is reported failed with the reason,
and a fresh engine is started so the user can retry at once; the editor
itself never goes down.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from editor.engine_command import engine_command
from editor.engine_remote import initialize_params
from editor.engine_restarts import RestartPolicy
from engine.server import protocol

Reply = Callable[[dict[str, Any] | None, str | None], None]  # (result, error message)


class EngineClient(QObject):
    started = Signal(dict)  # the engine's `initialize` answer: versions, devices, tasks
    progress = Signal(str, dict)  # job id, {fraction, stage, eta, step, steps}
    log = Signal(str, str)  # job id, text
    done = Signal(str, dict)  # job id, {files, provenance, cached, key}
    failed = Signal(str, str)  # job id, a message for the user
    cancelled = Signal(str)  # job id
    crashed = Signal(str)  # why the engine stopped; it is restarted
    #: A remote engine not reached at start, once it is or never will be: {engine, reached, error}.
    remote = Signal(dict)
    gaveUp = Signal(str)  # the engine failed to start again and again: why, and how to retry

    def __init__(
        self, parent: QObject | None = None, command: list[str] | None = None, restart: bool = True
    ) -> None:
        super().__init__(parent)
        self._command = command or engine_command()
        self._restart = restart
        self._process: QProcess | None = None
        self._buffer = b""
        self._next_id = 0
        self._replies: dict[int, Reply] = {}
        self._active: set[str] = set()  # jobs submitted and not ended, as far as we know
        self._stopping = False
        self.info: dict[str, Any] | None = None
        self.restarts = RestartPolicy()
        self._said: deque[str] = deque(maxlen=5)  # the engine's last lines on stderr, for `gaveUp`
        self._restart_timer = QTimer(self)
        self._restart_timer.setSingleShot(True)
        self._restart_timer.timeout.connect(self.start)

    # the process ----------------------------------------------------------------------

    def start(self) -> None:
        self._restart_timer.stop()
        if self.running:
            return
        self._stopping = False
        self.restarts.started(time.monotonic())
        process = QProcess(self)
        process.setProgram(self._command[0])
        process.setArguments(self._command[1:])
        process.setProcessEnvironment(QProcessEnvironment.systemEnvironment())
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.readyReadStandardError.connect(self._read_errors)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self._process = process
        self._buffer = b""
        process.start()
        self.request("initialize", initialize_params(), self._initialized)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning

    @property
    def pid(self) -> int | None:
        return int(self._process.processId()) if self.running else None

    def stop(self, timeout_ms: int = 3000) -> None:
        """Ask the engine to shut down; kill it if it does not."""
        if not self.running:
            return
        self._stopping = True
        self.request("shutdown", {})
        assert self._process is not None
        self._process.closeWriteChannel()
        if not self._process.waitForFinished(timeout_ms):
            self._process.kill()
            self._process.waitForFinished(1000)

    # requests ---------------------------------------------------------------------------

    def request(self, method: str, params: dict[str, Any], reply: Reply | None = None) -> None:
        if self._process is None:
            if reply is not None:
                reply(None, "The engine is not running")
            return
        self._next_id += 1
        if reply is not None:
            self._replies[self._next_id] = reply
        self._process.write(protocol.request(method, params, self._next_id).encode())

    def submit(self, spec: dict[str, Any], reply: Reply | None = None) -> None:
        """Queue a job; `reply` gets {"job": id} or the engine's refusal."""

        def submitted(result: dict[str, Any] | None, error: str | None) -> None:
            if result is not None:
                self._active.add(result["job"])
            if reply is not None:
                reply(result, error)

        self.request("submit", {"spec": spec}, submitted)

    def cancel(self, job_id: str, reply: Reply | None = None) -> None:
        """Ask the engine to stop a job; `reply` gets {"cancelled": False} if it had already ended."""
        self.request("cancel", {"job": job_id}, reply)

    # incoming ---------------------------------------------------------------------------

    def use_command(self, command: list[str]) -> None:
        """Start the engine with `command` from now on (a new AI environment); a running one restarts."""
        if command == self._command:
            return
        self._command = list(command)
        if self.running:
            self.stop()
            self.start_again()

    def restart(self) -> None:
        """Stop and start the engine (Settings > Engines changed where its jobs run)."""
        if self.running:
            self.stop()
        self.start_again()

    def start_again(self) -> None:
        """The user's retry after `gaveUp`: start, counting deaths at start from nothing."""
        self.restarts.reset()
        self.start()

    def _initialized(self, result: dict[str, Any] | None, error: str | None) -> None:
        if result is not None:
            self.restarts.answered()
            self.info = result
            self.started.emit(result)

    def _read(self) -> None:
        assert self._process is not None
        self._buffer += bytes(self._process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.strip():
                self._dispatch(line)

    def _read_errors(self) -> None:
        # the engine's own logging: kept out of the protocol, passed on for the jobs panel's log
        assert self._process is not None
        text = bytes(self._process.readAllStandardError()).decode(errors="replace").rstrip()
        if text:
            self._said.extend(line for line in text.splitlines() if line.strip())
            self.log.emit("", text)

    def _dispatch(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            self.log.emit("", f"The engine sent something that is not JSON: {line[:200]!r}")
            return
        if not isinstance(message, dict):
            return
        if "id" in message and ("result" in message or "error" in message):
            reply = self._replies.pop(message["id"], None) if isinstance(message["id"], int) else None
            if reply is not None:
                error = message.get("error")
                reply(message.get("result"), error.get("message") if isinstance(error, dict) else None)
            return
        method, params = message.get("method"), message.get("params")
        if not isinstance(params, dict):
            return
        job = str(params.get("job", ""))
        if method == "progress":
            self.progress.emit(job, params)
        elif method == "log":
            self.log.emit(job, str(params.get("text", "")))
        elif method == "done":
            self._active.discard(job)
            self.done.emit(job, params)
        elif method == "failed":
            self._active.discard(job)
            self.failed.emit(job, str(params.get("message", "failed")))
        elif method == "cancelled":
            self._active.discard(job)
            self.cancelled.emit(job)
        elif method == "remote":
            self.remote.emit(params)

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._lost(f"The engine could not be started ({self._command[0]})", restart=False)

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._stopping:
            self._process = None
            return
        if status == QProcess.ExitStatus.CrashExit:
            reason = "The engine stopped unexpectedly (it crashed or was killed)"
        else:
            reason = f"The engine stopped unexpectedly (exit status {code})"
        self._lost(reason, restart=self._restart)

    def _lost(self, reason: str, restart: bool) -> None:
        self._process = None
        for reply in self._replies.values():
            reply(None, reason)
        self._replies.clear()
        self.crashed.emit(reason)  # first: a listener that knows its jobs says what the loss means for each
        for job in sorted(self._active):
            self.failed.emit(job, reason)
        self._active.clear()
        if not restart:
            return
        wait = self.restarts.died(time.monotonic())
        if wait is None:
            said = f": {self._said[-1]}" if self._said else ""
            self.gaveUp.emit(
                f"The engine failed to start {self.restarts.failures} times in a row ({reason}{said}). "
                "Fix that, then press Start engine in the Jobs panel."
            )
        elif wait == 0:
            self.start()
        else:
            self._restart_timer.start(round(wait * 1000))
