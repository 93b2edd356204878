"""One member of the Cast (or the style) as a form: description, reference pictures, voice, shots.

Pictures added or removed are an edit at once (one undo step each); the
description and the voice are typed, so they become one edit when the user
presses Apply. A character's voice is chosen from the voice settings Add
Voice-over offers (the engine's voice.speak backends and their voices).
The shots that show the member are listed; clicking one selects its clip.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.generate.voice_dialog import VOICES
from editor.timeline.previews import PreviewCache
from engine.errors import ShotlineError
from engine.generate.voice.reference import import_recording, voices_folder
from engine.project import cast, document
from engine.project.cast import CHARACTER, CastMember, Style
from engine.project.document import Timeline
from engine.project.voices import CharacterVoice

THUMB = QSize(96, 72)
WARNING = "color: #e0a040;"
#: The voice backend "whatever the engine's default is", as the combo box lists it.
DEFAULT_BACKEND = ""


class MemberForm(QWidget):
    """Edits one member: it never edits the document, it says what the member should become
    (`memberEdited`), and the panel makes that the edit."""

    memberEdited = Signal(object, object)  # CastMember or Style, CharacterVoice | None
    shotChosen = Signal(str)  # clip id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previews = PreviewCache(self)
        self.title = QLabel(self)
        self.title.setObjectName("cast-member-title")
        bold = self.title.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.title.setFont(bold)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("cast-description")
        self.description.setPlaceholderText(
            "How they look (or how it looks): goes into every prompt they are in"
        )
        self.description.setFixedHeight(70)
        self.references = QListWidget(self)
        self.references.setObjectName("cast-references")
        self.references.setViewMode(QListView.ViewMode.IconMode)
        self.references.setIconSize(THUMB)
        self.references.setGridSize(THUMB + QSize(16, 28))
        self.references.setFixedHeight(THUMB.height() + 44)
        self.references.setMovement(QListView.Movement.Static)
        self.references.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.references.setWrapping(False)
        self.add_pictures = QPushButton("Add Pictures…", self)
        self.add_pictures.setObjectName("cast-add-pictures")
        self.remove_pictures = QPushButton("Remove Picture", self)
        self.remove_pictures.setObjectName("cast-remove-pictures")
        self.remove_pictures.clicked.connect(self._remove_selected_pictures)
        self.references.itemSelectionChanged.connect(
            lambda: self.remove_pictures.setEnabled(bool(self.references.selectedItems()))
        )
        self.backend = QComboBox(self)
        self.backend.setObjectName("cast-voice-backend")
        self.voice = QComboBox(self)
        self.voice.setObjectName("cast-voice")
        self.voice.setEditable(True)
        for box, letters in ((self.backend, 10), (self.voice, 14)):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(letters)
        self.speed = QDoubleSpinBox(self)
        self.speed.setObjectName("cast-voice-speed")
        self.speed.setRange(0.5, 2.0)
        self.speed.setSingleStep(0.1)
        self.speed.setSuffix("×")
        self.sample = QLabel(self)
        self.sample.setObjectName("cast-voice-sample")
        self.sample.setWordWrap(True)
        self.import_sample = QPushButton("Import Recording…", self)
        self.import_sample.setObjectName("cast-import-recording")
        self.import_sample.setToolTip(
            "A few seconds (3 to 30) of the character's voice, for a backend that clones voices (Chatterbox)"
        )
        self.import_sample.clicked.connect(self._browse_recording)
        self.clear_sample = QPushButton("Clear", self)
        self.clear_sample.setObjectName("cast-clear-recording")
        self.clear_sample.clicked.connect(lambda: self._set_sample(None))
        self._sample: str | None = None
        #: Where imported recordings are kept (the panel points it beside the project).
        self.recordings_folder: Callable[[], Path] = lambda: voices_folder(None)
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setObjectName("cast-apply")
        self.apply_button.clicked.connect(self.apply)
        self.shots = QListWidget(self)
        self.shots.setObjectName("cast-shots")
        self.shots.setFixedHeight(90)
        self.shots.itemClicked.connect(lambda item: self.shotChosen.emit(item.data(Qt.ItemDataRole.UserRole)))

        pictures = QHBoxLayout()
        pictures.addWidget(self.add_pictures)
        pictures.addWidget(self.remove_pictures)
        pictures.addStretch(1)
        voice = QHBoxLayout()
        voice.addWidget(self.backend, 1)
        voice.addWidget(self.voice, 2)
        voice.addWidget(self.speed)
        self.voice_row = QWidget(self)
        self.voice_row.setLayout(voice)
        voice.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow("Description", self.description)
        form.addRow("Pictures", self.references)
        form.addRow("", self._wrap(pictures))
        form.addRow("Voice", self.voice_row)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.import_sample)
        buttons.addWidget(self.clear_sample)
        buttons.addStretch(1)
        recording = QVBoxLayout()
        recording.setContentsMargins(0, 0, 0, 0)
        recording.addWidget(self.sample)
        recording.addLayout(buttons)
        self.sample_row = QWidget(self)
        self.sample_row.setLayout(recording)
        form.addRow("Recording", self.sample_row)
        form.addRow("", self._wrap(self._right(self.apply_button)))
        form.addRow("In shots", self.shots)
        self._voice_label = form.labelForField(self.voice_row)
        self._sample_label = form.labelForField(self.sample_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(form)

        self.previews.ready.connect(self._fill_icons)
        self.description.textChanged.connect(self._typed)
        self.backend.currentIndexChanged.connect(lambda _i: (self._fill_voices(), self._typed()))
        self.voice.currentTextChanged.connect(lambda _t: self._typed())
        self.speed.valueChanged.connect(lambda _v: self._typed())
        self._shown: CastMember | Style | None = None
        self._shown_voice: CharacterVoice | None = None
        self._filling = False
        self.set_backends([])
        self.show_member(None, None, [])

    @staticmethod
    def _wrap(layout: QHBoxLayout) -> QWidget:
        holder = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        holder.setLayout(layout)
        return holder

    @staticmethod
    def _right(button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        return row

    # filling ------------------------------------------------------------------------------------

    def set_backends(self, backends: list[dict[str, Any]]) -> None:
        """The engine's voice.speak backends, as Add Voice-over lists them, after "Default"."""
        self._filling = True
        self.backend.clear()
        self.backend.addItem("Default backend", DEFAULT_BACKEND)
        for info in backends:
            label = str(info.get("label") or info["name"])
            ready = bool(info.get("ready", True))
            self.backend.addItem(label if ready else f"{label} (not ready)", info["name"])
        self._filling = False
        self._fill_voices()

    def show_member(
        self, member: CastMember | Style | None, voice: CharacterVoice | None, shots: list[tuple[str, str]]
    ) -> None:
        """Show a member (or the style) with its voice (characters) and the shots (id, name) it is in."""
        self._filling = True
        self._shown, self._shown_voice = member, voice
        enabled = member is not None
        for widget in (self.description, self.references, self.add_pictures, self.shots):
            widget.setEnabled(enabled)
        if member is None:
            self.title.setText("Choose a member of the Cast")
            self.description.setPlainText("")
        else:
            if isinstance(member, Style):
                self.title.setText("Style · every shot of the film")
            else:
                self.title.setText(f"{member.name} · {member.kind.capitalize()}")
            self.description.setPlainText(member.description)
        self._fill_references()
        is_character = isinstance(member, CastMember) and member.kind == CHARACTER
        self.voice_row.setVisible(is_character)
        self.sample_row.setVisible(is_character)
        for label in (self._voice_label, self._sample_label):
            if label is not None:
                label.setVisible(is_character)
        chosen = voice or CharacterVoice()
        self._show_sample(chosen.sample)
        index = self.backend.findData(chosen.backend or DEFAULT_BACKEND)
        self.backend.setCurrentIndex(max(0, index))
        self._fill_voices()
        self.voice.setCurrentText(chosen.voice or "")
        self.speed.setValue(chosen.speed)
        self.shots.clear()
        for ident, name in shots:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            self.shots.addItem(item)
        if member is not None and not shots:
            self.shots.addItem("No shot shows them yet")
        self._filling = False
        self.apply_button.setEnabled(False)
        self.remove_pictures.setEnabled(False)

    def _fill_references(self) -> None:
        self.references.clear()
        for path in self._shown.references if self._shown is not None else ():
            item = QListWidgetItem(Path(path).name)
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.references.addItem(item)
        self.previews.flush()
        self._fill_icons()

    def _fill_icons(self) -> None:
        for row in range(self.references.count()):
            item = self.references.item(row)
            path = item.data(Qt.ItemDataRole.UserRole)
            picture = (
                self.previews.thumbnail(path, Fraction(0), THUMB.height()) if Path(path).is_file() else None
            )
            if picture is not None:
                item.setIcon(QIcon(QPixmap.fromImage(picture)))
            elif not Path(path).is_file():
                item.setText(f"{Path(path).name} (missing)")
        self.previews.flush()

    def _fill_voices(self) -> None:
        typed = self.voice.currentText()
        self.voice.blockSignals(True)
        self.voice.clear()
        self.voice.addItem("")  # the backend's default voice
        self.voice.addItems(VOICES.get(self.backend.currentData() or "", []))
        self.voice.setCurrentText(typed)
        self.voice.blockSignals(False)

    # reading ------------------------------------------------------------------------------------

    def chosen_voice(self) -> CharacterVoice:
        return CharacterVoice(
            self.backend.currentData() or None,
            self.voice.currentText().strip() or None,
            self.speed.value(),
            self._sample,
        )

    # the recorded voice ---------------------------------------------------------------------------

    def import_recording(self, path: str) -> bool:
        """Make `path` the character's voice recording (Apply keeps it); False, and why, if it cannot be."""
        try:
            prepared = import_recording(path, self.recordings_folder())
        except ShotlineError as error:
            self.sample.setText(str(error))
            self.sample.setStyleSheet(WARNING)
            return False
        self._set_sample(str(prepared))
        return True

    def _browse_recording(self) -> None:
        kinds = "Sound (*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus *.mp4 *.mov);;All files (*)"
        path, _ = QFileDialog.getOpenFileName(self, "A recording of the voice", "", kinds)
        if path:
            self.import_recording(path)

    def _set_sample(self, sample: str | None) -> None:
        self._show_sample(sample)
        self._typed()

    def _show_sample(self, sample: str | None) -> None:
        self._sample = sample
        self.sample.setStyleSheet("")
        if sample is None:
            self.sample.setText("None: the backend's own voice")
        elif not Path(sample).is_file():
            self.sample.setText(f"{Path(sample).name} (missing)")
            self.sample.setStyleSheet(WARNING)
        else:
            self.sample.setText(recording_label(Path(sample)))
        self.sample.setToolTip(sample or "")
        self.clear_sample.setEnabled(sample is not None)

    def _typed(self) -> None:
        if self._filling or self._shown is None:
            return
        self.apply_button.setEnabled(self._edited() is not None)

    def _edited(self) -> tuple[CastMember | Style, CharacterVoice | None] | None:
        """The member as the form has it now, and its voice if that changed; None if nothing did."""
        shown = self._shown
        if shown is None:
            return None
        text = self.description.toPlainText().strip()
        voice = None
        if isinstance(shown, CastMember) and shown.kind == CHARACTER:
            chosen = self.chosen_voice()
            voice = chosen if chosen != (self._shown_voice or CharacterVoice()) else None
        if text == shown.description.strip() and voice is None:
            return None
        if isinstance(shown, Style):
            return Style(text, shown.references), None
        return CastMember(shown.name, shown.kind, text, shown.references), voice

    def has_edits(self) -> bool:
        return self._edited() is not None

    def apply(self) -> None:
        edited = self._edited()
        if edited is not None:
            self.memberEdited.emit(*edited)

    def set_references(self, references: list[str]) -> None:
        """The member with these pictures (an edit the panel makes at once)."""
        shown = self._shown
        if shown is None:
            return
        if isinstance(shown, Style):
            self.memberEdited.emit(Style(shown.description, tuple(references)), None)
        else:
            self.memberEdited.emit(
                CastMember(shown.name, shown.kind, shown.description, tuple(references)), None
            )

    def add_references(self, paths: list[str]) -> None:
        current = list(self._shown.references) if self._shown is not None else []
        self.set_references(
            current + [str(Path(p).absolute()) for p in paths if str(Path(p).absolute()) not in current]
        )

    def _remove_selected_pictures(self) -> None:
        gone = {item.data(Qt.ItemDataRole.UserRole) for item in self.references.selectedItems()}
        if self._shown is not None and gone:
            self.set_references([r for r in self._shown.references if r not in gone])


def shots_showing(timeline: Timeline, name: str | None) -> list[tuple[str, str]]:
    """(clip id, name) of every shot tagged with the member `name` (every picture clip for the style)."""
    wanted = " ".join(name.split()).casefold() if name else None
    found = []
    for track, clip in document.iter_clips(timeline):
        if track.kind != document.VIDEO:
            continue
        tags = {" ".join(n.split()).casefold() for n in cast.shot_cast(clip)}
        if wanted is None or wanted in tags:
            found.append((document.clip_id(clip), clip.name or "Shot"))
    return found


def recording_label(path: Path) -> str:
    """ "tom on the phone · 6.0 s": the imported file's own name (without the content hash) and length."""
    import wave

    name = path.stem.rsplit("-", 1)[0]
    try:
        with wave.open(str(path)) as sound:
            return f"{name} · {sound.getnframes() / sound.getframerate():.1f} s"
    except (OSError, EOFError, wave.Error):
        return name
