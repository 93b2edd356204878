"""A file path on one line, shortened in the middle to the width it is given.

A generated take lives under a 32-character cache key, and a wrapped label
cannot break a path without spaces: the inspector then grew wider than its
dock and scrolled sideways. Eliding in the middle keeps both ends readable
(the folder it starts in, the file name it ends with), as Premiere's panels
do; the whole path is in the tooltip. `text()` stays the full path.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from editor.elided_label import ElidedLabel

MIN_WIDTH = 60


class PathLabel(ElidedLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.TextElideMode.ElideMiddle, MIN_WIDTH)
