"""Edit > Paste Attributes… (Ctrl+Alt+V): the copied clip's looks onto the selected clips.

Copy a graded clip (Ctrl+C), select others, and choose which of its looks
to paste (colour, LUT, grain…), as Premiere's Paste Attributes does. The
looks come from the first copied video clip on the clipboard, so a grade
can travel to another open project too. One undo step for all the clips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import opentimelineio as otio
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from editor.timeline.clipboard import held, system_clipboard
from engine.errors import ShotlineError
from engine.project import looks
from engine.project.clipboard import Clipboard
from engine.project.document import find_clip

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView


def copied_looks(board: Clipboard | None) -> list[otio.schema.Effect]:
    """The looks of the first copied video clip that has any."""
    if board is None:
        return []
    for copied in board.tracks:
        if copied.kind != otio.schema.TrackKind.Video:
            continue
        for item in copied.track:
            if isinstance(item, otio.schema.Clip) and looks.looks(item):
                return looks.looks(item)
    return []


def pictures(timeline: otio.schema.Timeline, ids: list[str]) -> list[str]:
    """The video clips among the selected (a linked clip's sound is selected with it)."""
    out = []
    for ident in ids:
        try:
            track, _ = find_clip(timeline, ident)
        except ShotlineError:
            continue
        if track.kind == otio.schema.TrackKind.Video:
            out.append(ident)
    return out


class PasteAttributesDialog(QDialog):
    """A check box per kind of look the copied clip has; all checked to start with."""

    def __init__(self, source: list[otio.schema.Effect], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paste-attributes")
        self.setWindowTitle("Paste Attributes")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Paste these looks onto {count} clip{'s' if count != 1 else ''}:", self))
        self.boxes: dict[str, QCheckBox] = {}
        for effect in source:
            kind = looks.kind_of(effect)
            if kind is None or kind in self.boxes:
                continue
            label = looks.KINDS[kind][0]
            if kind == "lut" and looks.lut_path(effect):
                label += f" ({looks.lut_path(effect).rsplit('/', 1)[-1]})"
            if not looks.enabled(effect):
                label += " (off)"
            box = QCheckBox(label, self)
            box.setObjectName(f"paste-{kind}")
            box.setChecked(True)
            self.boxes[kind] = box
            layout.addWidget(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Paste")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [kind for kind, box in self.boxes.items() if box.isChecked()]


class PasteAttributes(QObject):
    def __init__(self, view: TimelineView) -> None:
        super().__init__(view)
        self.view = view
        context = view.context
        self.action = context.actions.add(
            "edit.paste_attributes",
            "Paste &Attributes…",
            self.paste,
            "Edit",
            "Ctrl+Alt+V",
            "clipboard",
        )
        context.selection.changed.connect(self._update)
        system_clipboard().dataChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.action.setEnabled(bool(self.view.context.selection))

    def paste(self) -> None:
        context = self.view.context
        try:
            source = copied_looks(held())
        except ShotlineError as error:
            context.status.show(str(error), 4000)
            return
        if not source:
            context.status.show("Nothing to paste: copy a clip that has colour or looks first", 4000)
            return
        targets = pictures(context.session.timeline, context.selection.ids)
        if not targets:
            context.status.show("Select the video clips to paste the looks onto", 4000)
            return
        dialog = PasteAttributesDialog(source, len(targets), self.view.window())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        change = context.session.apply(looks.paste_looks, source, targets, dialog.chosen())
        if change is not None:
            context.status.show(f"Pasted looks onto {len(targets)} clips", 4000)


def register(view: TimelineView) -> PasteAttributes:
    return PasteAttributes(view)
