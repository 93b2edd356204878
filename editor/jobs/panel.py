"""The jobs dock: one row per job with what it makes, its state and progress, Cancel and Retry.

The buttons on a row are bound to the job's id, not its row, so they act on
the right job however the list changes under them. A double-click on a row
opens the job's details: its whole message and the lines the engine logged.

The dock usually sits in a tab behind the inspector, about 340 pixels wide:
too narrow for five columns, which cut the job's name to "Regenerate …" and
its state to "Failed: Not enough…". Below `COMPACT_WIDTH` each row is a
card instead: the job's title on one line, its state and progress on the
bar below ("40% · denoising 12/30 · 0:47 left", "Done (from the cache)"),
and a failed job's reason under its title in up to `REASON_LINES` lines, so
a user reads what happened without widening the dock.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QResizeEvent, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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

from editor.jobs.details import JobDetails
from editor.jobs.model import FRACTION_ROLE, JOB_ID_ROLE, STATE_ROLE, Column, Job, JobsModel, State, eta_text

Index = QModelIndex | QPersistentModelIndex

COMPACT_WIDTH = 560  # below this a row is a card: title, then state and progress
PROGRESS_WIDTH = 140
ROW_HEIGHT = 30  # a wide table's row
PAD, GAP, BAR_HEIGHT = 5, 3, 20  # a card's margins, the space between its lines, its bar
REASON_LINES = 3  # a failure's reason in the row; the details show the rest
ERROR_COLOR = QColor("#e0524c")


def status_text(job: Job) -> str:
    """The job's state in one line, as a card's bar says it."""
    if job.state == State.FAILED:
        return f"Failed: {job.message}"
    if job.state != State.RUNNING:
        return job.state_text
    eta = f"{eta_text(job.eta)} left" if job.eta is not None else ""
    return " · ".join(p for p in (f"{round(job.fraction * 100)}%", job.stage, eta) if p)


def draw_bar(
    painter: QPainter,
    look: QProgressBar,
    option: QStyleOptionViewItem,
    rect: QRect,
    fraction: float,
    text: str,
) -> None:
    """A progress bar drawn through a hidden QProgressBar, so it looks like every other one."""
    bar = QStyleOptionProgressBar()
    bar.rect = rect
    bar.minimum, bar.maximum = 0, 1000
    bar.progress = round(fraction * 1000)
    bar.text = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, rect.width() - 6))
    bar.textVisible = True
    bar.textAlignment = Qt.AlignmentFlag.AlignCenter
    bar.state = option.state | QStyle.StateFlag.State_Horizontal
    look.ensurePolished()
    bar.palette = look.palette()
    look.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, look)


class ProgressDelegate(QStyledItemDelegate):
    """A wide table's progress column: a bar with the percentage."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._look = QProgressBar(parent)
        self._look.hide()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect = option.rect.adjusted(3, 4, -3, -4)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        draw_bar(painter, self._look, option, rect, index.data(FRACTION_ROLE) or 0.0, text)


@dataclass(frozen=True)
class Card:
    """What a card shows, laid out for a width: each line's text as drawn (elided if it had to be)."""

    title: str
    status: str  # on the bar; empty for a failed job, whose reason is drawn instead
    reason: tuple[str, ...]  # a failed job's reason, wrapped
    elided: bool  # something was cut short to fit

    def height(self, font: QFont) -> int:
        line = QFontMetrics(font).height()
        return PAD + line * (1 + len(self.reason)) + GAP + (BAR_HEIGHT if self.status else 0) + PAD


def title_font(font: QFont) -> QFont:
    """A card's title: the row's font, bolder, so the eye finds where each job starts."""
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    return bold


def wrap(text: str, font: QFont, width: int, most: int) -> tuple[tuple[str, ...], bool]:
    """`text` broken into lines `width` pixels wide, at most `most` of them (the last one elided)."""
    layout = QTextLayout(text, font)
    lines: list[str] = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()].rstrip())
    layout.endLayout()
    if len(lines) <= most:
        return tuple(lines), False
    rest = " ".join(lines[most - 1 :])
    last = QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return (*lines[: most - 1], last), True


class CardDelegate(QStyledItemDelegate):
    """A narrow table's job column: the job's title, then its state and progress (or why it failed)."""

    def __init__(self, model: JobsModel, parent: QTableView) -> None:
        super().__init__(parent)
        self._model, self._table = model, parent
        self._look = QProgressBar(parent)
        self._look.hide()

    def card(self, index: Index, width: int, font: QFont) -> Card:
        job = self._model.job(index.data(JOB_ID_ROLE) or "")
        if job is None:
            return Card("", "", (), False)
        room = max(0, width - 2 * PAD)
        title = QFontMetrics(title_font(font)).elidedText(job.title, Qt.TextElideMode.ElideRight, room)
        elided = title != job.title
        if job.state == State.FAILED:
            reason, cut = wrap(f"Failed: {job.message}", font, room, REASON_LINES)
            return Card(title, "", reason, elided or cut)
        status = status_text(job)
        return Card(title, status, (), elided or QFontMetrics(font).horizontalAdvance(status) > room - 6)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self._table.columnWidth(Column.NAME)
        return QSize(width, self.card(index, width, option.font).height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = self._table.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, self._table)
        font = QFont(option.font)
        card = self.card(index, option.rect.width(), font)
        inner = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        line = QFontMetrics(font).height()
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.save()
        painter.setFont(title_font(font))
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), line), left, card.title)
        painter.setFont(font)
        top = inner.top() + line + GAP
        if card.status:
            bar = QRect(inner.left(), top, inner.width(), BAR_HEIGHT)
            draw_bar(painter, self._look, option, bar, index.data(FRACTION_ROLE) or 0.0, card.status)
        painter.setPen(ERROR_COLOR)
        for text in card.reason:
            painter.drawText(QRect(inner.left(), top, inner.width(), line), left, text)
            top += line
        painter.restore()


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
    startEngineRequested = Signal()  # the user's retry after the engine failed to start again and again

    def __init__(self, model: JobsModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobs")
        self.model = model or JobsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("jobs-table")
        self.table.setModel(self.model)
        self.progress = ProgressDelegate(self.table)
        self.cards = CardDelegate(self.model, self.table)
        self.table.setItemDelegateForColumn(Column.PROGRESS, self.progress)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.STAGE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.PROGRESS, PROGRESS_WIDTH)
        header.resizeSection(Column.ETA, 70)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda column, _old, _new: column == Column.NAME and self._fit_rows())
        self.clear = QPushButton("Clear finished", self)
        self.clear.setObjectName("jobs-clear")
        self.clear.clicked.connect(self.model.clear_finished)
        self.engine_problem = QFrame(self)
        self.engine_problem.setObjectName("jobs-engine-problem")
        self.engine_problem_text = QLabel(self.engine_problem)
        self.engine_problem_text.setWordWrap(True)
        self.engine_problem_text.setStyleSheet(f"color: {ERROR_COLOR.name()};")
        start = QPushButton("Start engine", self.engine_problem)
        start.setObjectName("jobs-start-engine")
        start.clicked.connect(self.startEngineRequested)
        problem = QVBoxLayout(self.engine_problem)
        problem.setContentsMargins(6, 6, 6, 6)
        problem.addWidget(self.engine_problem_text)
        problem.addWidget(start, 0, Qt.AlignmentFlag.AlignRight)
        self.engine_problem.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.engine_problem)
        layout.addWidget(self.table)
        layout.addWidget(self.clear, 0, Qt.AlignmentFlag.AlignRight)
        self.details: JobDetails | None = None
        self._compact = False
        self._buttons: dict[str, JobButtons] = {}
        self.table.doubleClicked.connect(lambda index: self.show_details(index.data(JOB_ID_ROLE)))
        self.model.rowsInserted.connect(lambda _parent, first, last: self._add_buttons(first, last))
        self.model.modelReset.connect(lambda: self._add_buttons(0, self.model.rowCount() - 1))
        self.model.dataChanged.connect(lambda first, last, _roles=(): self._update(first.row(), last.row()))
        self._add_buttons(0, self.model.rowCount() - 1)

    def show_engine_problem(self, text: str) -> None:
        """Above the jobs: why the engine is not running, with a button to start it again."""
        self.engine_problem_text.setText(text)
        self.engine_problem.show()

    def clear_engine_problem(self) -> None:
        self.engine_problem.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    @property
    def compact(self) -> bool:
        return self._compact

    def status_text(self, job_id: str) -> str:
        """The job's state as its row says it."""
        job = self.model.job(job_id)
        return "" if job is None else status_text(job)

    def card(self, job_id: str) -> Card | None:
        """The job's card as drawn now (compact rows only)."""
        row = next((r for r, j in enumerate(self.model.jobs()) if j.job_id == job_id), None)
        if row is None or not self._compact:
            return None
        index = self.model.index(row, Column.NAME)
        return self.cards.card(index, self.table.columnWidth(Column.NAME), self.table.font())

    def show_details(self, job_id: str | None) -> None:
        """The job's whole message and the engine's log for it."""
        if not job_id or self.model.job(job_id) is None:
            return
        if self.details is None:
            self.details = JobDetails(self.model, self)
        self.details.show_job(job_id)

    def buttons(self, job_id: str) -> JobButtons:
        return self._buttons[job_id]

    def _fit_columns(self) -> None:
        compact = self.width() < COMPACT_WIDTH
        if compact == self._compact and self.table.isColumnHidden(Column.STAGE) == compact:
            return
        self._compact = compact
        for column in (Column.PROGRESS, Column.STAGE, Column.ETA):
            self.table.setColumnHidden(column, compact)
        self.table.setItemDelegateForColumn(Column.NAME, self.cards if compact else None)
        self.table.horizontalHeader().setVisible(not compact)  # a card says what each part is
        self._fit_rows()

    def _fit_rows(self, first: int = 0, last: int | None = None) -> None:
        """Cards are as tall as what they say (a failure's reason takes lines); wide rows one line."""
        last = self.model.rowCount() - 1 if last is None else last
        for row in range(max(first, 0), last + 1):
            if self._compact:
                self.table.resizeRowToContents(row)
            else:
                self.table.setRowHeight(row, ROW_HEIGHT)
        self.table.viewport().update()

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
        self._fit_rows(first, last)
