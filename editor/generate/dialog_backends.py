"""The backend list of a generation dialog: readable in full without making the dialog as wide as it.

A backend that is not ready is listed with the reason (a missing package, a
model to download, no GPU), and those reasons are long: a combo box sized to
its longest item made Score Music and Extend Shot nearly 1000 pixels wide.
The box keeps a sensible width; its open list is as wide as the longest item
(up to most of the screen) and every item's full text is its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

SHOWN_CHARS = 30  # the closed box's least width, in characters
CLOSED_MAX = 520  # pixels: the closed box grows to show the chosen backend's label whole, up to this
POPUP_MARGIN = 40  # room for the scroll bar and the item's padding


def fit_backend_box(combo: QComboBox) -> None:
    """Call once after making the box: its width no longer follows its longest item."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(SHOWN_CHARS)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)


def show_items_whole(combo: QComboBox) -> None:
    """Call after filling the box: tooltips with each item's text, an open list wide enough to read it."""
    metrics = combo.view().fontMetrics()
    widest = 0
    for row in range(combo.count()):
        text = combo.itemText(row)
        if not combo.itemData(row, Qt.ItemDataRole.ToolTipRole):
            combo.setItemData(row, text, Qt.ItemDataRole.ToolTipRole)
        widest = max(widest, metrics.horizontalAdvance(text))
    screen = combo.screen().availableGeometry().width() if combo.screen() is not None else 1600
    combo.view().setMinimumWidth(min(widest + POPUP_MARGIN, round(screen * 0.9)))
    chosen = metrics.horizontalAdvance(combo.currentText())
    combo.setMinimumWidth(min(chosen + POPUP_MARGIN, CLOSED_MAX))
    combo.setToolTip(combo.currentText())
    combo.currentTextChanged.connect(combo.setToolTip, Qt.ConnectionType.UniqueConnection)
