"""The Markers list (a dock): every marker in time order; a double click jumps there, Edit and Delete act.

It shows `engine.project.markers.all_markers` (timeline markers and clip
markers mapped to timeline frames) and rebuilds when the document changes;
every change goes through the session as one undo step.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.timeline.painting import MARKER_COLORS
from engine.project import markers
from engine.project.times import timecode

ID_ROLE = 256  # Qt.ItemDataRole.UserRole


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(MARKER_COLORS.get(color.upper(), "#e6d04a")))
    return QIcon(pixmap)


class MarkerEditDialog(QDialog):
    """Name, colour and note of one marker."""

    def __init__(self, name: str, color: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Marker")
        self.name = QLineEdit(name, self)
        self.color = QComboBox(self)
        for value in markers.COLORS:
            self.color.addItem(_swatch(value), value.capitalize(), value)
        self.color.setCurrentIndex(max(0, self.color.findData(color)))
        self.note = QPlainTextEdit(note, self)
        self.note.setFixedHeight(70)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Colour", self.color)
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, str]:
        return self.name.text().strip(), str(self.color.currentData()), self.note.toPlainText().strip()


def ask_edit(parent: QWidget, name: str, color: str, note: str) -> tuple[str, str, str] | None:
    """The edited (name, colour, note), or None when cancelled. Tests replace this function."""
    dialog = MarkerEditDialog(name, color, note, parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class MarkersPanel(QWidget):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markers")
        self.context = context
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("markers-list")
        self.tree.setHeaderLabels(["Timecode", "Name", "Note", "On"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemDoubleClicked.connect(lambda item, _column: self.jump(item))
        self.edit_button = QPushButton("Edit…", self)
        self.delete_button = QPushButton("Delete", self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        context.session.changed.connect(self.refresh)
        self.tree.itemSelectionChanged.connect(self._enable)
        self.refresh()

    def refresh(self) -> None:
        timeline = self.context.session.timeline
        rate = self.context.session.settings.rate
        selected = self.selected_id()
        self.tree.clear()
        for placed in markers.all_markers(timeline):
            marker = placed.marker
            meta = marker.metadata.get("shotline", {})
            note = str(meta.get("note", "") or "")
            where = f"{placed.track.name}: {placed.clip.name}" if placed.clip is not None else "Timeline"
            item = QTreeWidgetItem([timecode(max(0, placed.frame), rate), marker.name, note, where])
            item.setIcon(0, _swatch(str(marker.color)))
            item.setToolTip(1, note or marker.name)
            item.setData(0, ID_ROLE, str(meta.get("id", "")))
            item.setData(1, ID_ROLE, placed.frame)
            self.tree.addTopLevelItem(item)
            if item.data(0, ID_ROLE) == selected:
                item.setSelected(True)
        self._enable()

    def _enable(self) -> None:
        has = self.selected_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return str(items[0].data(0, ID_ROLE)) if items and items[0].data(0, ID_ROLE) else None

    def jump(self, item: QTreeWidgetItem) -> None:
        self.context.playhead.move_to(max(0, int(item.data(1, ID_ROLE))))

    def edit_selected(self) -> None:
        items = self.tree.selectedItems()
        ident = self.selected_id()
        if ident is None:
            return
        placed = next(p for p in markers.all_markers(self.context.session.timeline) if _id(p) == ident)
        note = str(placed.marker.metadata.get("shotline", {}).get("note", "") or "")
        chosen = ask_edit(self, placed.marker.name, str(placed.marker.color), note)
        if chosen is None or not items:
            return
        name, color, note = chosen
        self.context.session.apply(markers.rename_marker, ident, name, note=note, color=color)

    def delete_selected(self) -> None:
        ident = self.selected_id()
        if ident is not None:
            self.context.session.apply(markers.remove_marker, ident)


def _id(placed: markers.PlacedMarker) -> str:
    return str(placed.marker.metadata.get("shotline", {}).get("id", ""))
