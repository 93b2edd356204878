"""The bin's Titles: the title presets, added to the cut at the playhead with a double-click."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from editor.context import EditorContext
from editor.graphics.actions import add_title
from engine.project import titles


class TitlesList(QListWidget):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bin-titles")
        self._context = context
        for preset in titles.PRESETS:
            item = QListWidgetItem(f"Titles ▸ {preset}", self)
            item.setData(256, preset)
            item.setToolTip("Double-click to add this title at the playhead, above the picture")
        self.setMaximumHeight(self.sizeHintForRow(0) * (self.count() + 1) + 4)
        self.itemActivated.connect(lambda item: add_title(self._context, item.data(256)))
