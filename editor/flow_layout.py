"""A layout that puts its widgets side by side while they fit and wraps them onto more lines when not.

The inspector lives in a dock that editors keep narrow (300 px is common):
a row of buttons or of three number boxes that needs more than that would
otherwise give the whole panel a sideways scroll bar or cut off its ends.
This layout's minimum width is its widest single widget, so the panel can
always narrow that far; its height follows the width (height-for-width), so
a scroll area and the boxes it sits in grow a line when a row wraps.

`whole_rows` keeps a row that belongs together (a colour wheel's R, G and B)
either all on one line or one widget a line, never two and one.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6, whole_rows: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._whole_rows = whole_rows
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # QLayout's bookkeeping -------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal  # the widgets share out a wide line, as in a box layout

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        width = sum(i.sizeHint().width() for i in shown) + self.spacing() * max(0, len(shown) - 1)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height).grownBy(self.contentsMargins())

    def minimumSize(self) -> QSize:
        """As narrow as the widest widget (one a line); the height a line needs, the rest by width."""
        shown = self._shown()
        width = max((i.minimumSize().width() for i in shown), default=0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height).grownBy(self.contentsMargins())

    # placing -----------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        """The widgets by line: as many on each as fit at their preferred widths (all, or one a
        line, with `whole_rows`); a widget wider than the line has a line to itself."""
        shown, gap = self._shown(), self.spacing()
        if self._whole_rows:
            return (
                [shown] if self.sizeHint().width() - self._margin_width() <= width else [[i] for i in shown]
            )
        lines: list[list[QLayoutItem]] = []
        used = 0
        for item in shown:
            wanted = item.sizeHint().width()
            if lines and used + gap + wanted <= width:
                lines[-1].append(item)
                used += gap + wanted
            else:
                lines.append([item])
                used = wanted
        return lines

    def _margin_width(self) -> int:
        margins: QMargins = self.contentsMargins()
        return margins.left() + margins.right()

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Lay the widgets out in `rect` (when `place`); the height that takes."""
        area = rect.marginsRemoved(self.contentsMargins())
        gap, y = self.spacing(), area.y()
        for line in self._lines(area.width()):
            height = max(i.sizeHint().height() for i in line)
            if place:
                self._place_line(line, QPoint(area.x(), y), area.width(), height)
            y += height + gap
        margins = self.contentsMargins()
        return max(0, y - gap - area.y()) + margins.top() + margins.bottom()

    def _place_line(self, line: list[QLayoutItem], at: QPoint, width: int, height: int) -> None:
        """Share the line's width out: each widget its preferred width, the rest evenly among
        those that may grow (buttons and fields; not a fixed-width one), never below a minimum."""
        gap = self.spacing()
        widths = [i.sizeHint().width() for i in line]
        growing = [n for n, i in enumerate(line) if _grows(i)]
        spare = width - sum(widths) - gap * (len(line) - 1)
        for n in growing if spare > 0 else range(len(line)):
            share = spare // max(1, len(growing) if spare > 0 else len(line))
            widths[n] = max(line[n].minimumSize().width(), widths[n] + share)
        x = at.x()
        for item, wide in zip(line, widths, strict=True):
            wide = min(wide, item.maximumSize().width(), width)
            item.setGeometry(QRect(x, at.y(), wide, height))
            x += wide + gap


def _grows(item: QLayoutItem) -> bool:
    widget = item.widget()
    if widget is None:
        return False
    return widget.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Fixed
