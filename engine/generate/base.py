"""What every backend is given and gives back.

A backend is handed the job's `JobContext` (engine.jobs.progress), its only
view of the job around it: where to write, how to report progress, and
whether the user has cancelled (checked at each denoising step, so a cancel
lands within one step). `Output` is the files a backend wrote plus the
provenance that makes them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from engine.jobs.progress import JobContext


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
