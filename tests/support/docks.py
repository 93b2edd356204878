"""Which dock a user sees where docks share a place as tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QTabBar


def front_tab(window: QMainWindow, among: str = "Jobs") -> str:
    """The tab shown in the group of tabbed docks that holds `among` ("" when that dock stands alone)."""
    for bar in window.findChildren(QTabBar):
        if among in [bar.tabText(i) for i in range(bar.count())]:
            return bar.tabText(bar.currentIndex())
    return ""
