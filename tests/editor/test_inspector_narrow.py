"""The inspector in a narrow dock (300 px, a common width): no sideways scrolling, nothing cut off.

The clip shown has every section that needs room: a colour grade (the R/G/B rows of the wheels),
a look with parameters, a transform and a speed ramp.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QSlider,
    QWidget,
)

from editor.main_window import MainWindow
from engine.project import document, edits, looks, speed_ramp, titles, transform
from engine.project.document import clip_id, new_project
from tests.support.editing import RATE, av_shot

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    timeline = new_project("cut", rate=RATE, size=(64, 36))
    video, sound = av_shot("City", 45, start=10)
    edits.append(timeline, {"V1": video, "A1": sound})
    city = clip_id(video)
    looks.set_colour(timeline, city, {"exposure": 0.5, "lift_r": 0.1})
    looks.add_look(timeline, city, "grain")
    transform.set_transform(timeline, city, x=12.0, crop_left=0.1)
    speed_ramp.apply_preset(timeline, city)
    win.show_timeline(timeline, None)
    win.context.selection.set([city])
    return win


def dock_width(qtbot, window: MainWindow, width: int) -> None:
    """Float the inspector's dock and make it `width` pixels wide, as a user drags its edge."""
    dock = window.findChild(QDockWidget, "dock-inspector")
    dock.setFloating(True)
    dock.resize(width, 700)
    qtbot.waitUntil(lambda: dock.width() == width)
    window.inspector.effects.list.setCurrentRow(1)  # the grain's parameters shown under the stack
    qtbot.wait(50)  # the layouts settle


def cut_off(window: MainWindow) -> list[str]:
    """The shown controls that stick out past the inspector's visible width or are squeezed
    narrower than they can draw themselves (their text or arrows cut)."""
    inspector = window.inspector
    body, seen = inspector.widget(), inspector.viewport().width()
    found = []
    for widget in body.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(body):
            continue
        view = _inside_a_view(widget, body)
        if view is not None:  # a cell of the ramp's table: inside the table's own visible width
            right, limit = (
                widget.mapTo(view.viewport(), QPoint(widget.width(), 0)).x(),
                view.viewport().width(),
            )
        else:
            right, limit = widget.mapTo(body, QPoint(widget.width(), 0)).x(), seen
        fixed = widget.minimumWidth() == widget.maximumWidth()  # its width chosen, not the dock's doing
        squeezed = not fixed and widget.width() < widget.minimumSizeHint().width()
        if right > limit or squeezed:
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r} {widget.width()} px, right {right}"
            )
    return found


def _inside_a_view(widget: QWidget, body: QWidget) -> QAbstractItemView | None:
    parent = widget.parentWidget()
    while parent is not None and parent is not body:
        if isinstance(parent, QAbstractItemView):
            return parent
        parent = parent.parentWidget()
    return None


def test_at_300_px_the_inspector_needs_no_sideways_scroll_and_cuts_nothing_off(qtbot, window) -> None:
    inspector = window.inspector
    dock_width(qtbot, window, 300)
    for section in (inspector.colour, inspector.effects, inspector.transform, inspector.speed):
        assert section.isVisible()
    assert inspector.widget().minimumSizeHint().width() <= inspector.viewport().width()
    assert not inspector.horizontalScrollBar().isVisible()
    assert cut_off(window) == []
    # the sections, taller for their wrapped rows, follow one another down the panel without overlap
    order = (inspector.transform, inspector.speed, inspector.colour, inspector.effects)
    for above, below in pairwise(order):
        assert above.geometry().bottom() < below.geometry().top()
    assert inspector.effects.geometry().bottom() <= inspector.widget().height()
    # the colour wheels' R, G and B stack one above another, each box whole
    lift = [inspector.colour.fields[f"lift_{c}"] for c in "rgb"]
    tops = [field.mapTo(inspector.widget(), QPoint(0, 0)).y() for field in lift]
    assert tops[0] + lift[0].height() <= tops[1] and tops[1] + lift[1].height() <= tops[2]
    # the ramp's buttons and its preset menu are all there to press
    ramp = inspector.speed.ramp
    assert all(button.isVisibleTo(inspector) for button in (ramp.add, ramp.remove, ramp.preset))


def test_at_450_px_the_colour_wheels_rgb_share_a_line(qtbot, window) -> None:
    inspector = window.inspector
    dock_width(qtbot, window, 450)
    assert not inspector.horizontalScrollBar().isVisible()
    assert cut_off(window) == []
    lift = [inspector.colour.fields[f"lift_{c}"] for c in "rgb"]
    tops = {field.mapTo(inspector.widget(), QPoint(0, 0)).y() for field in lift}
    assert len(tops) == 1


def test_a_title_clips_sections_fit_300_px_too(qtbot, window) -> None:
    window.context.session.apply(titles.add_title, "Lower third", 0)  # selects nothing by itself
    title = next(
        clip_id(c)
        for track in document.tracks(window.timeline, document.VIDEO)
        for c in track.find_clips()
        if titles.is_title(c)
    )
    window.context.selection.set([title])
    inspector = window.inspector
    dock_width(qtbot, window, 300)
    assert inspector.title.isVisible() and inspector.transform.isVisible()
    assert not inspector.horizontalScrollBar().isVisible()
    assert cut_off(window) == []
