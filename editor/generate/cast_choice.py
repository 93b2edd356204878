"""The Regenerate dialog's Cast row: who and where the shot is, and the prompt the job will send.

The shot's Cast (tags filled from the script or chosen on the storyboard)
is what makes a regenerated shot draw the same faces: its members'
descriptions join the prompt and their pictures reach a model that takes
them. The list shows every Cast member, the shot's ticked; the note under it
shows the words the job sends, so the user sees "Mara: a keeper in a red
coat." added to what they typed rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

Describe = Callable[[str, list[str]], str]  # (the shot's words, the names) -> the prompt sent


class CastChoice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.members = QListWidget(self)
        self.members.setObjectName("regenerate-cast")
        self.members.setToolTip("Who and where the shot is: their descriptions join the prompt")
        self.members.setMaximumHeight(90)
        self.sent = QLabel(self)
        self.sent.setObjectName("regenerate-sent")
        self.sent.setWordWrap(True)
        self.sent.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.members)
        layout.addWidget(self.sent)
        self._describe: Describe = lambda prompt, _names: prompt
        self._prompt: Callable[[], str] = lambda: ""
        self.members.itemChanged.connect(lambda _item: self.update_sent())

    def fill(
        self, members: list[tuple[str, str]], chosen: list[str], describe: Describe, prompt: Callable[[], str]
    ) -> None:
        """`members`: (name, kind) of every Cast member; `chosen`: the shot's; `prompt`: the typed words."""
        self._describe, self._prompt = describe, prompt
        self.members.blockSignals(True)
        self.members.clear()
        for name, kind in members:
            item = QListWidgetItem(f"{name}  ({kind})", self.members)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
        self.members.blockSignals(False)
        self.update_sent()

    def names(self) -> list[str]:
        """The ticked members, in the Cast's order."""
        items = (self.members.item(i) for i in range(self.members.count()))
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def update_sent(self) -> None:
        typed = self._prompt().strip()
        sent = self._describe(typed, self.names())
        self.sent.setText(f"Sent: {sent}" if sent != typed else "")
        self.sent.setVisible(bool(self.sent.text()))
