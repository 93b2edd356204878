"""The bin's items as a Qt model, shared by the details view and the icon view.

The model mirrors the document: `sync` is given the bin's files as the
project holds them after every change (an import, an undo, an open) and
inserts or removes only the rows that differ, so the selection and the
thumbnails already made survive. What is known about each file (probe
result, picture, error) arrives later through `update`.

Drags out of the bin carry the `editor.mime` format the timeline accepts;
files dropped in from a file manager arrive as URLs and are handed to
whoever listens to `filesDropped`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from editor import mime
from editor.bin import icons
from editor.bin.items import MediaItem, State

NAME, DURATION, FORMAT, STATUS = range(4)
HEADERS = ("Name", "Duration", "Format", "Status")
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
URI_LIST = "text/uri-list"
Index = QModelIndex | QPersistentModelIndex


class BinModel(QAbstractTableModel):
    filesDropped = Signal(object)  # list[Path]: local files dropped onto the bin

    def __init__(self, project_rate: Callable[[], float], parent: Any = None) -> None:
        super().__init__(parent)
        self._rate = project_rate
        self._items: list[MediaItem] = []
        self._badges: dict[Path, Any] = {}  # offline- or generated-marked thumbnails, drawn once

    # the items ------------------------------------------------------------------

    @property
    def items(self) -> list[MediaItem]:
        return list(self._items)

    def row_of(self, path: Path) -> int:
        return next((i for i, item in enumerate(self._items) if item.path == path), -1)

    def item(self, path: Path) -> MediaItem | None:
        row = self.row_of(path)
        return self._items[row] if row >= 0 else None

    def item_at(self, index: Index) -> MediaItem | None:
        return self._items[index.row()] if index.isValid() and index.row() < len(self._items) else None

    def sync(
        self, media: Sequence[tuple[Path, bool]], names: Mapping[Path, str] | None = None
    ) -> list[MediaItem]:
        """Show exactly these (path, imported) items in this order, named as `names` says (else by
        their file); returns the items that are new."""
        names = names or {}
        wanted = [path for path, _ in media]
        keep = set(wanted)
        for row in reversed(range(len(self._items))):
            if self._items[row].path not in keep:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._items[row]
                self.endRemoveRows()
        known = {item.path: item for item in self._items}
        if [p for p in wanted if p in known] != [item.path for item in self._items]:
            # reordered (rare: an undo across imports): rebuild, keeping what each item knows
            self.beginResetModel()
            self._items = [known[p] for p in wanted if p in known]
            self.endResetModel()
        new: list[MediaItem] = []
        for row, (path, imported) in enumerate(media):
            item = known.get(path)
            if item is None:
                item = MediaItem(path, imported, title=names.get(path))
                self.beginInsertRows(QModelIndex(), row, row)
                self._items.insert(row, item)
                self.endInsertRows()
                new.append(item)
            elif item.imported != imported or item.title != names.get(path):
                item.imported, item.title = imported, names.get(path)
                self.refresh(path)
        return new

    def refresh(self, path: Path) -> None:
        """Repaint a row after its item learned something."""
        self._badges.pop(path, None)
        row = self.row_of(path)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # reading --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return self._icon(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip(self._rate())
        if role == Qt.ItemDataRole.ForegroundRole:
            if item.state is State.ERROR:
                return icons.ERROR_COLOR
            if item.state is State.OFFLINE:
                return icons.OFFLINE_COLOR
            if item.state is State.PROBING or (column == STATUS and not item.imported):
                return QColor("#8a909a")
        if role == PATH_ROLE:
            return str(item.path)
        return None

    def _text(self, item: MediaItem, column: int) -> str:
        if column == NAME:
            return item.name
        if column == DURATION:
            return item.duration_text(self._rate())
        if column == FORMAT:
            return item.format_text()
        return item.status_text()

    def _icon(self, item: MediaItem) -> Any:
        if item.state is State.OFFLINE:
            if item.icon is None:
                return icons.state_icon(State.OFFLINE)
            if item.path not in self._badges:
                self._badges[item.path] = icons.offline_badge(item.icon)
            return self._badges[item.path]
        if item.made is not None and item.state is State.READY:
            if item.path not in self._badges:
                self._badges[item.path] = icons.generated_badge(item.icon, item.animatic)
            return self._badges[item.path]
        if item.icon is not None:
            return item.icon
        if item.state is State.READY and item.info is not None and item.info.video is None:
            return icons.sound_icon()
        return icons.state_icon(State.READY if item.state is State.READY else item.state)

    # drag and drop ----------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        item = self.item_at(index)
        if item is None:
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if item.state is State.READY:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [mime.MEDIA_MIME, URI_LIST]

    def mimeData(self, indexes: Sequence[Index]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        items = [self._items[r] for r in rows if self._items[r].state is State.READY]
        return mime.encode([mime.MediaDrag(item.path) for item in items])

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return bool(dropped_files(data))

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        files = dropped_files(data)
        if not files:
            return False
        self.filesDropped.emit(files)
        return True


def dropped_files(data: QMimeData) -> list[Path]:
    """Local files (or folders) a file manager drop carries; our own drags carry none."""
    if data.hasFormat(mime.MEDIA_MIME) or not data.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
