"""What a running job is given: how to report progress, whether it was cancelled, where to log.

Generations and exports report the same way (a fraction of the whole job,
a stage a person can read, optionally step N of M), so the jobs panel and
the command line's progress bar read one kind of report whoever made it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    """Handed to a job's work for one run (a backend sees it as its only view of the job)."""

    workdir: Path | None = None  # a generation writes its outputs here; the cache takes them when done
    report: Callable[[ProgressReport], None] = lambda _report: None
    is_cancelled: Callable[[], bool] = lambda: False
    log: Callable[[str], None] = lambda _text: None
    models: Any = None  # engine.jobs.models.ModelPool, for backends that load models
    cancel_event: threading.Event = field(default_factory=threading.Event)
    plan: Any = None  # engine.generate.planner.Plan: how a model is placed on the device this run

    def progress(
        self, fraction: float, stage: str, step: int | None = None, steps: int | None = None
    ) -> None:
        self.report(ProgressReport(min(1.0, max(0.0, fraction)), stage, step, steps))

    def check_cancelled(self) -> None:
        if self.is_cancelled():
            raise JobCancelled("Cancelled")
