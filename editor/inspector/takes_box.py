"""The takes of one clip: which versions exist, where each came from, and which plays.

It only shows; choosing a take to play is reported by `activateRequested`
so the inspector can make it one undo step on the document.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.inspector.facts import TakeFacts

KEY_ROLE = Qt.ItemDataRole.UserRole


class TakesBox(QGroupBox):
    activateRequested = Signal(str)  # take key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Takes", parent)
        self.list = QListWidget(self)
        self.list.setObjectName("inspector-takes")
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.details = QLabel(self)
        self.details.setObjectName("inspector-take-details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.make_active = QPushButton("Make active", self)
        self.make_active.setObjectName("inspector-make-active")
        self.make_active.setToolTip("Play the selected take in this clip (the clip stays where it is)")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.details)
        layout.addWidget(self.make_active, 0, Qt.AlignmentFlag.AlignRight)
        self._takes: dict[str, TakeFacts] = {}
        self.list.currentItemChanged.connect(lambda _item, _old: self._show_current())
        self.list.itemDoubleClicked.connect(lambda _item: self._activate())
        self.make_active.clicked.connect(self._activate)

    def show_takes(self, found: tuple[TakeFacts, ...]) -> None:
        """List the takes, keeping the one the user is looking at selected (else the active one)."""
        current = self.current_key()
        self._takes = {t.key: t for t in found}
        self.list.blockSignals(True)
        self.list.clear()
        for take in found:
            item = QListWidgetItem(("▶ " if take.active else "   ") + take.summary)
            item.setData(KEY_ROLE, take.key)
            item.setToolTip(take.details)
            if take.active:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        keep = current if current in self._takes else next((t.key for t in found if t.active), None)
        for row in range(self.list.count()):
            if self.list.item(row).data(KEY_ROLE) == keep:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._fit_rows(len(found))
        self._show_current()

    def _fit_rows(self, rows: int) -> None:
        """As tall as its takes (up to six, then it scrolls), so the details sit right under them."""
        row = self.list.sizeHintForRow(0) if rows else 20
        self.list.setFixedHeight(min(max(rows, 1), 6) * row + 2 * self.list.frameWidth() + 4)

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def _show_current(self) -> None:
        take = self._takes.get(self.current_key() or "")
        self.details.setText(take.details if take else "")
        self.make_active.setEnabled(take is not None and not take.active)

    def _activate(self) -> None:
        key = self.current_key()
        if key is not None and not self._takes[key].active:
            self.activateRequested.emit(key)
