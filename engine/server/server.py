"""The engine process's main loop: read requests, answer them, and tell the client about jobs.

Requests: `initialize`, `submit`, `export`, `cancel`, `status`, `shutdown`, and the content
store's `media.has`, `media.put`, `media.folder`, `media.stat`, `media.get` (engine.server.media).
Notifications sent: `progress`, `log`, `done`, `failed`, `cancelled`.

`export` (engine/export/job.py says why it is not a `submit`ted task) takes
the timeline as OTIO JSON, the output path and the settings; its jobs run
on a lane of their own and are never cached. Generations and exports are
jobs on one board (engine.jobs.lifecycle): one table of ids, one `cancel`,
one `status`.

The reply to `submit` and `export` is written before any notification about
the job it creates, a result from the cache included: the job is added,
the reply sent, and only then is the job started. A client can therefore
always match a notification to a job it has heard of.

Replies and notifications come from several threads (the reader, the job
workers), so every write takes one lock: a line is never interleaved with
another. The protocol owns the real standard output; anything else that
prints (a library's banner, a stray print) is sent to standard error, so it
can never corrupt the stream.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from engine.errors import ShotlineError
from engine.export.job import export_job
from engine.generate.jobs import GenerationJobs
from engine.generate.registry import Registry, default_registry
from engine.jobs.lifecycle import KEEP_ENDED, JobBoard, result_json
from engine.jobs.models import ModelPool
from engine.jobs.progress import ProgressReport
from engine.jobs.spec import JobSpec
from engine.remote.wire import PROTOCOL_VERSION
from engine.server import protocol
from engine.server.devices import devices, versions
from engine.server.media import MediaMethods


class _Notifier:
    """Job events as notifications."""

    def __init__(self, send: Callable[[str], None]) -> None:
        self._send = send

    def progress(self, job_id: str, report: ProgressReport, eta: float | None) -> None:
        params = {"job": job_id, "fraction": round(report.fraction, 4), "stage": report.stage, "eta": eta}
        if report.step is not None:
            params |= {"step": report.step, "steps": report.steps}
        self._send(protocol.notification("progress", params))

    def log(self, job_id: str, text: str) -> None:
        self._send(protocol.notification("log", {"job": job_id, "text": text}))

    def done(self, job_id: str, result: Any, cached: bool) -> None:
        payload = result_json(result) or {}
        self._send(protocol.notification("done", {"job": job_id, "cached": cached, **payload}))

    def failed(self, job_id: str, message: str) -> None:
        self._send(protocol.notification("failed", {"job": job_id, "message": message}))

    def cancelled(self, job_id: str) -> None:
        self._send(protocol.notification("cancelled", {"job": job_id}))


@dataclass(frozen=True)
class Reply:
    """A method's answer and what to do once it has been written (start the job it names)."""

    value: Any
    then: Callable[[], None]


class EngineServer(MediaMethods):
    def __init__(self, output: TextIO, registry: Registry | None = None) -> None:
        self._output = output
        self._lock = threading.Lock()
        self.registry = registry or default_registry()
        self.board = JobBoard(_Notifier(self.send), ModelPool())
        self.generation = GenerationJobs(self.registry, self.board)
        self._refs: dict[str, str] = {}  # `submit`'s ref -> job id, so a resent submit is not run twice
        self.running = True

    def send(self, line: str) -> None:
        with self._lock:
            try:
                self._output.write(line)
                self._output.flush()
            except (BrokenPipeError, ValueError):
                self.running = False  # the client has gone: stop when the reader sees EOF

    def handle(self, line: str | bytes, reply: Callable[[str], None] | None = None) -> None:
        """Answer one incoming line (to `reply`, where a daemon has several clients); never raises,
        so no message can end the engine."""
        try:
            self._handle(line, reply or self.send)
        except Exception:  # a bug outside any method; the message had its chance at a reply
            traceback.print_exc(file=sys.stderr)

    def _handle(self, line: str | bytes, send: Callable[[str], None]) -> None:
        if not line.strip():
            return
        try:
            message = protocol.parse(line)
        except protocol.ProtocolError as error:
            send(protocol.error(error.id, error.code, error.message))
            return
        reply, then = self._answer(message)
        if message.is_request:
            send(reply)
        if then is not None:
            try:
                then()
            except Exception:  # the reply is out; the job it named is what failed to start
                traceback.print_exc(file=sys.stderr)

    def _answer(self, message: protocol.Message) -> tuple[str, Callable[[], None] | None]:
        """The reply line for `message` (an error for anything a method raises), and what to run after."""
        method = getattr(self, f"_rpc_{message.method.replace('.', '_')}", None)
        if method is None:
            missing = f"No method {message.method[:200]}"
            return protocol.error(message.id, protocol.METHOD_NOT_FOUND, missing), None
        try:
            value = method(message.params)
            then = None
            if isinstance(value, Reply):
                value, then = value.value, value.then
            return protocol.result(message.id, value), then
        except ShotlineError as error:
            return protocol.error(message.id, protocol.JOB_ERROR, str(error)), None
        except (TypeError, KeyError, ValueError) as error:
            return protocol.error(message.id, protocol.INVALID_PARAMS, f"Invalid params: {error}"), None
        except Exception as error:  # a bug answers this one message; the engine keeps serving
            traceback.print_exc(file=sys.stderr)
            text = f"The engine could not handle {message.method[:200]}: {type(error).__name__}: {error}"
            return protocol.error(message.id, protocol.INTERNAL_ERROR, text), None

    # methods ------------------------------------------------------------------------

    def _rpc_initialize(self, params: dict[str, Any]) -> dict[str, Any]:
        farm = params.get("farm") or os.environ.get("SHOTLINE_FARM")
        joined = self._join_farm(str(farm)) if farm else None
        remote = self._join_remote(str(params["remote"])) if params.get("remote") else None
        tasks = {}
        for task in self.registry.tasks():
            tasks[task] = [self._describe(task, backend) for backend in self.registry.backends(task)]
        if remote is not None and "tasks" in remote:  # generation runs there: its backends are what is ready
            tasks = remote.pop("tasks")
        return {
            "engine": "shotline",
            "protocol": PROTOCOL_VERSION,
            "pid": os.getpid(),
            "versions": versions(),
            "devices": devices(),
            "tasks": tasks,
            "farm": joined,
            "remote": remote,
        }

    def _join_remote(self, command: str) -> dict[str, Any]:
        """Generation jobs go to the remote engine `command` starts (`ssh HOST shotline engine`); where it
        cannot be reached or speaks another protocol, they stay here and the client is told why."""
        from engine.remote.connection import VersionMismatch
        from engine.remote.executor import RemoteExecutor, parse_command

        words: list[str] = []
        try:
            words = parse_command(command)
            executor = RemoteExecutor(words)
        except VersionMismatch as error:
            return {"command": command, "error": str(error)}
        except ShotlineError as error:  # not reached (yet): tried again in the background, jobs wait for it
            if not words:
                return {"command": command, "error": str(error)}
            waiting = RemoteExecutor(words, connect=False)
            waiting.last_error = str(error)
            waiting.on_settled = lambda refusal: self.send(
                protocol.notification(
                    "remote", {"engine": waiting.where, "reached": not refusal, "error": refusal}
                )
            )
            waiting.keep_trying()
            self.generation.use(waiting)
            return {
                "command": command,
                "engine": waiting.where,
                "error": str(error),
                "retrying": True,
                "wait": waiting.wait_for_remote,
            }
        self.generation.use(executor)
        info = executor.connection().info
        return {
            "command": command,
            "engine": executor.where,
            "protocol": info.get("protocol"),
            "versions": info.get("versions"),
            "devices": info.get("devices"),
            "tasks": info.get("tasks") or {},
        }

    def _join_farm(self, address: str) -> dict[str, Any]:
        """Generation jobs go to the farm at `address` from now on; where it cannot be reached, they
        stay here and the client is told why (it is a setting, not a reason to refuse to start)."""
        from engine.farm.executor import FarmExecutor

        try:
            executor = FarmExecutor(address)
        except ShotlineError as error:
            return {"address": address, "error": str(error)}
        self.generation.use(executor)
        return {"address": executor.address, "slots": executor.slots}

    def _describe(self, task: str, backend: Any) -> dict[str, Any]:
        readiness = backend.readiness()
        return {
            "name": backend.name,
            "label": backend.label,
            "gpu": backend.gpu,
            "default": self.registry.default(task) == backend.name,
            "ready": readiness.ready,
            "reason": readiness.reason,
        }

    def _rpc_submit(self, params: dict[str, Any]) -> Reply | dict[str, Any]:
        ref = params.get("ref")  # a client's own name for the job: sent again after a lost reply
        if isinstance(ref, str) and ref in self._refs:
            known = self.board.job(self._refs[ref])
            return {"job": known.job_id, "engine": known.engine}
        job = self.generation.add(JobSpec.from_json(params.get("spec", params)))
        if isinstance(ref, str):
            self._refs[ref] = job.job_id
            while len(self._refs) > KEEP_ENDED:  # as many as the board remembers ended jobs
                del self._refs[next(iter(self._refs))]
        return Reply({"job": job.job_id, "engine": job.engine}, lambda: self.board.start(job.job_id))

    def _rpc_export(self, params: dict[str, Any]) -> Reply:
        job = export_job(self.board, params)
        return Reply({"job": job.job_id}, lambda: self.board.start(job.job_id))

    def _rpc_cancel(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"cancelled": self.board.cancel(str(params["job"]))}

    def _rpc_status(self, params: dict[str, Any]) -> dict[str, Any]:
        job = params.get("job")
        return {"jobs": self.board.status(None if job is None else str(job))}

    def _rpc_shutdown(self, params: dict[str, Any]) -> dict[str, Any]:
        self.running = False
        return {"ok": True}

    def close(self) -> None:
        self.generation.shutdown(wait=True)


def _protocol_streams() -> tuple[BinaryIO, TextIO]:
    """The real stdin/stdout for the protocol; fd 1 is pointed at stderr for everything else."""
    wire = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return sys.stdin.buffer, wire


def serve() -> int:
    """Run the engine on stdin/stdout until `shutdown` or end of input."""
    source, wire = _protocol_streams()
    server = EngineServer(wire)
    try:
        for line in protocol.read_lines(source):
            server.handle(line)
            if not server.running:
                break
    finally:
        server.close()
    return 0
