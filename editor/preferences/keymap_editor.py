"""The keymap editor: every registered command with its shortcut, editable in place.

It edits a pending copy of the keymap; nothing changes in the window until
the dialog applies it, and conflicts (one key for two commands) are shown as
they happen and refused on apply, the way Premiere's keyboard editor warns.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.actions import MENUS, ActionRegistry

PORTABLE = QKeySequence.SequenceFormat.PortableText
CONFLICT = QColor("#8a3b3b")
COLUMNS = ("Menu", "Command", "Shortcut", "")


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "").strip()


class KeymapEditor(QWidget):
    changed = Signal()

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._registry = registry
        order = {menu: index for index, menu in enumerate(MENUS)}  # as the menu bar reads, left to right
        self._entries = sorted(registry.commands(), key=lambda e: order.get(e.menu, len(MENUS)))
        self._edits: dict[str, QKeySequenceEdit] = {}
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search commands or shortcuts")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.table = QTableWidget(len(self._entries), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(2, 180)
        for row, entry in enumerate(self._entries):
            self._fill_row(row, entry.action_id, entry.menu, entry.action.text(), entry.default)
        self.conflict_label = QLabel(self)
        self.conflict_label.setWordWrap(True)
        self.reset_all = QPushButton("Reset All to Defaults", self)
        self.reset_all.clicked.connect(self.reset_to_defaults)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.reset_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.conflict_label)
        self._show_conflicts()

    def _fill_row(self, row: int, action_id: str, menu: str, text: str, default: str) -> None:
        for column, value in enumerate((menu, _plain(text))):
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, action_id)
            self.table.setItem(row, column, item)
        edit = QKeySequenceEdit(QKeySequence(self._registry.shortcut(action_id)), self.table)
        edit.setObjectName(f"key-{action_id}")
        edit.setMaximumSequenceLength(1)  # one chord per command, as the menus can show it
        edit.setClearButtonEnabled(True)
        edit.setToolTip(f"Default: {default or 'none'}")
        edit.keySequenceChanged.connect(lambda _sequence: self._edited())
        self._edits[action_id] = edit
        self.table.setCellWidget(row, 2, edit)
        reset = QPushButton("Default", self.table)
        reset.setToolTip(f"Back to {default or 'no shortcut'}")
        reset.clicked.connect(lambda _checked=False, a=action_id, d=default: self.set_key(a, d))
        self.table.setCellWidget(row, 3, reset)

    # the pending keymap ------------------------------------------------------------------

    def editor_for(self, action_id: str) -> QKeySequenceEdit:
        return self._edits[action_id]

    def pending(self) -> dict[str, str]:
        """Every command's shortcut as edited here, by action id."""
        return {action_id: edit.keySequence().toString(PORTABLE) for action_id, edit in self._edits.items()}

    def changed_from_defaults(self) -> dict[str, str]:
        """What the settings store: only the shortcuts that differ from the defaults."""
        pending = self.pending()
        return {e.action_id: pending[e.action_id] for e in self._entries if pending[e.action_id] != e.default}

    def conflicts(self) -> dict[str, list[str]]:
        return self._registry.conflicts(self.pending())

    def set_key(self, action_id: str, sequence: str) -> None:
        self._edits[action_id].setKeySequence(QKeySequence(sequence))

    def reset_to_defaults(self) -> None:
        for entry in self._entries:
            self.set_key(entry.action_id, entry.default)

    def describe_conflicts(self) -> str:
        names = {e.action_id: _plain(e.action.text()) for e in self._entries}
        return "\n".join(
            f"{QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)}: "
            + ", ".join(names[i] for i in ids)
            for key, ids in sorted(self.conflicts().items())
        )

    # view -----------------------------------------------------------------------------------

    def _edited(self) -> None:
        self._show_conflicts()
        self.changed.emit()

    def _show_conflicts(self) -> None:
        clashing = {action_id for ids in self.conflicts().values() for action_id in ids}
        for row in range(self.table.rowCount()):
            action_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            brush = QBrush(CONFLICT) if action_id in clashing else QBrush()
            for column in (0, 1):
                self.table.item(row, column).setBackground(brush)
        text = self.describe_conflicts()
        self.conflict_label.setText(f"⚠ One key for several commands:\n{text}" if text else "")
        self.conflict_label.setVisible(bool(text))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        pending = self.pending()
        for row, entry in enumerate(self._entries):
            haystack = " ".join(
                (entry.menu, _plain(entry.action.text()), pending[entry.action_id], entry.action_id)
            ).lower()
            self.table.setRowHidden(row, bool(needle) and needle not in haystack)
