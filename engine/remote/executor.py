"""Generation jobs run by a remote engine (a GPU box over SSH), landing in the local cache.

The job board here does what it does for every job (queue, progress,
cancel, the cache under the spec's local key); this executor replaces "run
the backend here" with: send the job's input files to the remote engine's
content store, by SHA-256 and only when it lacks them (a second job with the
same clip sends nothing); submit the job there with its inputs renamed to
the stored copies; pass its progress on; fetch its result files into the
job's scratch folder, in chunks, checked against the hash the remote engine
gives before they are kept. The cache then stores them with the same
manifest as a local result, its provenance saying which engine made it.

A remote engine that cannot be reached when this side starts is tried
again in the background, backing off the same way (`keep_trying`); a job
submitted meanwhile waits for it, saying "waiting for HOST…" as its
progress, for at most `WAIT_FOR_REMOTE` seconds, and then runs in this
process with a one-line reason in its log (RunHere): waiting a bounded
time and then doing the work here loses less than refusing it. A version
mismatch found on a later try is final: the waiting jobs run here at once.

A dropped connection loses nothing: the remote engine keeps running its
jobs (engine.server.daemon), so the executor connects again, backing off
from half a second to `LONGEST_WAIT`, asks `status` for its job, and goes
on waiting or fetches what finished; a transfer goes on from the bytes that
already arrived.
"""

from __future__ import annotations

import base64
import os
import queue
import shlex
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.errors import GenerateError, JobCancelled
from engine.generate.base import Output
from engine.generate.jobs import RunHere
from engine.jobs.progress import JobContext, ProgressReport
from engine.jobs.spec import FILE_LIST_PARAMS, FILE_PARAMS, JobSpec
from engine.remote.connection import ConnectionLost, RemoteEngine, VersionMismatch
from engine.remote.wire import CHUNK, folder_listing, sha256_file

REMOTE = "remote"  # the job board's lane for remote jobs
FIRST_WAIT, LONGEST_WAIT = 0.5, 30.0  # seconds between tries to connect again
#: Jobs sent at once: a small job need not wait behind a long one (the remote engine's own lanes
#: still run one model at a time on its GPU), and one job's upload overlaps another's run.
SLOTS = 2
GIVE_UP_AFTER = 300.0  # seconds without a connection before a job fails
#: Seconds a job waits for a remote engine not reached yet before it runs in this process.
WAIT_FOR_REMOTE = 120.0
ENDED = ("done", "failed", "cancelled")
#: Chunks of one transfer in flight at once: enough to keep the pipe (and SSH's window) full, few
#: enough that a dropped connection wastes little (4 x 4 MiB of base64 held here).
WINDOW = 4
LARGE = 4_000_000  # bytes from which a transfer's progress says "uploading 12 of 40 MB"


def where(command: list[str]) -> str:
    """How the Jobs panel names the engine: `remote HOST` for an ssh command, else the program's name."""
    words = list(command)
    if words and Path(words[0]).name == "env":  # env VAR=value ... program
        words = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
    if words and Path(words[0]).name == "ssh":
        # the host is the first word that is not an option (options with a value: -p 22, -i key, ...)
        rest, host = words[1:], ""
        while rest:
            word = rest.pop(0)
            if word.startswith("-"):
                if len(word) == 2 and word[1] in "bcDEeFIiJLlmOopQRSWw" and rest:
                    rest.pop(0)
                continue
            host = word
            break
        if host:
            return f"remote {host.rpartition('@')[2]}"
    return f"remote ({Path(words[0]).name if words else 'engine'})"


def parse_command(text: str) -> list[str]:
    try:
        command = shlex.split(text)
    except ValueError as error:
        raise GenerateError(f"The engine command cannot be read: {error}") from None
    if not command:
        raise GenerateError("The engine command is empty: give the command that starts an engine")
    return command


class RemoteExecutor:
    lane = REMOTE

    def __init__(
        self,
        command: list[str] | str,
        slots: int = SLOTS,
        connect: bool = True,
        wait_for_remote: float = WAIT_FOR_REMOTE,
    ) -> None:
        self.command = parse_command(command) if isinstance(command, str) else list(command)
        self.where = where(self.command)
        self.slots = slots
        self.wait_for_remote = wait_for_remote
        self.sent_bytes = 0  # media sent to the remote engine, for the user and the tests
        self.received_bytes = 0
        self._lock = threading.Lock()
        self._connection: RemoteEngine | None = None
        #: Set once the remote engine was reached, or found unusable for good (`refusal` says why).
        self.settled = threading.Event()
        self.refusal = ""
        self.last_error = ""
        self._closing = threading.Event()
        #: Told when the background tries end: None when reached, else why it never will be.
        self.on_settled: Callable[[str | None], None] | None = None
        if connect:  # a wrong command or version is said at once, not at the first job
            self.connection()
            self.settled.set()

    @property
    def host(self) -> str:
        return self.where.removeprefix("remote ")

    def keep_trying(self) -> None:
        """Try to reach the remote engine again in the background, 0.5 s doubling to 30 s between tries."""
        threading.Thread(target=self._retry, daemon=True, name="remote-engine-retry").start()

    def _retry(self) -> None:
        wait = FIRST_WAIT
        while not self._closing.wait(wait):
            try:
                self.connection()
            except VersionMismatch as error:
                self.refusal = str(error)
            except GenerateError as error:
                self.last_error = str(error)
                wait = min(LONGEST_WAIT, wait * 2)
                continue
            self.settled.set()
            if self.on_settled is not None:
                self.on_settled(self.refusal or None)
            return

    def _wait_until_reached(self, context: JobContext) -> None:
        """Wait for the background tries (at most `wait_for_remote` s); RunHere if they did not reach it."""
        if not self.settled.is_set():
            context.progress(0.0, f"waiting for {self.host}…")
            deadline = time.monotonic() + self.wait_for_remote
            while not self.settled.wait(0.2):
                context.check_cancelled()
                if time.monotonic() >= deadline:
                    why = f" ({self.last_error})" if self.last_error else ""
                    waited = f"{self.wait_for_remote:g} s"
                    raise RunHere(f"{self.where} was not reached in {waited}{why}: ran on this machine")
        if self.refusal:
            raise RunHere(f"{self.refusal}: ran on this machine")

    # the connection -----------------------------------------------------------------------

    def connection(self) -> RemoteEngine:
        with self._lock:
            if self._connection is None or self._connection.closed.is_set():
                self._connection = RemoteEngine(self.command, self.where)
            return self._connection

    def _connected(self, context: JobContext) -> RemoteEngine:
        """The live connection; after a drop, connect again, backing off, until it works or
        `GIVE_UP_AFTER` has passed (a version mismatch is final at once)."""
        wait, began = FIRST_WAIT, time.monotonic()
        while True:
            context.check_cancelled()
            try:
                return self.connection()
            except VersionMismatch:
                raise
            except GenerateError as error:
                if time.monotonic() - began > GIVE_UP_AFTER:
                    raise
                context.log(f"{self.where}: cannot connect ({error}); trying again in {wait:g} s")
            context.cancel_event.wait(wait)
            wait = min(LONGEST_WAIT, wait * 2)

    def _call(self, context: JobContext, method: str, params: dict[str, Any]) -> Any:
        """A request that survives a dropped connection (sent again on the new one)."""
        while True:
            try:
                return self._connected(context).request(method, params)
            except ConnectionLost as lost:
                context.log(f"{self.where}: the connection dropped ({lost or 'closed'}); connecting again")

    def close(self) -> None:
        self._closing.set()
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def traffic(self) -> str:
        """What crossed the wire, as the command line says it when it is done."""
        return f"{self.where}: sent {_size(self.sent_bytes)}, received {_size(self.received_bytes)}"

    # a job --------------------------------------------------------------------------------

    def run(self, spec: JobSpec, backend: str, context: JobContext) -> Output:
        self._wait_until_reached(context)
        params = {k: v for k, v in spec.params.items() if k != "cache_dir"}  # the remote side's own cache
        names: dict[str, str] = {}  # remote path -> local path, so provenance names the user's files
        for key in sorted(FILE_PARAMS & params.keys()):
            if params[key]:
                params[key] = self._send(str(params[key]), context, names)
        for key in sorted(FILE_LIST_PARAMS & params.keys()):
            if isinstance(params[key], list):
                params[key] = [self._send_listed(item, context, names) for item in params[key]]
        sent = {"task": spec.task, "params": params, "priority": spec.priority, "backend": backend}
        context.check_cancelled()
        ref = uuid.uuid4().hex  # if the reply is lost with the connection, the resent submit finds the job
        job = str(self._call(context, "submit", {"spec": sent, "ref": ref})["job"])
        context.log(f"{self.where}: job {job}")
        result = self._await(job, context)
        return self._fetch(result, context, names)

    def _send_listed(self, item: Any, context: JobContext, names: dict[str, str]) -> Any:
        if isinstance(item, str):
            return self._send(item, context, names)
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            return {**item, "path": self._send(item["path"], context, names)}
        return item

    def _send(self, path: str, context: JobContext, names: dict[str, str]) -> str:
        """The remote path of the input `path` (a file or a folder), sent first where it is missing."""
        if os.path.isdir(path):
            listing = folder_listing(path)
            for name, sha256 in listing.items():
                self._send_file(Path(path) / name, sha256, context)
            remote = str(self._call(context, "media.folder", {"files": listing})["path"])
        elif os.path.isfile(path):
            remote = self._send_file(Path(path), sha256_file(path), context)
        else:
            raise GenerateError(f"{path} does not exist")
        names[remote] = os.path.abspath(path)
        return remote

    def _send_file(self, file: Path, sha256: str, context: JobContext) -> str:
        """One input, in chunks, `WINDOW` of them in flight (the remote engine handles a connection's
        requests in order, so they arrive without gaps); a dropped upload goes on from what arrived."""
        total = file.stat().st_size
        while True:
            state = self._call(context, "media.has", {"sha256": sha256, "name": file.name})
            if state["complete"]:
                return str(state["path"])
            offset = int(state["size"])  # what arrived before a dropped connection is not sent again
            try:
                connection = self._connected(context)
                in_flight: deque[tuple[queue.Queue[dict[str, Any]], int]] = deque()
                sent = offset
                with open(file, "rb") as handle:
                    handle.seek(offset)
                    while True:
                        while len(in_flight) < WINDOW and (offset < total or (total == 0 and not in_flight)):
                            context.check_cancelled()
                            data = handle.read(CHUNK)
                            if not data and total:
                                raise GenerateError(f"{file} changed while it was being sent")
                            params = {
                                "sha256": sha256,
                                "offset": offset,
                                "name": file.name,
                                "size": total,
                                "data": base64.b64encode(data).decode("ascii"),
                            }
                            in_flight.append((connection.send("media.put", params), len(data)))
                            offset += len(data)
                        waiting, size = in_flight.popleft()
                        state = connection.answer(waiting, "media.put")
                        sent += size
                        with self._lock:
                            self.sent_bytes += size
                        _transfer_progress(context, "uploading", file.name, sent, total)
                        if state["complete"]:
                            return str(state["path"])
                        if not in_flight and offset >= total:
                            raise GenerateError(f"{file} changed while it was being sent")
            except ConnectionLost:
                context.log(f"{self.where}: the connection dropped sending {file.name}; going on from there")

    def _await(self, job: str, context: JobContext) -> dict[str, Any]:
        """The job's end as the remote engine tells it, across dropped connections."""
        cancel_sent = False
        while True:
            connection = self._connected(context)
            events = connection.watch(job)
            try:
                ended = self._ended(connection, job)  # it may have ended while no one listened
                while ended is None:
                    if context.is_cancelled() and not cancel_sent:
                        cancel_sent = True
                        connection.request("cancel", {"job": job})
                    try:
                        event = events.get(timeout=0.2)
                    except queue.Empty:  # look at the cancel flag again
                        continue
                    if event is None:
                        raise ConnectionLost(connection.last_words())
                    ended = self._event(event, context)
            except ConnectionLost as lost:
                connection.unwatch(job)
                context.log(f"{self.where}: the connection dropped ({lost or 'closed'}); connecting again")
                continue
            connection.unwatch(job)
            return self._outcome(ended)

    def _ended(self, connection: RemoteEngine, job: str) -> dict[str, Any] | None:
        jobs = connection.request("status", {"job": job})["jobs"]
        if not jobs:
            raise GenerateError(f"The remote engine ({self.where}) no longer knows job {job}")
        state = jobs[0]
        if state["state"] == "done":
            return {"method": "done", **(state.get("result") or {})}
        if state["state"] == "failed":
            return {"method": "failed", "message": state.get("message", "")}
        if state["state"] == "cancelled":
            return {"method": "cancelled"}
        return None

    @staticmethod
    def _event(event: dict[str, Any], context: JobContext) -> dict[str, Any] | None:
        method = event["method"]
        if method == "progress":
            step, steps = event.get("step"), event.get("steps")
            fraction, stage = float(event.get("fraction", 0)), str(event.get("stage", ""))
            context.report(ProgressReport(fraction, stage, step, steps))
        elif method == "log":
            context.log(str(event.get("text", "")))
        elif method in ENDED:
            return event
        return None

    def _outcome(self, ended: dict[str, Any]) -> dict[str, Any]:
        if ended["method"] == "cancelled":
            raise JobCancelled("Cancelled")
        if ended["method"] == "failed":
            raise GenerateError(str(ended.get("message") or f"The job failed on {self.where}"))
        return ended

    # results ------------------------------------------------------------------------------

    def _fetch(self, result: dict[str, Any], context: JobContext, names: dict[str, str]) -> Output:
        assert context.workdir is not None
        files = [str(f) for f in result.get("files", [])]
        key = str(result.get("key", ""))
        fetched = []
        for remote in files:
            name = _relative(remote, key)
            out = (context.workdir / name).resolve()
            if context.workdir.resolve() not in out.parents:
                raise GenerateError(f"The remote engine sent a result outside its folder: {remote}")
            self._fetch_file(remote, out, context)
            fetched.append(out)
        provenance = {**_renamed(result.get("provenance", {}), names), "engine": self.where}
        return Output(fetched, provenance)

    def _fetch_file(self, remote: str, out: Path, context: JobContext) -> None:
        """One result file, in chunks (`WINDOW` in flight), kept only when its SHA-256 is the one the
        remote engine gave."""
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(f".{out.name}.part")
        facts = self._call(context, "media.stat", {"path": remote})
        total, expected = int(facts["size"]), str(facts["sha256"])
        while True:
            offset = part.stat().st_size if part.exists() else 0  # a dropped fetch goes on from here
            try:
                connection = self._connected(context)
                in_flight: deque[queue.Queue[dict[str, Any]]] = deque()
                asked = offset
                with open(part, "ab") as handle:
                    while offset < total:
                        while len(in_flight) < WINDOW and asked < total:
                            context.check_cancelled()
                            in_flight.append(connection.send("media.get", {"path": remote, "offset": asked}))
                            asked += min(CHUNK, total - asked)
                        data = base64.b64decode(connection.answer(in_flight.popleft(), "media.get")["data"])
                        if not data:
                            raise GenerateError(f"{remote} on {self.where} got shorter while it was fetched")
                        handle.write(data)
                        offset += len(data)
                        with self._lock:
                            self.received_bytes += len(data)
                        _transfer_progress(context, "downloading", out.name, offset, total)
                break
            except ConnectionLost:
                context.log(f"{self.where}: the connection dropped fetching {out.name}; going on from there")
        if sha256_file(part) != expected:
            part.unlink(missing_ok=True)
            raise GenerateError(f"{out.name} from {self.where} does not match its SHA-256: it was damaged")
        os.replace(part, out)


def _transfer_progress(context: JobContext, verb: str, name: str, done: int, total: int) -> None:
    """A transfer as the job's progress: "uploading 12 of 40 MB" (step 12 of 40, which the command
    line's bar draws) for a large file, the file's name for a small one."""
    fraction = done / total if total else 1.0
    if total < LARGE:
        context.progress(fraction, f"{'Sending' if verb == 'uploading' else 'Receiving'} {name}")
        return
    megabytes, of = round(done / 1e6), max(1, round(total / 1e6))
    context.progress(fraction, f"{verb} {megabytes} of {of} MB", megabytes, of)


def _renamed(value: Any, names: dict[str, str]) -> Any:
    """`value` with the remote copies of the inputs named by their local paths again."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    return value


def _relative(remote: str, key: str) -> str:
    """A result file's name inside its cache entry (the folder named by the job's key)."""
    path = Path(remote)
    for parent in path.parents:
        if parent.name == key and key:
            return path.relative_to(parent).as_posix()
    return path.name


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return f"{count} bytes"
