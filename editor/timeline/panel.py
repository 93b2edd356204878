"""The timeline dock's content: the canvas with its horizontal and vertical scroll bars."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from editor.context import EditorContext
from editor.timeline import clipboard, commands, nested_nav, paste_attributes, speed_commands
from editor.timeline.geometry import HEADER_WIDTH
from editor.timeline.view import TimelineView


class TimelinePanel(QWidget):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TimelinePanel")
        self.view = TimelineView(context, self)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, self)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        self.nested_bar = nested_nav.NestedBar(context, self)  # only inside a nested sequence
        grid.addWidget(self.nested_bar, 0, 0, 1, 2)
        grid.addWidget(self.view, 1, 0)
        grid.addWidget(self.vbar, 1, 1)
        grid.addWidget(self.hbar, 2, 0)
        self._syncing = False
        self.view.viewChanged.connect(self._sync_bars)
        self.hbar.valueChanged.connect(self._h_scrolled)
        self.vbar.valueChanged.connect(self._v_scrolled)
        clipboard.register(self.view)  # first: Cut/Copy/Paste follow Undo/Redo in Edit
        paste_attributes.register(self.view)
        commands.register(self.view)
        speed_commands.register(self.view)
        nested_nav.register(self.view)
        self._sync_bars()

    def _sync_bars(self) -> None:
        view, g = self.view, self.view.geometry_
        self._syncing = True
        visible = int(g.frames_in(max(1, view.width() - HEADER_WIDTH)))
        end = max(view.total_frames(), int(g.first_frame) + visible)
        self.hbar.setRange(0, max(0, end + visible // 4 - visible))
        self.hbar.setPageStep(max(1, visible))
        self.hbar.setSingleStep(max(1, visible // 20))
        self.hbar.setValue(int(g.first_frame))
        self.vbar.setRange(0, view.max_scroll_y())
        self.vbar.setPageStep(max(1, view.height()))
        self.vbar.setSingleStep(20)
        self.vbar.setValue(g.scroll_y)
        self.vbar.setVisible(view.max_scroll_y() > 0)
        self._syncing = False

    def _h_scrolled(self, value: int) -> None:
        if not self._syncing:
            self.view.scroll_to(first_frame=value)

    def _v_scrolled(self, value: int) -> None:
        if not self._syncing:
            self.view.scroll_to(scroll_y=value)
