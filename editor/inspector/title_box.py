"""The Title section of the inspector: a title clip's text and look, previewed as they change.

Shown for one title clip. Each change is one undo step through
`titles.set_title`; the viewer redraws from the document straight away, so
the title is seen as it is edited. Typing is applied after a short pause
rather than per keystroke, so a word is one step, not one per letter. The
title's fades are the clip's own Fade in/out fields above.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QWidget,
)

from editor.context import EditorContext
from editor.inspector import spin
from editor.inspector.colour_button import ColourButton
from editor.inspector.following import follow, one_selected_clip
from engine.project import document, titles

TYPING_PAUSE_MS = 500
#: (setting, label, minimum, maximum, decimals, suffix, shown per stored unit)
NUMBERS = (
    ("size", "Size", 4.0, 2000.0, 0, " px", 1.0),
    ("outline", "Outline", 0.0, 100.0, 1, " px", 1.0),
    ("box_opacity", "Box opacity", 0.0, 100.0, 0, " %", 100.0),
    ("box_padding", "Box padding", 0.0, 500.0, 0, " px", 1.0),
    ("x", "Position X", -100.0, 200.0, 1, " %", 100.0),
    ("y", "Position Y", -100.0, 200.0, 1, " %", 100.0),
)
COLOURS = ("color", "outline_color", "shadow_color", "box_color")


class TitleBox(QGroupBox):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__("Title", parent)
        self.setObjectName("inspector-title")
        self._context = context
        self._ident: str | None = None
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("title-text")
        self.text.setFixedHeight(64)
        self.font_name = QComboBox(self)
        self.font_name.setObjectName("title-font")
        self.font_name.addItems(titles.FONTS)
        self.align = QComboBox(self)
        self.align.setObjectName("title-align")
        for value in titles.ALIGNMENTS:
            self.align.addItem(value.capitalize(), value)
        self.numbers: dict[str, QDoubleSpinBox] = {}
        for name, _label, low, high, decimals, suffix, unit in NUMBERS:
            field = QDoubleSpinBox(self)
            field.setObjectName(f"title-{name}")
            field.setRange(low, high)
            field.setDecimals(decimals)
            field.setSuffix(suffix)
            spin.prepare(field)
            field.valueChanged.connect(lambda value, name=name, unit=unit: self._set(name, value / unit))
            self.numbers[name] = field
        self.colours = {name: ColourButton(self) for name in COLOURS}
        for name, button in self.colours.items():
            button.setObjectName(f"title-{name}")
            button.picked.connect(lambda colour, name=name: self._set(name, colour))
        self.shadow = QCheckBox("Shadow", self)
        self.shadow.setObjectName("title-shadow")
        self.box = QCheckBox("Background box", self)
        self.box.setObjectName("title-box")
        self.shadow.toggled.connect(lambda on: self._set("shadow", on))
        self.box.toggled.connect(lambda on: self._set("box", on))

        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow dock: labels above
        form.addRow("Text", self.text)
        form.addRow("Font", self.font_name)
        form.addRow("Size", self.numbers["size"])
        form.addRow("Colour", self.colours["color"])
        form.addRow("Outline", _row(self.numbers["outline"], self.colours["outline_color"]))
        form.addRow("", _row(self.shadow, self.colours["shadow_color"]))
        form.addRow("", _row(self.box, self.colours["box_color"]))
        form.addRow("Box opacity", self.numbers["box_opacity"])
        form.addRow("Box padding", self.numbers["box_padding"])
        form.addRow("Alignment", self.align)
        form.addRow("Position X", self.numbers["x"])
        form.addRow("Position Y", self.numbers["y"])

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.apply_text)
        self.text.textChanged.connect(self._typing.start)
        self.font_name.activated.connect(lambda _i: self._set("font", self.font_name.currentText()))
        self.align.activated.connect(lambda _i: self._set("align", self.align.currentData()))
        follow(context, self.refresh)
        self.refresh()

    @property
    def clip_id(self) -> str | None:
        return self._ident

    def refresh(self) -> None:
        clip = one_selected_clip(self._context)
        if clip is None or not titles.is_title(clip):
            self._ident = None
            self.setVisible(False)
            return
        typing = self.text.hasFocus() and self._ident == document.clip_id(clip) and self._typing.isActive()
        self._ident = document.clip_id(clip)
        values = titles.title_settings(clip)
        if not typing:
            self.text.blockSignals(True)
            self.text.setPlainText(str(values["text"]))
            self.text.blockSignals(False)
        self.font_name.setCurrentText(str(values["font"]))
        self.align.setCurrentIndex(max(0, self.align.findData(values["align"])))
        for name, _label, low, high, _decimals, _suffix, unit in NUMBERS:
            spin.show_value(self.numbers[name], float(values[name]) * unit, low, high)
        for name, button in self.colours.items():
            button.show_colour(str(values[name]))
        for box, name in ((self.shadow, "shadow"), (self.box, "box")):
            box.blockSignals(True)
            box.setChecked(bool(values[name]))
            box.blockSignals(False)
        self.setVisible(True)

    def apply_text(self) -> None:
        """Apply the typed text now (also what the pause after typing does)."""
        self._typing.stop()
        self._set("text", self.text.toPlainText())

    def _set(self, name: str, value: object) -> None:
        if self._ident is None:
            return
        clip = document.find_clip(self._context.session.timeline, self._ident)[1]
        if titles.title_settings(clip).get(name) == value:
            return
        if self._context.session.apply(titles.set_title, self._ident, **{name: value}) is None:
            self.refresh()


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
