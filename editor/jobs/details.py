"""A job's whole story, for a double-click on its row: its state, its full message, the engine's log.

A row has room for a line or three of a failure's reason; the reason an
engine gives can be longer (a model's error, a path), and what led to it is
in the lines the engine logged for the job (a traceback, a model loading).
The dialog is not modal and follows the job while it is open, so a user can
watch a running job's log or copy a failure into a bug report.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from editor.jobs.model import JOB_ID_ROLE, JobsModel, State

NO_LOG = "The engine logged nothing for this job."


class JobDetails(QDialog):
    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("job-details")
        self.setModal(False)
        self.resize(620, 420)
        self._model = model
        self.job_id: str | None = None
        self.state = QLabel(self)
        self.state.setObjectName("job-details-state")
        bold = self.state.font()
        bold.setBold(True)
        self.state.setFont(bold)
        self.message = QLabel(self)
        self.message.setObjectName("job-details-message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("job-details-log")
        self.log.setReadOnly(True)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setPlaceholderText(NO_LOG)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Engine log", self))
        layout.addWidget(self.log, 1)
        layout.addWidget(buttons)
        model.dataChanged.connect(self._changed)
        model.logged.connect(self._logged)

    def show_job(self, job_id: str) -> None:
        self.job_id = job_id
        self._show_state()
        self._show_log()
        self.show()
        self.raise_()
        self.activateWindow()

    def _changed(self, first: QModelIndex, last: QModelIndex, _roles: object = ()) -> None:
        for row in range(first.row(), last.row() + 1):
            if self._model.index(row, 0).data(JOB_ID_ROLE) == self.job_id:
                self._show_state()

    def _logged(self, job_id: str) -> None:
        if job_id == self.job_id:
            self._show_log()

    def _show_state(self) -> None:
        job = self._model.job(self.job_id or "")
        if job is None:
            return
        self.setWindowTitle(job.title)
        self.state.setText(job.state_text if job.state != State.FAILED else "Failed")
        self.message.setText(job.message)
        self.message.setVisible(bool(job.message))
        self.message.setStyleSheet("color: #e0524c;" if job.state == State.FAILED else "")

    def _show_log(self) -> None:
        job = self._model.job(self.job_id or "")
        if job is None:
            return
        text = "\n".join(job.log)
        if text != self.log.toPlainText():
            self.log.setPlainText(text)
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())
