"""The inspector's Colour section: the primary grade and the LUT of the selected video clips.

Exposure, white balance (temperature, tint) and saturation are sliders;
lift, gamma and gain are a row of red, green and blue per wheel, as a
colourist's wheels reduce to numbers. The LUT is a .cube file chosen from
disk. Every change is one undo step through `engine.project.looks` applied
to every selected video clip; the viewer repaints from the document, so the
preview follows each change, and during a slider drag it shows the value
under the slider (an edited copy, no undo step) until the release commits.
The fields show the first selected clip's grade.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from editor.context import EditorContext
from editor.edit_preview import end_preview, preview
from editor.flow_layout import FlowLayout
from editor.inspector.look_fields import NumberField
from editor.inspector.path_label import PathLabel
from engine.project import looks
from engine.project.document import find_clip

SLIDERS = ("exposure", "temperature", "tint", "saturation")
WHEELS = ("lift", "gamma", "gain")
LUT_FILTER = "LUT files (*.cube);;All files (*)"


class ColourSection(QGroupBox):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__("Colour", parent)
        self.setObjectName("inspector-colour")
        self._context = context
        self._ids: list[str] = []
        table = {p.name: p for p in looks.KINDS["colour"][1]}
        self.fields: dict[str, NumberField] = {}
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow dock: labels above
        for name in SLIDERS:
            field = NumberField(table[name], self)
            field.setObjectName(f"colour-{name}")
            self.fields[name] = field
            form.addRow(table[name].label, field)
        for wheel in WHEELS:
            row = QWidget(self)
            layout = FlowLayout(row, whole_rows=True)  # R G B on a line, or one a line when narrow
            for channel in "rgb":
                field = NumberField(table[f"{wheel}_{channel}"], row, slider=False)
                field.setObjectName(f"colour-{wheel}-{channel}")
                field.box.setPrefix(f"{channel.upper()} ")
                self.fields[f"{wheel}_{channel}"] = field
                layout.addWidget(field)
            form.addRow(wheel.title(), row)
        for field in self.fields.values():
            field.committed.connect(self._set)
            field.dragged.connect(self._preview)

        self.lut = PathLabel(self)
        self.lut.setObjectName("colour-lut")
        self.choose = QPushButton("Choose…", self)
        self.choose.setObjectName("colour-lut-choose")
        self.choose.setToolTip("Apply a .cube LUT (1D or 3D) after the grade")
        self.clear = QPushButton("None", self)
        self.clear.setObjectName("colour-lut-clear")
        self.clear.setToolTip("Remove the LUT")
        lut_row = QWidget(self)
        lut_layout = QHBoxLayout(lut_row)
        lut_layout.setContentsMargins(0, 0, 0, 0)
        lut_layout.addWidget(self.lut, 1)
        lut_layout.addWidget(self.choose)
        lut_layout.addWidget(self.clear)
        form.addRow("LUT", lut_row)
        self.choose.clicked.connect(self._choose_lut)
        self.clear.clicked.connect(lambda: self.set_lut(None))

    def show_clips(self, ids: list[str]) -> None:
        """Show the grade of these video clips (hidden when there are none)."""
        self._ids = list(ids)
        self.setVisible(bool(ids))
        if not ids:
            return
        _, clip = find_clip(self._context.session.timeline, ids[0])
        stack = looks.looks(clip)
        grade = next((e for e in stack if looks.kind_of(e) == "colour"), None)
        defaults = {p.name: p.default for p in looks.KINDS["colour"][1]}
        values = looks.params(grade) if grade is not None else defaults
        for name, field in self.fields.items():
            field.show_value(values[name])
        lut = next((e for e in stack if looks.kind_of(e) == "lut"), None)
        path = looks.lut_path(lut) if lut is not None else ""
        self.lut.setText(path or "(none)")
        self.lut.setToolTip(path)
        self.clear.setEnabled(bool(path))

    def _preview(self, name: str, value: float) -> None:
        preview(self._context, looks.set_colour, [(i, {name: value}) for i in self._ids])

    def _set(self, name: str, value: float) -> None:
        end_preview(self._context)
        self._apply("Colour", looks.set_colour, [(i, {name: value}) for i in self._ids])

    def _choose_lut(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a LUT", "", LUT_FILTER)
        if path:
            self.set_lut(path)

    def set_lut(self, path: str | None) -> None:
        self._apply("Set LUT" if path else "Remove LUT", looks.set_lut, [(i, path) for i in self._ids])

    def _apply(self, description: str, edit: Callable[..., Any], calls: list[tuple[Any, ...]]) -> None:
        session = self._context.session
        if len(calls) == 1:
            result = session.apply(edit, *calls[0])
        elif calls:
            with session.group(f"{description} ({len(calls)} clips)") as done:
                for args in calls:
                    session.apply(edit, *args)
            result = done or None
        else:
            return
        if result is None and self._ids:
            self.show_clips(self._ids)  # refused: show what the document holds
