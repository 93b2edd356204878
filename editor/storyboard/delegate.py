"""How a storyboard card is drawn: the picture, then the shot's words, tags, length, takes and state.

Drawn by a delegate rather than built of widgets so a film of a few hundred
shots scrolls as one list; pictures come from the PreviewCache (off the GUI
thread) and a card paints a placeholder panel until its picture is there.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from editor.storyboard.cards import Card, ShotState
from editor.timeline.previews import PreviewCache

CARD = QSize(196, 176)
MARGIN = 6
PICTURE_HEIGHT = 98  # about 16:9 of the card's inner width
CARD_ROLE = Qt.ItemDataRole.UserRole + 1

#: A badge's colour says the state before its word is read.
STATE_COLORS = {
    ShotState.PLACEHOLDER: QColor(120, 120, 128),
    ShotState.GENERATING: QColor(52, 120, 220),
    ShotState.DONE: QColor(46, 150, 80),
    ShotState.STALE: QColor(222, 140, 30),
    ShotState.FAILED: QColor(200, 50, 50),
}


class CardDelegate(QStyledItemDelegate):
    def __init__(self, previews: PreviewCache, parent=None) -> None:
        super().__init__(parent)
        self._previews = previews
        self._flush_queued = False

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CARD

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card: Card | None = index.data(CARD_ROLE)
        if card is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(option.rect).adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.setPen(
            QPen(palette.highlight().color() if selected else palette.mid().color(), 2 if selected else 1)
        )
        painter.setBrush(palette.base())
        painter.drawRoundedRect(box, 6, 6)
        inner = box.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        picture = QRectF(inner.left(), inner.top(), inner.width(), PICTURE_HEIGHT)
        self._picture(painter, card, picture)
        self._badge(painter, card, picture)
        self._length_and_takes(painter, card, picture, option)
        y = picture.bottom() + 6
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.text().color())
        metrics = QFontMetrics(bold)
        line = metrics.height()
        name = metrics.elidedText(card.name, Qt.TextElideMode.ElideRight, int(inner.width()))
        painter.drawText(QRectF(inner.left(), y, inner.width(), line), Qt.AlignmentFlag.AlignLeft, name)
        y += line + 2
        painter.setFont(option.font)
        plain = QFontMetrics(option.font)
        words = QRectF(inner.left(), y, inner.width(), plain.height() * 2 + 2)
        painter.setPen(palette.placeholderText().color())
        painter.drawText(
            words, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop, _two_lines(card.prompt, plain, words)
        )
        y = words.bottom() + 4
        y = self._tags(painter, card, QRectF(inner.left(), y, inner.width(), plain.height() + 4), option)
        painter.restore()

    def _picture(self, painter: QPainter, card: Card, area: QRectF) -> None:
        image = None
        if card.path:
            image = self._previews.thumbnail(card.path, card.seconds, int(area.height()))
            if image is None:
                self._ask_after_paint()
        painter.fillRect(area, QColor(34, 34, 38))
        if image is not None:
            scale = min(area.width() / max(1, image.width()), area.height() / max(1, image.height()))
            w, h = image.width() * scale, image.height() * scale
            target = QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)
            painter.drawImage(target, image)
            return
        # the animatic panel a placeholder stands for: its action on a dark card
        painter.setPen(QColor(210, 210, 215))
        text = area.adjusted(10, 18, -10, -20)
        painter.drawText(
            text, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter, card.prompt or card.name
        )
        painter.setPen(QColor(150, 150, 160))
        small = QFont(painter.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
        painter.setFont(small)
        label = "PLACEHOLDER" if not card.takes else "NO PICTURE"  # a take whose file is not there
        painter.drawText(
            area.adjusted(8, 4, -8, -4), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label
        )

    def _length_and_takes(
        self, painter: QPainter, card: Card, area: QRectF, option: QStyleOptionViewItem
    ) -> None:
        """The shot's length and its takes on a strip along the picture's foot, as a timecode burn-in."""
        metrics = QFontMetrics(option.font)
        strip = QRectF(area.left(), area.bottom() - metrics.height() - 4, area.width(), metrics.height() + 4)
        painter.fillRect(strip, QColor(0, 0, 0, 150))
        painter.setFont(option.font)
        painter.setPen(QColor(240, 240, 240))
        text = strip.adjusted(6, 0, -6, 0)
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, card.length)
        count = "no take" if not card.takes else f"{card.takes} take{'s' if card.takes != 1 else ''}"
        painter.drawText(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count)

    def _ask_after_paint(self) -> None:
        """The pictures missed in one paint are asked for together once it ends (one request per file)."""
        if not self._flush_queued:
            self._flush_queued = True
            QTimer.singleShot(0, self._flush)

    def _flush(self) -> None:
        self._flush_queued = False
        self._previews.flush()

    def _badge(self, painter: QPainter, card: Card, area: QRectF) -> None:
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(card.badge) + 12
        pill = QRectF(area.right() - width - 4, area.top() + 4, width, metrics.height() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(STATE_COLORS[card.state])
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, card.badge)

    def _tags(self, painter: QPainter, card: Card, row: QRectF, option: QStyleOptionViewItem) -> float:
        metrics = QFontMetrics(option.font)
        x = row.left()
        for name in card.cast:
            width = metrics.horizontalAdvance(name) + 10
            if x + width > row.right():
                break
            pill = QRectF(x, row.top(), width, row.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.alternateBase())
            painter.drawRoundedRect(pill, 4, 4)
            painter.setPen(option.palette.text().color())
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        return row.bottom()


def _two_lines(text: str, metrics: QFontMetrics, area: QRectF) -> str:
    """The prompt cut with an ellipsis where it would run past two lines."""
    flags = Qt.TextFlag.TextWordWrap
    if metrics.boundingRect(QRect(0, 0, int(area.width()), 10_000), flags, text).height() <= area.height():
        return text
    cut = text
    while (
        cut
        and metrics.boundingRect(QRect(0, 0, int(area.width()), 10_000), flags, cut + "…").height()
        > area.height()
    ):
        cut = cut[: max(0, len(cut) - 4)].rstrip()
    return cut + "…"
