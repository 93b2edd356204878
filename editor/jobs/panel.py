"""The jobs dock: one row per job with its progress, status, time left, Cancel and Retry.

The buttons on a row are bound to the job's id, not its row, so they act on
the right job however the list changes under them.

The dock usually sits in a tab behind the inspector, about 350 pixels wide:
too narrow for five columns, which scrolled sideways and hid Status and
Cancel. Below `COMPACT_WIDTH` the Status and Time left columns fold into the
progress bar's text ("40% · inpainting · 0:12"), so a row fits the dock.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from editor.jobs.model import FRACTION_ROLE, JOB_ID_ROLE, STATE_ROLE, Column, JobsModel, State

COMPACT_WIDTH = 560  # below this the table shows Job, Progress (with status) and the buttons
PROGRESS_WIDTH, COMPACT_PROGRESS_WIDTH = 140, 150


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a progress bar with its percentage.

    It draws through a hidden QProgressBar, so the bar in a row looks like
    every other progress bar under the application's style sheet. When the
    table is compact the bar also says the status and time left.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._look = QProgressBar(parent)
        self._look.hide()
        self.compact = False

    def text(self, index: QModelIndex | QPersistentModelIndex) -> str:
        percent = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if not self.compact:
            return percent
        stage = index.siblingAtColumn(Column.STAGE).data(Qt.ItemDataRole.DisplayRole) or ""
        eta = index.siblingAtColumn(Column.ETA).data(Qt.ItemDataRole.DisplayRole) or ""
        if stage.startswith(("Failed", "Cancelled", "Done")):
            return stage
        return " · ".join(p for p in (percent, stage if stage != "Done" else "", eta) if p)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 4, -3, -4)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = round((index.data(FRACTION_ROLE) or 0.0) * 1000)
        bar.text = option.fontMetrics.elidedText(
            self.text(index), Qt.TextElideMode.ElideRight, max(0, bar.rect.width() - 6)
        )
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        self._look.ensurePolished()
        bar.palette = self._look.palette()
        self._look.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, self._look)


class JobButtons(QWidget):
    """Cancel and Retry for one job."""

    def __init__(self, model: JobsModel, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.cancel = QPushButton("Cancel", self)
        self.retry = QPushButton("Retry", self)
        self.cancel.setObjectName("job-cancel")
        self.retry.setObjectName("job-retry")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.addWidget(self.cancel)
        layout.addWidget(self.retry)
        self.cancel.clicked.connect(lambda: model.request_cancel(job_id))
        self.retry.clicked.connect(lambda: model.request_retry(job_id))

    def update_for(self, state: State, retryable: bool) -> None:
        """Only the button that can act now is shown: Cancel while the job lives, Retry after it failed."""
        can_retry = retryable and state in (State.FAILED, State.CANCELLED)
        self.cancel.setEnabled(not state.finished)
        self.cancel.setVisible(not state.finished)
        self.retry.setEnabled(can_retry)
        self.retry.setVisible(can_retry)


class JobsPanel(QWidget):
    def __init__(self, model: JobsModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobs")
        self.model = model or JobsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("jobs-table")
        self.table.setModel(self.model)
        self.progress = ProgressDelegate(self.table)
        self.table.setItemDelegateForColumn(Column.PROGRESS, self.progress)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.STAGE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.PROGRESS, PROGRESS_WIDTH)
        header.resizeSection(Column.ETA, 70)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.ResizeToContents)
        self.clear = QPushButton("Clear finished", self)
        self.clear.setObjectName("jobs-clear")
        self.clear.clicked.connect(self.model.clear_finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.clear, 0, Qt.AlignmentFlag.AlignRight)
        self._buttons: dict[str, JobButtons] = {}
        self.model.rowsInserted.connect(lambda _parent, first, last: self._add_buttons(first, last))
        self.model.modelReset.connect(lambda: self._add_buttons(0, self.model.rowCount() - 1))
        self.model.dataChanged.connect(lambda first, last, _roles=(): self._update(first.row(), last.row()))
        self._add_buttons(0, self.model.rowCount() - 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    @property
    def compact(self) -> bool:
        return self.progress.compact

    def _fit_columns(self) -> None:
        compact = self.width() < COMPACT_WIDTH
        if compact == self.progress.compact and self.table.isColumnHidden(Column.STAGE) == compact:
            return
        self.progress.compact = compact
        self.table.setColumnHidden(Column.STAGE, compact)
        self.table.setColumnHidden(Column.ETA, compact)
        width = COMPACT_PROGRESS_WIDTH if compact else PROGRESS_WIDTH
        self.table.horizontalHeader().resizeSection(Column.PROGRESS, width)
        self.table.viewport().update()

    def buttons(self, job_id: str) -> JobButtons:
        return self._buttons[job_id]

    def _add_buttons(self, first: int, last: int) -> None:
        if first == 0:
            self._buttons = {k: b for k, b in self._buttons.items() if self.model.job(k) is not None}
        for row in range(first, last + 1):
            index = self.model.index(row, Column.ACTIONS)
            job_id = index.data(JOB_ID_ROLE)
            buttons = JobButtons(self.model, job_id, self.table)
            self._buttons[job_id] = buttons
            self.table.setIndexWidget(index, buttons)
        self._update(first, last)

    def _update(self, first: int, last: int) -> None:
        for row in range(max(first, 0), last + 1):
            index = self.model.index(row, Column.ACTIONS)
            job = self.model.job(index.data(JOB_ID_ROLE))
            if job is not None and job.job_id in self._buttons:
                self._buttons[job.job_id].update_for(State(index.data(STATE_ROLE)), job.retryable)
