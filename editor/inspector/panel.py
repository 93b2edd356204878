"""The inspector: the selected clips' properties, each edit one undo step.

Clips are named by id, never held: undo restores clips as clones, so the
panel reads the document afresh on every change and every edit looks its
clip up again by id. Fields edit exactly the clips that were selected when
they were filled in. With several clips selected the panel shows their count
and the values they share; an edit to a shared field (gain, fades) applies
to all of them as one step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.inspector import spin
from editor.inspector.colour_section import ColourSection
from editor.inspector.effects_section import EffectsSection
from editor.inspector.facts import ClipFacts, clip_facts, common
from editor.inspector.path_label import PathLabel
from editor.inspector.speed_box import SpeedBox
from editor.inspector.take_switch import play_take
from editor.inspector.takes_box import TakesBox
from editor.inspector.title_box import TitleBox
from editor.inspector.transform_box import TransformBox
from editor.inspector.voice_text import VoiceTextBox
from engine.project import document, effects, takes, titles
from engine.project.naming import rename_clip
from engine.project.times import rt, timecode

EMPTY = "—"
MAX_FADE = 100_000  # frames; the engine checks that fades fit the clip


class Inspector(QScrollArea):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._context = context
        self._shown: list[ClipFacts] = []  # the clips the fields were filled from

        body = QWidget(self)
        self.header = QLabel(body)
        self.header.setObjectName("inspector-header")
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)

        self.name = QLineEdit(body)
        self.name.setObjectName("inspector-name")
        self.source = PathLabel(body)  # elided in the middle: a long path never widens the panel
        self.source.setObjectName("inspector-source")
        self.source_in, self.source_out = QLabel(body), QLabel(body)
        self.duration, self.position = QLabel(body), QLabel(body)
        self.gain = QDoubleSpinBox(body)
        self.gain.setObjectName("inspector-gain")
        self.gain.setDecimals(1)
        self.gain.setSingleStep(0.5)
        self.gain.setSuffix(" dB")
        self.fade_in, self.fade_out = QSpinBox(body), QSpinBox(body)
        self.fade_in.setObjectName("inspector-fade-in")
        self.fade_out.setObjectName("inspector-fade-out")
        for field in (self.gain, self.fade_in, self.fade_out):
            spin.prepare(field)
        for field in (self.fade_in, self.fade_out):
            field.setSuffix(" frames")

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("Name", self.name)
        self.form.addRow("Source", self.source)
        self.form.addRow("Source in", self.source_in)
        self.form.addRow("Source out", self.source_out)
        self.form.addRow("Duration", self.duration)
        self.form.addRow("Position", self.position)
        self.form.addRow("Gain", self.gain)
        self.form.addRow("Fade in", self.fade_in)
        self.form.addRow("Fade out", self.fade_out)
        self.takes = TakesBox(body)
        self.voice_text = VoiceTextBox(context, body)  # shows itself for a voice-over clip
        self.title = TitleBox(context, body)  # shows itself for a title clip
        self.transform = TransformBox(context, body)  # shows itself for a clip on a video track
        self.speed = SpeedBox(context, body)  # shows itself for one selected clip

        layout = QVBoxLayout(body)
        # never squeezed below what the sections need: the scroll area scrolls instead (a height-for-width
        # row, like a wrapped label, would otherwise let it shrink the takes list over its buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(self.header)
        layout.addLayout(self.form)
        layout.addWidget(self.voice_text)
        layout.addWidget(self.takes)  # first: choosing a take is what a generated shot needs most
        layout.addWidget(self.title)
        layout.addWidget(self.transform)
        layout.addWidget(self.speed)
        self.colour, self.effects = ColourSection(context, body), EffectsSection(context, body)
        layout.addWidget(self.colour)
        layout.addWidget(self.effects)
        layout.addStretch(1)
        self.setWidget(body)

        self.name.editingFinished.connect(self._rename)
        self.gain.valueChanged.connect(self._set_gain)
        self.fade_in.valueChanged.connect(lambda value: self._set_fade(value, None))
        self.fade_out.valueChanged.connect(lambda value: self._set_fade(None, value))
        self.takes.activateRequested.connect(self._make_active)
        self.takes.deleteRequested.connect(self._delete_take)
        context.session.changed.connect(self.refresh)
        context.session.replaced.connect(self.refresh)
        context.selection.changed.connect(self.refresh)
        self.refresh()

    # showing ----------------------------------------------------------------------

    @property
    def shown_ids(self) -> list[str]:
        return [f.ident for f in self._shown]

    def refresh(self) -> None:
        """Fill every field from the document, for the clips selected now."""
        session = self._context.session
        found = [clip_facts(session.timeline, i) for i in self._context.selection.ids]
        keep_typing = self.name.hasFocus() and self.name.isModified() and self._ids(found) == self.shown_ids
        self._shown = [f for f in found if f is not None]
        shown, rate = self._shown, session.rate
        has = bool(shown)
        for row in range(self.form.rowCount()):
            self.form.setRowVisible(row, has)
        graded = has and not any(f.audio or self._is_title(f.ident) for f in shown)
        pictures = [f.ident for f in shown] if graded else []  # looks are for video clips, not titles
        self.colour.show_clips(pictures)
        self.effects.show_clip(pictures[0] if len(pictures) == 1 else None)
        if not has:
            self.header.setText("No clip selected")
            self.takes.setVisible(False)
            return
        single = shown[0] if len(shown) == 1 else None
        if single is not None:
            kind = "Audio" if single.audio else "Video"
            if titles.is_title(document.find_clip(session.timeline, single.ident)[1]):
                kind = "Title"  # drawn by the renderer: its settings are in the Title section
            self.header.setText(f"{kind} clip on {single.track}")
        else:
            self.header.setText(f"{len(shown)} clips selected")

        if not keep_typing:
            name = common([f.name for f in shown])
            self.name.setText(name or "")
            self.name.setPlaceholderText("" if name is not None else "mixed")
            self.name.setModified(False)
        self.name.setEnabled(single is not None)

        self.source.setText(self._source_text(shown))
        self.source_in.setText(self._time(common([f.source_in for f in shown]), rate))
        self.source_out.setText(self._time(common([f.source_out for f in shown]), rate))
        length = common([f.duration for f in shown])
        self.duration.setText(EMPTY if length is None else f"{timecode(length, rate)}  ({length} frames)")
        start = common([(f.track, f.position) for f in shown])
        self.position.setText(EMPTY if start is None else f"{start[0]} at {timecode(start[1], rate)}")

        all_audio = all(f.audio for f in shown)
        self.form.setRowVisible(self.gain, all_audio)
        if all_audio:
            gain = common([round(f.gain_db, 1) for f in shown])
            spin.show_value(self.gain, gain, effects.MIN_GAIN_DB, effects.MAX_GAIN_DB)
        shortest = min(f.duration for f in shown)
        spin.show_value(self.fade_in, common([f.fade_in for f in shown]), 0, min(shortest, MAX_FADE))
        spin.show_value(self.fade_out, common([f.fade_out for f in shown]), 0, min(shortest, MAX_FADE))
        tip = "to silence" if all_audio else "to black" if not any(f.audio for f in shown) else ""
        for field in (self.fade_in, self.fade_out):
            field.setToolTip(f"Fade length in frames {tip}".strip())

        self.takes.setVisible(single is not None and bool(single.takes))
        if single is not None and single.takes:
            self.takes.show_takes(single.takes, single.ident)

    def _is_title(self, ident: str) -> bool:
        return titles.is_title(document.find_clip(self._context.session.timeline, ident)[1])

    @staticmethod
    def _ids(found: list[ClipFacts | None]) -> list[str]:
        return [f.ident for f in found if f is not None]

    @staticmethod
    def _time(frame: int | None, rate: float) -> str:
        return EMPTY if frame is None else timecode(frame, rate)

    @staticmethod
    def _source_text(shown: list[ClipFacts]) -> str:
        path = common([f.source for f in shown])
        if path is None:
            if len(shown) > 1 and any(f.source for f in shown):
                return "(several files)"
            return "(no media file)"
        offline = any(f.offline for f in shown)
        return f"{path}  — OFFLINE" if offline else str(path)

    # editing ----------------------------------------------------------------------

    def _apply(self, description: str, edit: Callable[..., Any], calls: list[tuple[Any, ...]]) -> None:
        """One undo step for one clip or several; a refusal resets the fields to the document."""
        session = self._context.session
        if not calls:
            return
        if len(calls) == 1:
            result = session.apply(edit, *calls[0])
        else:
            with session.group(description) as done:
                for args in calls:
                    session.apply(edit, *args)
            result = done or None
        if result is None:
            self.refresh()  # the document did not change: show what it holds, not what was typed

    def _rename(self) -> None:
        if len(self._shown) != 1 or not self.name.isModified():
            return
        self.name.setModified(False)
        clip = self._shown[0]
        if self.name.text().strip() == clip.name:
            return
        self._apply("Rename Clip", rename_clip, [(clip.ident, self.name.text())])

    def _set_gain(self, value: float) -> None:
        if spin.is_mixed(self.gain, value):
            return
        calls = [(f.ident, float(value)) for f in self._shown if round(f.gain_db, 1) != round(value, 1)]
        self._apply(f"Gain {value:+.1f} dB ({len(calls)} clips)", effects.set_gain, calls)

    def _set_fade(self, fade_in: int | None, fade_out: int | None) -> None:
        field = self.fade_in if fade_in is not None else self.fade_out
        if spin.is_mixed(field, field.value()):
            return
        rate = self._context.session.rate
        calls = []
        for f in self._shown:
            same_in = fade_in is None or f.fade_in == fade_in
            same_out = fade_out is None or f.fade_out == fade_out
            if same_in and same_out:
                continue
            new_in = None if fade_in is None else rt(fade_in, rate)
            new_out = None if fade_out is None else rt(fade_out, rate)
            calls.append((f.ident, new_in, new_out))
        self._apply(f"Set Fades ({len(calls)} clips)", effects.set_fades, calls)

    def _make_active(self, key: str) -> None:
        if len(self._shown) == 1 and not play_take(self._context.session, self._shown[0].ident, key):
            self.refresh()  # refused: show the take that still plays

    def _delete_take(self, key: str) -> None:
        if len(self._shown) == 1:
            self._apply("Delete Take", takes.delete_take, [(self._shown[0].ident, key)])
