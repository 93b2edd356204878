"""The list of jobs the user started, fed by plain method calls.

Whatever runs a job (the editor's JobRunner for every engine job, the mask
tracker's worker thread) reports through `add`, `progress`, `log`, `done`,
`failed` and `cancelled`, all by job id; the model knows nothing of how
jobs run. A user's Cancel or Retry comes back out as
`cancelRequested`/`retryRequested` with the id, for the job's owner to act
on. GUI thread only: a worker's reports reach it through queued signals.

Each job keeps the last `LOG_LINES` lines the engine logged for it, so a
failure's details can be read after the fact without the list growing for
the life of a long session.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

Index = QModelIndex | QPersistentModelIndex


class State(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (State.DONE, State.FAILED, State.CANCELLED)


@dataclass
class Job:
    job_id: str
    title: str
    state: State = State.QUEUED
    fraction: float = 0.0
    stage: str = ""
    eta: float | None = None  # seconds left
    message: str = ""  # the result on success, the reason on failure
    retryable: bool = False
    cached: bool = False  # done with a result the engine already had
    engine: str = ""  # where it runs, when not here: `remote HOST`, `farm ADDR`
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_LINES))

    @property
    def state_text(self) -> str:
        """The state as the row says it: "Queued", "denoising 3/30", "Done (from the cache)"."""
        return self.stage or self.state.value.capitalize()


#: How many of the engine's log lines a job keeps (a traceback is a few dozen).
LOG_LINES = 400
CACHED_TEXT = "Done (from the cache)"


class Column:
    NAME, PROGRESS, STAGE, ETA, ACTIONS = range(5)
    TITLES = ("Job", "Progress", "Status", "Time left", "")


#: Roles the view's delegates read.
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
FRACTION_ROLE = Qt.ItemDataRole.UserRole + 2
JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 3


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class JobsModel(QAbstractTableModel):
    cancelRequested = Signal(str)
    retryRequested = Signal(str)
    logged = Signal(str)  # job id: it has new log lines

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []

    # fed by whoever runs jobs ----------------------------------------------------

    def add(self, job_id: str, title: str, retryable: bool = False) -> None:
        """A new job, queued; adding a known id again requeues it (a retry)."""
        if (row := self._row(job_id)) is not None:
            self._jobs[row] = Job(job_id, title, retryable=retryable)
            self._changed(row)
            return
        self.beginInsertRows(QModelIndex(), len(self._jobs), len(self._jobs))
        self._jobs.append(Job(job_id, title, retryable=retryable))
        self.endInsertRows()

    def set_engine(self, job_id: str, engine: str) -> None:
        """Where the job runs, as its engine's reply to `submit` says (shown when not on this machine)."""
        job = self.job(job_id)
        if job is not None and (row := self._row(job_id)) is not None:
            job.engine = "" if engine == "local" else engine
            self._changed(row)

    def progress(self, job_id: str, fraction: float, stage: str = "", eta: float | None = None) -> None:
        job = self.job(job_id)
        if job is None or job.state.finished:
            return  # a late report after a cancel must not bring the job back to life
        job.state = State.RUNNING
        job.fraction = min(1.0, max(0.0, fraction))
        job.stage, job.eta = stage, eta
        self._changed(self._row(job_id))

    def cancelling(self, job_id: str) -> None:
        """The owner has asked for the job to stop: say so until the job says it has."""
        job = self.job(job_id)
        if job is not None and not job.state.finished:
            job.stage = "Cancelling…"
            self._changed(self._row(job_id))

    def log(self, job_id: str, text: str) -> None:
        job = self.job(job_id)
        if job is None:
            return
        job.log.extend(text.rstrip("\n").splitlines() or [""])
        self.logged.emit(job_id)

    def done(self, job_id: str, result: str = "", cached: bool = False) -> None:
        job = self.job(job_id)
        if job is not None:
            job.cached = cached
        self._finish(job_id, State.DONE, result, fraction=1.0)

    def failed(self, job_id: str, message: str) -> None:
        self._finish(job_id, State.FAILED, message)

    def cancelled(self, job_id: str) -> None:
        self._finish(job_id, State.CANCELLED, "Cancelled")

    # asked by the user -----------------------------------------------------------

    def request_cancel(self, job_id: str) -> None:
        job = self.job(job_id)
        if job is not None and not job.state.finished:
            self.cancelRequested.emit(job_id)

    def request_retry(self, job_id: str) -> None:
        job = self.job(job_id)
        if job is not None and job.retryable and job.state in (State.FAILED, State.CANCELLED):
            self.retryRequested.emit(job_id)

    def clear_finished(self) -> None:
        self.beginResetModel()
        self._jobs = [j for j in self._jobs if not j.state.finished]
        self.endResetModel()

    # reading -----------------------------------------------------------------------

    def job(self, job_id: str) -> Job | None:
        row = self._row(job_id)
        return None if row is None else self._jobs[row]

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def _row(self, job_id: str) -> int | None:
        return next((i for i, j in enumerate(self._jobs) if j.job_id == job_id), None)

    def _finish(self, job_id: str, state: State, message: str, fraction: float | None = None) -> None:
        row = self._row(job_id)
        if row is None:
            return
        job = self._jobs[row]
        job.state, job.message, job.eta = state, message, None
        if fraction is not None:
            job.fraction = fraction
        done = CACHED_TEXT if job.cached else "Done"
        job.stage = {State.DONE: done, State.FAILED: "Failed", State.CANCELLED: "Cancelled"}[state]
        self._changed(row)

    def _changed(self, row: int | None) -> None:
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column.TITLES) - 1))

    # the Qt model ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return Column.TITLES[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        column = index.column()
        if role == STATE_ROLE:
            return job.state.value
        if role == FRACTION_ROLE:
            return job.fraction
        if role == JOB_ID_ROLE:
            return job.job_id
        if role == Qt.ItemDataRole.ToolTipRole:
            title = f"{job.title}\nRuns on {job.engine}" if job.engine else job.title
            return f"{title}\n{job.message}\n(double-click for details)" if job.message else title
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == Column.NAME:
            return f"[{job.engine}] {job.title}" if job.engine else job.title  # first: never elided
        if column == Column.PROGRESS:
            return f"{round(job.fraction * 100)}%"
        if column == Column.STAGE:
            if job.state == State.FAILED:
                return f"Failed: {job.message}"
            return job.state_text
        if column == Column.ETA:
            return eta_text(job.eta) if job.state == State.RUNNING else ""
        return None
