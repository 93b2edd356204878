"""File > Export: pick a preset (or custom values) and a file, then watch it being written.

The dialog is not modal: the user can keep cutting while the export runs,
close the dialog (the jobs panel keeps the progress), and open it again to
see the same progress. It shows the export it started; the runner does the
work in the engine process.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.export.runner import ExportRunner
from editor.jobs.model import eta_text
from engine.errors import ExportError
from engine.export.mp4 import ExportResult, Progress
from engine.export.presets import (
    BURN,
    EMBED,
    PRESET_HELP,
    PRESETS,
    SRT,
    X264_PRESETS,
    ExportSettings,
    preset_for_frame,
)
from engine.project.times import ALLOWED_RATES, timecode
from engine.render.loudness import describe

CUSTOM = "Custom"
WHOLE = "Whole sequence"
IN_OUT = "In to Out"
PROJECT_RATE = "Project"
ERROR_STYLE = "color: #e0524c;"


def default_destination(context: EditorContext) -> Path:
    """Next to the project, with its name; an unsaved project goes to the Videos folder."""
    session = context.session
    if session.path is not None:
        return session.path.with_suffix(".mp4")
    videos = Path.home() / "Videos"
    folder = videos if videos.is_dir() else Path.home()
    return folder / f"{session.timeline.name or 'Untitled'}.mp4"


class ExportDialog(QDialog):
    def __init__(self, context: EditorContext, runner: ExportRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export-dialog")
        self.setWindowTitle("Export")
        self.setModal(False)
        self.setMinimumWidth(520)
        self._context, self._runner = context, runner
        self.job_id: str | None = None
        self._destination_for: Path | bool | None = False  # the project the destination was chosen for
        self._preset_for: tuple[Path | None, int, int] | None = (
            None  # the project and frame it was offered for
        )

        self.preset = QComboBox(self)
        self.preset.setObjectName("export-preset")
        self.preset.addItems([*PRESETS, CUSTOM])
        self.preset_help = QLabel(self)
        self.preset_help.setObjectName("export-preset-help")
        self.width_, self.height_ = QSpinBox(self), QSpinBox(self)
        for spin, name in ((self.width_, "width"), (self.height_, "height")):
            spin.setObjectName(f"export-{name}")
            spin.setRange(16, 8192)
            spin.setSingleStep(2)
        self.rate = QComboBox(self)
        self.rate.setObjectName("export-rate")
        self.rate.addItems([PROJECT_RATE, *ALLOWED_RATES])
        self.crf = QSpinBox(self)
        self.crf.setObjectName("export-crf")
        self.crf.setRange(0, 51)
        self.crf.setToolTip("Quality: 0 is lossless, 18-23 looks good, higher is smaller")
        self.x264 = QComboBox(self)
        self.x264.setObjectName("export-x264")
        self.x264.addItems(X264_PRESETS)
        self.x264.setToolTip("Slower presets make smaller files at the same quality")
        custom = QGroupBox("Settings", self)
        fields = QFormLayout(custom)
        size = QHBoxLayout()
        size.addWidget(self.width_)
        size.addWidget(QLabel("×", self))
        size.addWidget(self.height_)
        fields.addRow("Frame size", size)
        fields.addRow("Frame rate", self.rate)
        fields.addRow("CRF", self.crf)
        fields.addRow("x264 preset", self.x264)
        self.custom_fields = (self.width_, self.height_, self.rate, self.crf, self.x264)

        self.destination = QLineEdit(self)
        self.destination.setObjectName("export-destination")
        self.browse = QPushButton("Browse…", self)
        self.browse.setObjectName("export-browse")
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(self.browse)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("export-progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m frames")
        self.status = QLabel(self)
        self.status.setObjectName("export-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel = QPushButton("Cancel export", self)
        self.cancel.setObjectName("export-cancel")
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel)

        self.buttons = QDialogButtonBox(self)
        self.export = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export.setObjectName("export-start")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)

        self.span = QComboBox(self)  # the whole sequence, or the In/Out marks
        self.span.setObjectName("export-range")
        self.span.addItem(WHOLE, None)
        self.span.addItem(IN_OUT, "marks")

        form = QFormLayout()
        form.addRow("Preset", self.preset)
        form.addRow("", self.preset_help)
        form.addRow("Export", self.span)
        form.addRow("Destination", where)
        self.captions = QComboBox(self)
        self.captions.setObjectName("export-captions")
        self.captions.addItem("SRT file beside the MP4", SRT)
        self.captions.addItem("SRT, and a subtitle stream in the MP4", EMBED)
        self.captions.addItem("SRT, and burned into the picture", BURN)
        self.captions.setToolTip("The dialogue's subtitles (lines imported from a screenplay)")
        form.addRow("Captions", self.captions)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(custom)
        layout.addLayout(running)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.preset.currentTextChanged.connect(self._show_preset)
        self.browse.clicked.connect(self._browse)
        self.export.clicked.connect(self.start)
        self.cancel.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.hide)
        runner.progressed.connect(self._progressed)
        runner.finished.connect(self._finished)
        runner.failed.connect(self._failed)
        runner.cancelled.connect(self._cancelled)
        self._show_preset(self.preset.currentText())
        self._set_running(False)

    # opening ------------------------------------------------------------------------

    def open_for_project(self) -> None:
        """Show the dialog, with a fresh default destination when the project changed, and the
        preset of the project's own frame when the project or its frame size changed."""
        project = self._context.session.path
        if self._destination_for is False or self._destination_for != project:
            self.destination.setText(str(default_destination(self._context)))
            self._destination_for = project
        frame = (project, self._context.session.settings.width, self._context.session.settings.height)
        if self._preset_for != frame:  # a new project or frame size; the user's pick stays otherwise
            self.preset.setCurrentText(preset_for_frame(frame[1], frame[2]))
            self._preset_for = frame
        self._show_preset(self.preset.currentText())
        self._show_span()
        self.show()
        self.raise_()
        self.activateWindow()

    def _show_preset(self, name: str) -> None:
        custom = name == CUSTOM
        for field in self.custom_fields:
            field.setEnabled(custom)
        self.preset_help.setText(
            PRESET_HELP.get(name, "Your own size, rate and quality") if not custom else "Your own values"
        )
        if custom:
            return
        chosen, project = PRESETS[name], self._context.session.settings
        self.width_.setValue(chosen.width or project.width)
        self.height_.setValue(chosen.height or project.height)
        self.rate.setCurrentText(PROJECT_RATE)
        self.crf.setValue(chosen.crf)
        self.x264.setCurrentText(chosen.x264_preset)

    def _browse(self) -> None:
        current = self.destination.text() or str(default_destination(self._context))
        path, _ = QFileDialog.getSaveFileName(self, "Export to", current, "MPEG-4 video (*.mp4)")
        if path:
            self.destination.setText(str(self._with_suffix(Path(path))))

    @staticmethod
    def _with_suffix(path: Path) -> Path:
        return path if path.suffix.lower() == ".mp4" else path.with_name(path.name + ".mp4")

    # what to export -------------------------------------------------------------------

    def settings(self) -> ExportSettings:
        """The chosen settings; an ExportError names a value the engine would refuse."""
        return dataclasses.replace(self._picture_settings(), captions=self.captions.currentData()).check()

    def _picture_settings(self) -> ExportSettings:
        name = self.preset.currentText()
        if name != CUSTOM:
            return PRESETS[name]
        rate_label = self.rate.currentText()
        rate = None if rate_label == PROJECT_RATE else Fraction(ALLOWED_RATES[rate_label])
        return ExportSettings(
            width=self.width_.value(),
            height=self.height_.value(),
            rate=rate,
            crf=self.crf.value(),
            x264_preset=self.x264.currentText(),
        ).check()

    def start(self) -> None:
        """Export the timeline as it is at this moment."""
        if self.job_id is not None:
            return
        text = self.destination.text().strip()
        if not text:
            self._say("Choose where to save the video first", error=True)
            return
        output = self._with_suffix(Path(text).expanduser())
        if not output.is_absolute():
            base = self._context.session.path.parent if self._context.session.path else Path.home()
            output = base / output
        self.destination.setText(str(output))
        try:
            settings = self.settings()
        except ExportError as error:
            self._say(str(error), error=True)
            return
        if output.exists() and not self._may_replace(output):
            return
        span = self.chosen_span()
        if span is False:
            self._say("Set both an In and an Out mark to export that range", error=True)
            return
        self.job_id = self._runner.submit(self._context.session.timeline, output, settings, span)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._say(f"Exporting to {output} …")
        self._set_running(True)

    def _show_span(self) -> None:
        """Offer In to Out with its length when both marks are set; otherwise the whole sequence."""
        marked = self._context.playhead.marked_range()
        index = self.span.findData("marks")
        if marked is None:
            self.span.setItemText(index, IN_OUT)
            self.span.setCurrentIndex(0)
        else:
            rate = self._context.session.settings.rate
            first, count = marked
            self.span.setItemText(
                index,
                f"{IN_OUT} ({timecode(first, rate)} – {timecode(first + count - 1, rate)}, {count} frames)",
            )

    def chosen_span(self) -> tuple[int, int] | bool | None:
        """[in, out) frames to export, None for the whole sequence, False when In/Out is chosen but unset."""
        if self.span.currentData() != "marks":
            return None
        marked = self._context.playhead.marked_range()
        if marked is None:
            return False
        first, count = marked
        return first, first + count

    def _may_replace(self, output: Path) -> bool:
        answer = QMessageBox.question(
            self, "Replace file?", f"{output.name} already exists in {output.parent}. Replace it?"
        )
        return answer == QMessageBox.StandardButton.Yes

    def _cancel(self) -> None:
        if self.job_id is not None:
            self.cancel.setEnabled(False)
            self._say("Cancelling …")
            self._runner.cancel(self.job_id)

    # the export's news ----------------------------------------------------------------

    def _progressed(self, job_id: str, progress: Progress) -> None:
        if job_id != self.job_id:
            return
        self.progress.setRange(0, progress.total)
        self.progress.setValue(progress.done)
        self._say(f"Frame {progress.done} of {progress.total} · {eta_text(progress.eta)} left")

    def _finished(self, job_id: str, result: ExportResult) -> None:
        if job_id != self.job_id:
            return
        self.progress.setRange(0, result.frames)
        self.progress.setValue(result.frames)
        self._say(
            f"Exported {result.frames} frames to {result.path} in {result.seconds:.1f} s; "
            f"loudness {describe(result.loudness)} integrated"
        )
        self._done()
        self.hide()  # the notice takes over

    def _failed(self, job_id: str, message: str) -> None:
        if job_id == self.job_id:
            self._say(message, error=True)
            self._done()

    def _cancelled(self, job_id: str) -> None:
        if job_id == self.job_id:
            self.progress.setValue(0)
            self._say("Export cancelled; nothing was written")
            self._done()

    def _done(self) -> None:
        self.job_id = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.export.setEnabled(not running)
        self.cancel.setEnabled(running)
        self.preset.setEnabled(not running)
        self.destination.setEnabled(not running)
        self.browse.setEnabled(not running)
        for field in self.custom_fields:
            field.setEnabled(not running and self.preset.currentText() == CUSTOM)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")
