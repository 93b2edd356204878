"""What every backend is given and gives back.

`JobContext` is the backend's only view of the job around it: where to write,
how to report progress, and whether the user has cancelled (checked at each
denoising step, so a cancel lands within one step). `Output` is the files a
backend wrote plus the provenance that makes them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from engine.errors import JobCancelled

#: Stages a progress report names, as the jobs panel shows them.
LOADING, PREPARING, DENOISING, DECODING, ENCODING, RENDERING = (
    "loading model",
    "preparing",
    "denoising",
    "decoding",
    "encoding",
    "rendering",
)


@dataclass(frozen=True)
class ProgressReport:
    fraction: float  # of the whole job, 0..1
    stage: str
    step: int | None = None
    steps: int | None = None


@dataclass
class JobContext:
    """Handed to a backend for one run."""

    workdir: Path  # write outputs here; the job moves them into the cache when done
    report: Callable[[ProgressReport], None] = lambda _report: None
    is_cancelled: Callable[[], bool] = lambda: False
    log: Callable[[str], None] = lambda _text: None
    models: Any = None  # engine.jobs.models.ModelPool, for backends that load models

    def progress(
        self, fraction: float, stage: str, step: int | None = None, steps: int | None = None
    ) -> None:
        self.report(ProgressReport(min(1.0, max(0.0, fraction)), stage, step, steps))

    def check_cancelled(self) -> None:
        if self.is_cancelled():
            raise JobCancelled("Cancelled")


@dataclass(frozen=True)
class Output:
    files: list[Path]
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str = ""  # why not, or what it will use ("CPU", "cuda:0, 24 GB")


class Backend(Protocol):
    """One way of doing one task."""

    name: str  # as typed on the command line and stored in provenance
    task: str
    label: str  # as shown in the UI
    gpu: bool  # needs the GPU lane (one such job at a time)

    def readiness(self) -> Readiness: ...

    def run(self, request: Any, context: JobContext) -> Output: ...
