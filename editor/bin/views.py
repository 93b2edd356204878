"""The two ways of looking at the bin: a details list and a grid of thumbnails.

Both keep the keys a bin item answers to (Delete removes it from the bin,
Enter opens it in the source viewer) even where the same key is a
window-wide shortcut (Delete lifts a timeline clip): the view claims the key
through Qt's shortcut override while it has focus, as text fields do.
Files dragged in from a file manager are taken here, over any row.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QTreeView, QWidget

from editor.bin.model import NAME, PATH_ROLE, dropped_files

REMOVE_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _BinKeys:
    """Key, drag and drop handling shared by both views (mixed into a QAbstractItemView)."""

    removeRequested: Signal
    openRequested: Signal
    filesDropped: Signal

    def _setup(self: QAbstractItemView) -> None:
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def _claims(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            bare = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if bare and event.key() in (*REMOVE_KEYS, *OPEN_KEYS):
                event.accept()
                return True
        return False

    def _key(self, event: QKeyEvent) -> bool:
        if event.key() in REMOVE_KEYS:
            self.removeRequested.emit()
            return True
        if event.key() in OPEN_KEYS:
            self.openRequested.emit()
            return True
        return False

    def _drop_files(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent, take: bool) -> bool:
        files = dropped_files(event.mimeData())
        if not files:
            return False
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if take:
            self.filesDropped.emit(files)
        return True


class DetailsView(_BinKeys, QTreeView):
    removeRequested = Signal()
    openRequested = Signal()
    filesDropped = Signal(object)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup()
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        # the theme darkens the base colour; the alternate rows must follow, or they glare white
        self.setStyleSheet("QTreeView { alternate-background-color: #25272b; }")
        self.setIconSize(QSize(64, 36))
        self.setObjectName("bin-details")

    def event(self, event: QEvent) -> bool:
        return self._claims(event) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._drop_files(event, take=False):
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._drop_files(event, take=False):
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not self._drop_files(event, take=True):
            event.ignore()  # our own items dropped back on the bin: nothing to do


class IconView(_BinKeys, QListView):
    removeRequested = Signal()
    openRequested = Signal()
    filesDropped = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)  # a grid of files, not a desktop to arrange
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(QSize(128, 72))
        self.setGridSize(QSize(148, 112))
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self.setModelColumn(NAME)
        self.setObjectName("bin-icons")

    def event(self, event: QEvent) -> bool:
        return self._claims(event) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._drop_files(event, take=False):
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._drop_files(event, take=False):
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not self._drop_files(event, take=True):
            event.ignore()


def paths_of(view: QAbstractItemView) -> list[Path]:
    """The selected items' files, in row order."""
    model = view.model()
    rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
    return [Path(model.index(r, NAME).data(PATH_ROLE)) for r in rows]
