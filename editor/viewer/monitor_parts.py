"""The parts a monitor is built from, and the words it shows: its naming tabs, its preview menu,
its transport buttons, its marks text, and a trim's two-up picture.

Kept apart from `editor.viewer.monitor` (which decides what is shown and
when) so that file stays about behaviour; nothing here holds state.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QTabBar, QToolButton, QWidget

from editor.playhead import Playhead
from editor.preferences import values
from editor.settings import EditorSettings
from engine.project.times import timecode

SOURCE, TIMELINE = "source", "timeline"
TITLES = {SOURCE: "Source", TIMELINE: "Timeline"}

#: Buttons under the picture: (action name, label, tooltip, the monitors that have it). Like
#: Premiere's: a source has no edit points to jump between, and only a source is edited from.
BUTTONS = (
    ("mark_in", "{", "Mark In", (SOURCE, TIMELINE)),
    ("mark_out", "}", "Mark Out", (SOURCE, TIMELINE)),
    ("go_start", "|◀", "Go to Start", (SOURCE, TIMELINE)),
    ("previous_cut", "▲", "Previous Edit Point", (TIMELINE,)),
    ("step_back", "◀|", "Step Back", (SOURCE, TIMELINE)),
    ("shuttle_back", "◀◀", "Play Backwards (J)", (SOURCE, TIMELINE)),
    ("play", "▶", "Play/Pause", (SOURCE, TIMELINE)),
    ("shuttle_forward", "▶▶", "Play Faster (L)", (SOURCE, TIMELINE)),
    ("step_forward", "|▶", "Step Forward", (SOURCE, TIMELINE)),
    ("next_cut", "▼", "Next Edit Point", (TIMELINE,)),
    ("go_end", "▶|", "Go to End", (SOURCE, TIMELINE)),
    ("insert", "Insert", "Insert from Source (,)", (SOURCE,)),
    ("overwrite", "Overwrite", "Overwrite from Source (.)", (SOURCE,)),
)


def mode_tabs(role: str, parent: QWidget) -> QTabBar:
    """Source | Timeline, with `role`'s tab chosen: in tabs, what names the monitor shown."""
    tabs = QTabBar(parent)
    tabs.setObjectName("viewer-mode")
    tabs.addTab(TITLES[SOURCE])
    tabs.addTab(TITLES[TIMELINE])
    tabs.setCurrentIndex(0 if role == SOURCE else 1)
    tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    # the theme has no tab style; make the mode shown unmistakable. The tabs bring their own dark
    # background: light text on the base style's light selected tab (no theme) read as blank
    tabs.setStyleSheet(
        "QTabBar::tab { padding: 3px 12px; color: #9aa0a6; background: #1e1f22;"
        " border-bottom: 2px solid transparent; }"
        "QTabBar::tab:selected { color: #f0f0f0; font-weight: bold; background: #26282b;"
        " border-bottom: 2px solid #6f9be0; }"
    )
    return tabs


def resolution_menu(settings: EditorSettings, parent: QWidget) -> QComboBox:
    """The preview sizes, showing the preference's (the one a new viewer starts with)."""
    menu = QComboBox(parent)
    menu.setObjectName("viewer-resolution")
    menu.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    menu.setToolTip("Preview resolution: smaller plays more smoothly (Auto fits the picture)")
    for key, label in values.PREVIEW_LABELS.items():
        menu.addItem(label, key)
    menu.setCurrentIndex(menu.findData(values.preview_resolution(settings)))
    return menu


def transport_buttons(
    role: str, parent: QWidget, trigger: Callable[[str], None]
) -> tuple[QHBoxLayout, dict[str, QToolButton]]:
    """`role`'s buttons, centred in a row, each calling `trigger(its action name)`."""
    buttons: dict[str, QToolButton] = {}
    row = QHBoxLayout()
    row.setSpacing(2)
    row.addStretch(1)
    for name, label, tip, roles in BUTTONS:
        if role not in roles:
            continue
        button = QToolButton(parent)
        button.setText(label)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setObjectName(f"viewer-{name}")
        button.clicked.connect(lambda _checked=False, name=name: trigger(name))
        buttons[name] = button
        row.addWidget(button)
    row.addStretch(1)
    return row, buttons


def marks_text(head: Playhead, rate: float) -> tuple[str, str]:
    """In, Out and Duration in words, and tersely ("Dur", narrower gaps) for a narrow monitor
    (side by side), where the whole wording would cut a timecode off."""
    parts = []
    if head.in_point is not None:
        parts.append(("In", timecode(head.in_point, rate)))
    if head.out_point is not None:
        parts.append(("Out", timecode(head.out_point, rate)))
    marked = head.marked_range()
    if marked is not None:
        parts.append(("Duration", timecode(marked[1], rate)))
    text = "   ".join(f"{name} {code}" for name, code in parts)
    short = "  ".join(f"{name.replace('Duration', 'Dur')} {code}" for name, code in parts)
    return text, short


def two_up(left: QImage | str, right: QImage | str) -> QImage | str:
    """Two frames side by side with a thin gap, as a trim monitor shows both sides of a cut."""
    if isinstance(left, str) or isinstance(right, str):
        return right if isinstance(left, str) else left
    gap = max(2, left.width() // 40)
    both = QImage(
        left.width() + gap + right.width(), max(left.height(), right.height()), QImage.Format.Format_RGB888
    )
    both.fill(QColor("#000000"))
    painter = QPainter(both)
    painter.drawImage(0, 0, left)
    painter.drawImage(left.width() + gap, 0, right)
    painter.end()
    return both
