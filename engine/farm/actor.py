"""The farm's worker: one per (task backend, worker slot), owning its loaded model between jobs.

A Ray actor built from this class lives on one GPU (or one worker slot) of
the cluster and runs that backend's jobs one after another, so a model's
weights load once for a whole batch, exactly as the local engine's model
pool does. It is threaded (a few calls at once) so that while `run` works,
`progress` can be asked and `cancel` can land: cancel sets the flag the
backend checks at each denoising step.

Inputs (a clip to inpaint, a mask folder, a reference image) arrive as
bytes and results go back as bytes, through Ray's object store: the nodes
of a cluster share no disk with the editor.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from engine.errors import JobCancelled
from engine.jobs.models import ModelPool
from engine.jobs.progress import JobContext, ProgressReport
from engine.jobs.spec import JobSpec

#: A file travels as {relative path: bytes}; a single file as {"": bytes}.
Files = dict[str, bytes]


def pack(path: str | os.PathLike[str]) -> Files:
    """A file, or a folder's files, as bytes to send to a worker."""
    source = Path(path)
    if source.is_dir():
        found = sorted(p for p in source.rglob("*") if p.is_file())
        return {p.relative_to(source).as_posix(): p.read_bytes() for p in found}
    return {"": source.read_bytes()}


def unpack(files: Files, target: Path) -> Path:
    """Write what `pack` made under `target` (a file's own name kept); returns the file or folder."""
    if set(files) == {""}:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[""])
        return target
    for name, data in files.items():
        out = target / name
        if target.resolve() not in out.resolve().parents:
            raise ValueError(f"{name} is not inside the input folder")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    return target


class GenerationWorker:
    def __init__(self, task: str, backend: str) -> None:
        from engine.generate.registry import default_registry

        self.task, self.backend_name = task, backend
        self._registry = default_registry()
        self._backend = self._registry.backend(task, backend)
        self._models = ModelPool()
        self._lock = threading.Lock()
        self._progress: dict[str, tuple[float, str, int | None, int | None]] = {}
        self._cancel: dict[str, threading.Event] = {}
        self._logs: dict[str, list[str]] = {}
        self.finished = 0

    def run(self, job: str, spec: dict[str, Any], inputs: dict[str, Files]) -> dict[str, Any]:
        """Run one job; its files come back as bytes with the provenance and the node that made them."""
        cancel = self._cancel.setdefault(job, threading.Event())
        scratch = Path(tempfile.mkdtemp(prefix="shotline-farm-"))
        try:
            params = dict(spec.get("params") or {})
            for key, files in inputs.items():
                key, _, n = key.partition("/")  # "references/2": the third file of a list
                if n:
                    items = params[key] = list(params[key])
                    item = items[int(n)]
                    source = item["path"] if isinstance(item, dict) else item
                    local = str(unpack(files, scratch / "inputs" / key / n / Path(str(source)).name))
                    items[int(n)] = {**item, "path": local} if isinstance(item, dict) else local
                    continue
                name = Path(str(params.get(key) or key)).name or key
                params[key] = str(unpack(files, scratch / "inputs" / key / name))
            params.pop("cache_dir", None)
            made = JobSpec.from_json({**spec, "params": params})
            request = self._registry.request(made.task, made.params)
            out = scratch / "out"
            out.mkdir()

            def report(progress: ProgressReport) -> None:
                self._progress[job] = (progress.fraction, progress.stage, progress.step, progress.steps)

            context = JobContext(
                workdir=out,
                report=report,
                is_cancelled=cancel.is_set,
                log=lambda text: self._logs.setdefault(job, []).append(text),
                models=self._models,
                cancel_event=cancel,
            )
            try:
                output = self._backend.run(request, context)
                context.check_cancelled()
            except JobCancelled:
                return {"cancelled": True}
            files = {Path(f).relative_to(out).as_posix(): Path(f).read_bytes() for f in output.files}
            with self._lock:
                self.finished += 1
            made = {"provenance": output.provenance, "node": socket.gethostname(), "pid": os.getpid()}
            return {"files": files, **made}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            self._cancel.pop(job, None)

    def progress(self, job: str) -> dict[str, Any] | None:
        """The job's latest progress and the log lines since the last ask."""
        state = self._progress.get(job)
        logs = self._logs.pop(job, [])
        if state is None and not logs:
            return None
        fraction, stage, step, steps = state or (0.0, "", None, None)
        return {"fraction": fraction, "stage": stage, "step": step, "steps": steps, "logs": logs}

    def cancel(self, job: str) -> None:
        self._cancel.setdefault(job, threading.Event()).set()

    def describe(self) -> dict[str, Any]:
        """For `shotline farm status`: what this worker is, what it holds, what it is doing."""
        return {
            "task": self.task,
            "backend": self.backend_name,
            "model": str(self._models.loaded) if self._models.loaded is not None else "",
            "running": sorted(self._cancel),
            "finished": self.finished,
            "node": socket.gethostname(),
            "pid": os.getpid(),
        }

    def pid(self) -> int:
        return os.getpid()
