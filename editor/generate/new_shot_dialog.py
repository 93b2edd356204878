"""The Generate Shot dialog: the Regenerate dialog plus what a new shot needs, a name and a length.

The length is in frames at the project's rate (the timecode beside it says
the same in hours:minutes:seconds:frames), filled with the gap's or the
marked range's length, so the common case is a prompt and Enter. A line at
the top says where the shot will go, including that it overwrites what is
under a marked range, as Premiere's Overwrite does, so nobody loses a clip
by surprise.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from editor.generate.dialog import RegenerateDialog
from editor.generate.seed import draw_seed
from engine.project.times import timecode

MAX_FRAMES = 100_000


class GenerateShotDialog(RegenerateDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generate-shot-dialog")
        self._rate = 24.0
        self._where = ""
        self.where = QLabel(self)
        self.where.setObjectName("generate-where")
        self.where.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setObjectName("generate-name")
        self.name.setPlaceholderText("The clip's name (Shot when empty)")
        self.frames = QSpinBox(self)
        self.frames.setObjectName("generate-frames")
        self.frames.setRange(1, MAX_FRAMES)
        self.frames.setSuffix(" frames")
        self.frames.setAccelerated(True)
        self.length_text = QLabel(self)
        self.frames.valueChanged.connect(self._show_length)
        self.frames.valueChanged.connect(self._plan_for_length)
        form = self.layout()
        assert isinstance(form, QFormLayout)
        form.insertRow(0, self.where)
        form.insertRow(1, "Name", self.name)
        length_row = QHBoxLayout()
        length_row.addWidget(self.frames, 1)
        length_row.addWidget(self.length_text)
        form.insertRow(2, "Duration", length_row)
        self.prompt.setObjectName("generate-prompt")
        self._ok.setText("Generate")

    def fill_new(self, where: str, frames: int, rate: float, with_previous: bool) -> None:
        """Empty fields (a new shot has no take to start from), `frames` long, saying `where` it goes."""
        self._rate = rate
        self.setWindowTitle("Generate Shot")
        self._where = where
        self.where.setText(where)
        self.name.clear()
        self.frames.setValue(max(1, min(frames, MAX_FRAMES)))
        self._show_length(self.frames.value())
        self.prompt.clear()
        self.prompt.setPlaceholderText("What the shot shows: subject, action, setting, light, camera")
        self.negative.clear()
        self.seed.setValue(draw_seed())  # shown only if the user ticks Keep this seed
        self.seed_lock.setChecked(False)
        self.backend.setCurrentIndex(0)
        self.model.clear()
        self.steps.setValue(0)
        self.guidance.setValue(0.0)
        self.image.clear()
        self.from_previous.setChecked(False)
        self.from_previous.setVisible(with_previous)
        self.to_next.setVisible(False)  # a new shot goes into a gap: no next shot is asked for
        self._ok.setText("Generate")
        self._ok.setDefault(True)

    def _plan_for_length(self, frames: int) -> None:
        """A longer shot needs more memory: the plan shown follows the Duration."""
        if self._shot is not None and self._shot[0] != frames:
            self._shot = (frames, *self._shot[1:])
            self._update_options()

    def _show_length(self, frames: int) -> None:
        self.length_text.setText(f"= {timecode(frames, self._rate)} at {self._rate:g} fps")

    def shot_name(self) -> str:
        return self.name.text().strip() or "Shot"

    def accept(self) -> None:
        """A new shot has nothing to fall back on: without a prompt the dialog stays open and says so."""
        if not self.prompt.toPlainText().strip():
            self.where.setText(f"{self._where}\n\nDescribe the shot first: a new shot needs a prompt.")
            self.prompt.setFocus()
            return
        super().accept()

    @property
    def ok_button(self) -> QPushButton:
        return self._ok
