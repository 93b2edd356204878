"""The inspector's Effects section: one video clip's look stack, top of the list applied first.

Add a look from the menu, switch one off with its check box, move it up or
down, remove it, and set its parameters in the form under the list. The
Colour grade and LUT are in the stack too (their order matters) and are
edited in the Colour section. Each gesture is one undo step through
`engine.project.looks`; the section refills from the document after every
change, keeping the same row selected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.edit_preview import end_preview, preview
from editor.inspector.look_fields import NumberField
from engine.project import looks
from engine.project.document import find_clip

#: Looks the Add menu offers; the colour grade and LUT come from the Colour section.
ADDABLE = ("grain", "vhs", "vignette", "blur", "bw")


class EffectsSection(QGroupBox):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__("Effects", parent)
        self.setObjectName("inspector-effects")
        self._context = context
        self._ident: str | None = None
        self._filling = False
        self._shape: list[str | None] = []  # the kinds listed, to tell a new stack from new values

        self.list = QListWidget(self)
        self.list.setObjectName("effects-list")
        self.list.setMaximumHeight(130)
        self.add_menu = QMenu(self)
        for kind in ADDABLE:
            action = self.add_menu.addAction(looks.KINDS[kind][0])
            action.setObjectName(f"effects-add-{kind}")
            action.triggered.connect(lambda _=False, kind=kind: self.add(kind))
        self.add_button = QToolButton(self)
        self.add_button.setObjectName("effects-add")
        self.add_button.setText("Add Look")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setMenu(self.add_menu)
        self.up = QToolButton(self)
        self.up.setArrowType(Qt.ArrowType.UpArrow)
        self.up.setObjectName("effects-up")
        self.up.setToolTip("Move up: apply this look earlier")
        self.down = QToolButton(self)
        self.down.setArrowType(Qt.ArrowType.DownArrow)
        self.down.setObjectName("effects-down")
        self.down.setToolTip("Move down: apply this look later")
        self.remove = QToolButton(self)
        self.remove.setText("Remove")
        self.remove.setObjectName("effects-remove")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.up, self.down, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.params = QWidget(self)
        self.params.setObjectName("effects-params")
        self.form = QFormLayout(self.params)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, NumberField] = {}

        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.params)

        self.list.currentRowChanged.connect(self._row_changed)
        self.list.itemChanged.connect(self._toggled)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.remove.clicked.connect(self._remove)

    # showing ------------------------------------------------------------------------

    def _stack(self) -> list:
        if self._ident is None:
            return []
        return looks.looks(find_clip(self._context.session.timeline, self._ident)[1])

    def show_clip(self, ident: str | None) -> None:
        """Show one video clip's stack (hidden for none, an audio clip or several clips)."""
        keep = self.list.currentRow() if ident == self._ident else 0
        self._ident = ident
        self.setVisible(ident is not None)
        if ident is None:
            self._shape = []
            return
        stack = self._stack()
        shape = [looks.kind_of(e) for e in stack]
        self._filling = True
        try:
            if shape == self._shape and self.list.count() == len(stack):
                # the same looks with new values: update in place, never delete the widget being used
                for row, effect in enumerate(stack):
                    item = self.list.item(row)
                    item.setText(self._label(effect))
                    on = Qt.CheckState.Checked if looks.enabled(effect) else Qt.CheckState.Unchecked
                    item.setCheckState(on)
                row = self.list.currentRow()
                if 0 <= row < len(stack):
                    values = looks.params(stack[row])
                    for name, field in self.fields.items():
                        field.show_value(values[name])
                return
            self._shape = shape
            self.list.clear()
            for effect in stack:
                item = QListWidgetItem(self._label(effect))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = Qt.CheckState.Checked if looks.enabled(effect) else Qt.CheckState.Unchecked
                item.setCheckState(on)
                self.list.addItem(item)
            if stack:
                self.list.setCurrentRow(min(max(keep, 0), len(stack) - 1))
        finally:
            self._filling = False
        self._show_params()

    @staticmethod
    def _label(effect) -> str:
        kind = looks.kind_of(effect)
        label = looks.KINDS[kind][0]
        if kind == "lut" and looks.lut_path(effect):
            label += f": {looks.lut_path(effect).rsplit('/', 1)[-1]}"
        return label

    def _row_changed(self, _row: int) -> None:
        if not self._filling:
            self._show_params()

    def _show_params(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        row, stack = self.list.currentRow(), self._stack()
        self.up.setEnabled(row > 0)
        self.down.setEnabled(0 <= row < len(stack) - 1)
        self.remove.setEnabled(0 <= row < len(stack))
        if not 0 <= row < len(stack):
            self.params.setVisible(False)
            return
        self.params.setVisible(True)
        effect = stack[row]
        kind = looks.kind_of(effect)
        if kind == "colour":
            self.form.addRow(QLabel("Edited in the Colour section above.", self.params))
            return
        values = looks.params(effect)
        for param in looks.KINDS[kind][1]:
            field = NumberField(param, self.params)
            field.show_value(values[param.name])
            field.committed.connect(self._set)
            field.dragged.connect(self._preview)
            self.fields[param.name] = field
            self.form.addRow(param.label, field)

    # editing ------------------------------------------------------------------------

    def add(self, kind: str) -> None:
        if self._ident is None:
            return
        change = self._apply(looks.add_look, self._ident, kind)
        if change is not None:
            self.list.setCurrentRow(change.result)

    def _preview(self, name: str, value: float) -> None:
        """A slider being dragged: the viewer shows the look with this value, nothing is made yet."""
        row = self.list.currentRow()
        if self._ident is not None and row >= 0:
            preview(self._context, looks.set_params, [(self._ident, row, {name: value})])

    def _set(self, name: str, value: float) -> None:
        end_preview(self._context)
        row = self.list.currentRow()
        if self._ident is not None and row >= 0:
            self._apply(looks.set_params, self._ident, row, {name: value})

    def _toggled(self, item: QListWidgetItem) -> None:
        if self._filling or self._ident is None:
            return
        on = item.checkState() == Qt.CheckState.Checked
        self._apply(looks.set_enabled, self._ident, self.list.row(item), on)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        if self._ident is None or row < 0:
            return
        change = self._apply(looks.move_look, self._ident, row, row + step)
        if change is not None:
            self.list.setCurrentRow(change.result)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if self._ident is not None and row >= 0:
            self._apply(looks.remove_look, self._ident, row)

    def _apply(self, edit: Callable[..., Any], *args: Any) -> Any:
        change = self._context.session.apply(edit, *args)
        if change is None:
            self.show_clip(self._ident)  # refused: show what the document holds
        return change
