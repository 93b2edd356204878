"""Track headers: source patch, name/target toggle and mute/solo/lock/hide/sync-lock buttons of each row.

The source patch cell (left, as Premiere's V/A source indicators) says which
track the source viewer's picture or sound goes to on Insert/Overwrite; the
target toggle (the track's name) says which tracks Add Edit cuts.

Button places are computed here for both painting and clicking, so a click
lands on the button that is drawn there.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from editor.timeline.geometry import HEADER_WIDTH
from editor.timeline.layout import Row
from engine.project.document import VIDEO

BUTTON = 20
TARGET = "target"
SOURCE = "source"
#: flag buttons right to left, with the letter drawn on them and what they say when hovered
SYNC = ("sync_locked", "⇄", "Sync lock: inserts and ripple edits on other tracks move this one too")
VIDEO_BUTTONS = (("hidden", "H", "Hide this track"), ("locked", "L", "Lock this track"), SYNC)
AUDIO_BUTTONS = (
    ("solo", "S", "Solo this track"),
    ("muted", "M", "Mute this track"),
    ("locked", "L", "Lock this track"),
    SYNC,
)
ON_COLORS = {
    SOURCE: QColor("#2f8f7a"),
    TARGET: QColor("#3a78c2"),
    "hidden": QColor("#9a6fc0"),
    "locked": QColor("#c2553a"),
    "muted": QColor("#c29a3a"),
    "solo": QColor("#3aa86f"),
    "sync_locked": QColor("#5a6470"),
}


def buttons(row: Row, top: float) -> list[tuple[str, QRectF, str, str]]:
    """(flag or TARGET, rect, letter, tooltip) of the row's header buttons, at screen `top`."""
    y = top + (row.height - BUTTON) / 2
    source = "V" if row.kind == VIDEO else "A"
    out = [
        (
            SOURCE,
            QRectF(4, y, BUTTON, BUTTON),
            source,
            f"Patch the source's {source} here (Insert/Overwrite)",
        ),
    ]
    x = HEADER_WIDTH - 6 - BUTTON
    for flag, letter, tip in VIDEO_BUTTONS if row.kind == VIDEO else AUDIO_BUTTONS:
        out.append((flag, QRectF(x, y, BUTTON, BUTTON), letter, tip))
        x -= BUTTON + 3
    # the name takes the room an audio row's flag buttons leave ("Voice-over" fits), the same on every row
    name_left = 4 + BUTTON + 4
    flags_left = HEADER_WIDTH - 6 - len(AUDIO_BUTTONS) * (BUTTON + 3) + 3
    target = QRectF(name_left, y, flags_left - 4 - name_left, BUTTON)
    out.insert(1, (TARGET, target, row.track, "Target this track for Add Edit"))
    return out


def button_at(row: Row, top: float, x: float, y: float) -> str | None:
    return next((name for name, rect, _, _ in buttons(row, top) if rect.contains(x, y)), None)


def is_on(row: Row, name: str, targeted: bool, patched: bool = False) -> bool:
    if name == SOURCE:
        return patched
    return targeted if name == TARGET else bool(getattr(row.flags, name))


def paint(painter: QPainter, row: Row, top: float, targeted: bool, patched: bool = False) -> None:
    header = QRectF(0, top, HEADER_WIDTH - 1, row.height - 1)
    painter.fillRect(header, QColor("#2a2c30"))
    painter.setPen(QPen(QColor("#17181a"), 1))
    painter.drawLine(header.bottomLeft(), header.bottomRight())
    for name, rect, letter, _ in buttons(row, top):
        on = is_on(row, name, targeted, patched)
        if name == SOURCE and not on:  # an empty socket, as Premiere draws an unpatched source
            painter.setPen(QPen(QColor("#45484e"), 1))
            painter.setBrush(QColor("#26282c"))
            painter.drawRoundedRect(rect, 3, 3)
            continue
        painter.setPen(QPen(QColor("#55585e"), 1))
        painter.setBrush(ON_COLORS[name] if on else QColor("#34363b"))
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(QColor("#f4f4f4") if on else QColor("#a8abb0"))
        text = painter.fontMetrics().elidedText(letter, Qt.TextElideMode.ElideRight, int(rect.width()) - 4)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
