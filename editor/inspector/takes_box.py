"""The takes of one clip: which versions exist, where each came from, and which plays.

Each row shows the take's first frame, its number, seed, prompt and backend
(the animatic named as a storyboard, so nobody mistakes it for a model's
output). The take that plays is marked "▶ active", tinted and drawn with a
green bar down its left edge, apart from the selection highlight, since "the
row I clicked" and "the take that plays" are different things (the bar stays
visible under the selection, where the tint does not). When the take that
plays changes (a regenerate lands, an undo, the clip menu), the list selects
it and scrolls to it: keeping the old row selected looked as if the old take
still played. Thumbnails come from the preview service off the GUI thread and
fill in when they arrive.

It only shows; making a take active or deleting one is reported by signals
so the inspector makes it one undo step on the document. The active take
cannot be deleted here: deleting the picture that plays would change the
cut as a side effect, so the user makes another take active first (a clear,
undoable step) and then deletes the old one. A deleted take's file stays
in the cache (and a generated take's in the media bin, as "<clip> · take
N"); File > Clean Generation Cache frees it once nothing, the bin included,
uses it.
"""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from editor.inspector.facts import TakeFacts
from editor.timeline.previews import PreviewCache

KEY_ROLE = Qt.ItemDataRole.UserRole
ACTIVE_ROLE = Qt.ItemDataRole.UserRole + 1  # True on the row of the take that plays
THUMB = QSize(64, 36)
PROMPT_CHARS = 60
VISIBLE_ROWS = 4
ACTIVE_TINT = QColor(70, 140, 90, 70)
ACTIVE_BAR = QColor(96, 200, 120)  # the same green, solid: readable under the selection highlight
BAR_WIDTH = 4


class ActiveTakeDelegate(QStyledItemDelegate):
    """Draws a row as usual, then the active take's bar down its left edge, over any highlight."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        if index.data(ACTIVE_ROLE):
            rect = option.rect
            painter.fillRect(QRect(rect.left(), rect.top(), BAR_WIDTH, rect.height()), ACTIVE_BAR)


class TakesBox(QGroupBox):
    activateRequested = Signal(str)  # take key
    deleteRequested = Signal(str)  # take key

    def __init__(self, parent: QWidget | None = None, previews: PreviewCache | None = None) -> None:
        super().__init__("Takes", parent)
        self.previews = previews or PreviewCache(self)
        self.previews.ready.connect(self._fill_icons)
        self.list = QListWidget(self)
        self.list.setObjectName("inspector-takes")
        self.list.setIconSize(THUMB)
        self.list.setWordWrap(False)  # each of the three lines is elided on its own, never wrapped
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSpacing(2)
        self.list.setItemDelegate(ActiveTakeDelegate(self.list))
        self.details = QLabel(self)
        self.details.setObjectName("inspector-take-details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.make_active = QPushButton("Make active", self)
        self.make_active.setObjectName("inspector-make-active")
        self.make_active.setToolTip("Play the selected take in this clip (the clip stays where it is)")
        self.delete = QPushButton("Delete take", self)
        self.delete.setObjectName("inspector-delete-take")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete)
        buttons.addWidget(self.make_active)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.details)
        self._takes: dict[str, TakeFacts] = {}
        self._playing: tuple[str | None, str | None] = (None, None)  # (clip, take) last shown as playing
        self.list.currentItemChanged.connect(lambda _item, _old: self._show_current())
        self.list.itemDoubleClicked.connect(lambda _item: self._activate())
        self.make_active.clicked.connect(self._activate)
        self.delete.clicked.connect(self._delete)

    def show_takes(self, found: tuple[TakeFacts, ...], clip: str | None = None) -> None:
        """List the takes of `clip`, keeping the row the user is looking at selected, unless the take
        that plays changed (or it is another clip): then the playing one is selected and shown."""
        active = next((t.key for t in found if t.active), None)
        current = self.current_key() if self._playing == (clip, active) else active
        self._playing = (clip, active)
        self._takes = {t.key: t for t in found}
        self.list.blockSignals(True)
        self.list.clear()
        for take in found:
            item = QListWidgetItem(row_text(take))
            item.setData(KEY_ROLE, take.key)
            item.setData(ACTIVE_ROLE, take.active)
            item.setToolTip(take.details)
            item.setSizeHint(QSize(0, max(THUMB.height() + 10, 3 * self.fontMetrics().height() + 8)))
            if take.active:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
                item.setBackground(QBrush(ACTIVE_TINT))
            self.list.addItem(item)
        keep = current if current in self._takes else active
        for row in range(self.list.count()):
            if self.list.item(row).data(KEY_ROLE) == keep:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._fill_icons()
        self.previews.flush()
        self._fit_rows(len(found))
        if self.list.currentItem() is not None:
            self.list.scrollToItem(self.list.currentItem())
        self._show_current()

    def _fill_icons(self) -> None:
        """Each take's first frame, as far as the preview service has made it (a blank box until then)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            take = self._takes.get(item.data(KEY_ROLE))
            picture = None
            if take is not None and take.path is not None:
                picture = self.previews.thumbnail(str(take.path), Fraction(0), THUMB.height())
            item.setIcon(QIcon(framed(picture)))

    def _fit_rows(self, rows: int) -> None:
        """As tall as its takes (up to four, then it scrolls), so the buttons sit right under them."""
        shown = min(max(rows, 1), VISIBLE_ROWS)
        height = sum(self.list.sizeHintForRow(r) + 2 * self.list.spacing() for r in range(shown))
        self.list.setFixedHeight(max(height, THUMB.height()) + 2 * self.list.frameWidth() + 2)

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def _show_current(self) -> None:
        take = self._takes.get(self.current_key() or "")
        self.details.setText(take.details if take else "")
        self.make_active.setEnabled(take is not None and not take.active)
        can_delete = take is not None and not take.active and len(self._takes) > 1
        self.delete.setEnabled(can_delete)
        if take is not None and take.active:
            self.delete.setToolTip(
                "This take plays now: make another take active first, then delete this one"
            )
        else:
            self.delete.setToolTip("Remove the selected take from this clip (its file stays in the cache)")

    def _activate(self) -> None:
        key = self.current_key()
        if key is not None and not self._takes[key].active:
            self.activateRequested.emit(key)

    def _delete(self) -> None:
        key = self.current_key()
        if key is not None and not self._takes[key].active:
            self.deleteRequested.emit(key)


def row_text(take: TakeFacts) -> str:
    """Three short lines: which take (and whether it plays), its seed and backend, its prompt."""
    head = f"Take {take.number}" + ("   ▶ active" if take.active else "")
    made = " · ".join(p for p in (f"seed {take.seed}" if take.seed is not None else "", take.backend) if p)
    prompt = take.prompt if len(take.prompt) <= PROMPT_CHARS else take.prompt[: PROMPT_CHARS - 1] + "…"
    return "\n".join(line for line in (head, made, f"“{prompt}”" if prompt else "") if line)


def framed(picture: QImage | None) -> QPixmap:
    """The thumbnail centred in a fixed box, so every row's text starts at the same place."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor(30, 32, 36))
    if picture is not None and not picture.isNull():
        scaled = picture.scaled(
            THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        painter = QPainter(pixmap)
        painter.drawImage(
            (THUMB.width() - scaled.width()) // 2, (THUMB.height() - scaled.height()) // 2, scaled
        )
        painter.end()
    return pixmap
