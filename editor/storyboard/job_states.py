"""Which shots have a job running, and which ones' last job failed, from the one JobRunner.

The storyboard's "generating" and "failed" badges are about jobs, not the
document: any job for a clip counts (Generate all's keyframes and shots,
Regenerate Shot, Extend), so a card says what the Jobs panel says. A
failure stays on its shot until a job for that shot starts again or ends
well.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from editor.jobs.runner import JobRunner


class ClipJobStates(QObject):
    changed = Signal()

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._failed: dict[str, str] = {}  # clip id -> why its last job failed
        runner.jobStarted.connect(lambda token: self._ended(token, None))
        runner.jobDone.connect(lambda token, _result: self._ended(token, None))
        runner.jobFailed.connect(lambda token, message: self._ended(token, message))
        runner.jobCancelled.connect(lambda token: self._ended(token, None))

    def generating(self) -> set[str]:
        """Clips with a job asked for and not ended yet."""
        return {job.clip_id for job in self._runner.live_jobs() if job.clip_id is not None}

    def failures(self) -> dict[str, str]:
        """Why each clip's last job failed, for the clips whose last job did."""
        return dict(self._failed)

    def _ended(self, token: str, failure: str | None) -> None:
        job = self._runner.job(token)
        if job is None or job.clip_id is None:
            return
        if failure is None:
            self._failed.pop(job.clip_id, None)
        else:
            self._failed[job.clip_id] = failure
        self.changed.emit()
