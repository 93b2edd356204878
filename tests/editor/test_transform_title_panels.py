"""The inspector's Transform and Title sections, Graphics > Title and Clip > Fill Frame, as used."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from editor.main_window import MainWindow
from editor.timeline.layout import TimelineLayout
from engine.media.reference import clips_for
from engine.project import document, titles, transform
from engine.project.document import clip_id, new_project
from engine.render.video import video_frame
from tests.editor.test_viewer import to_array
from tests.engine.test_compositing import BLUE, GREY, write_still

RATE = 30.0
SIZE = (192, 108)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    blue = write_still(tmp_path / "blue.png", SIZE, BLUE)
    phone = write_still(tmp_path / "phone.png", (108, 192), GREY, marks=[(54, 96)])
    timeline = new_project("compose", rate=RATE, size=SIZE)
    document.track(timeline, "V1").append(clips_for(blue, RATE, 60)[0])
    document.track(timeline, "V2").append(clips_for(phone, RATE, 60)[0])
    win = MainWindow()
    qtbot.addWidget(win)
    win.show_timeline(timeline, None)
    win.show()
    yield win
    win.viewer.shutdown()


def select(window: MainWindow, track: str) -> str:
    ident = clip_id(document.track(window.timeline, track)[0])
    window.context.selection.set([ident])
    return ident


def placement(window: MainWindow, ident: str, offset: int = 0) -> transform.Placement:
    return transform.placement_at(document.find_clip(window.timeline, ident)[1], offset)


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.lineEdit().selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_typing_transform_values_moves_the_clip_and_undo_puts_it_back(window, qtbot) -> None:
    ident = select(window, "V2")
    box = window.inspector.transform
    assert box.isVisible() and box.clip_id == ident
    type_into(qtbot, box.fields["opacity"], "50")
    type_into(qtbot, box.fields["x"], "-30")
    assert placement(window, ident).opacity == 0.5 and placement(window, ident).x == -30.0
    box.blend.setCurrentIndex(box.blend.findData("screen"))
    box.blend.activated.emit(box.blend.currentIndex())
    assert placement(window, ident).blend == "screen"
    window.context.actions.action("edit.undo").trigger()
    window.context.actions.action("edit.undo").trigger()
    assert placement(window, ident).x == 0.0 and placement(window, ident).opacity == 0.5
    assert box.fields["x"].value() == 0.0  # the field shows the document again


def test_keyframes_at_the_playhead_and_the_arrows_jump_between_them(window, qtbot) -> None:
    ident = select(window, "V2")
    box, head = window.inspector.transform, window.context.playhead
    head.move_to(0)
    qtbot.mouseClick(box.add_key, Qt.MouseButton.LeftButton)
    head.move_to(20)
    type_into(qtbot, box.fields["x"], "40")  # an animated value: set on a new keyframe at 20
    assert [k.frame for k in transform.keyframes(document.find_clip(window.timeline, ident)[1])] == [0, 20]
    head.move_to(10)
    assert box.fields["x"].value() == pytest.approx(20.0)  # the fields show the value in between
    qtbot.mouseClick(box.previous, Qt.MouseButton.LeftButton)
    assert head.frame == 0 and box.remove_key.isEnabled()
    qtbot.mouseClick(box.next, Qt.MouseButton.LeftButton)
    assert head.frame == 20
    qtbot.mouseClick(box.remove_key, Qt.MouseButton.LeftButton)
    assert [k.frame for k in transform.keyframes(document.find_clip(window.timeline, ident)[1])] == [0]


def test_fill_and_fit_frame_from_the_clip_menu_and_the_inspector(window, qtbot) -> None:
    ident = select(window, "V2")
    window.context.actions.action("clip.fill_frame").trigger()  # Clip > Fill Frame
    assert placement(window, ident).scale == pytest.approx(float(Fraction(256, 81)))
    qtbot.mouseClick(window.inspector.transform.fit, Qt.MouseButton.LeftButton)
    assert placement(window, ident).scale == 1.0
    # fitted, the phone picture is pillarboxed and V1 shows either side
    image = video_frame(window.timeline, 0)
    assert np.allclose(image[54, 10], BLUE, atol=4) and np.allclose(image[54, 96], (235, 235, 235), atol=8)


def test_graphics_title_adds_a_title_that_the_inspector_edits_with_live_preview(window, qtbot) -> None:
    window.context.playhead.move_to(5)
    window.context.actions.action("graphics.title").trigger()  # Graphics > Title
    ident = window.context.selection.ids[0]
    track, clip = document.find_clip(window.timeline, ident)
    assert titles.is_title(clip) and track.name == "V3"  # above the picture on V1 and V2
    box = window.inspector.title
    assert box.isVisible() and box.clip_id == ident
    assert window.inspector.header.text() == "Title clip on V3"
    box.text.setPlainText("Opening")
    box.apply_text()
    box.colours["color"].pick("#ffcc00")
    box.box.setChecked(True)
    settings = titles.title_settings(document.find_clip(window.timeline, ident)[1])
    assert settings["text"] == "Opening" and settings["color"] == "#ffcc00" and settings["box"] is True
    # the viewer shows the engine's frame with the title drawn in
    viewer = window.viewer
    viewer.resolution.setCurrentText("Full")
    window.context.playhead.move_to(10)
    qtbot.waitUntil(
        lambda: (
            viewer.picture.frame == 10
            and viewer.picture.image is not None
            and viewer.picture.image.width() == SIZE[0]
        ),
        timeout=5000,
    )
    expected = video_frame(window.timeline, 10, SIZE)
    qtbot.waitUntil(lambda: np.array_equal(to_array(viewer.picture.image), expected), timeout=5000)
    yellow = (expected[..., 0] > 200) & (expected[..., 1] > 170) & (expected[..., 2] < 80)
    assert yellow.sum() > 20  # the title's yellow text is in the picture


def test_the_bin_lists_title_presets_and_a_double_click_adds_one(window, qtbot) -> None:
    listed = window.bin.titles
    names = [listed.item(i).data(256) for i in range(listed.count())]
    assert names == ["Centred title", "Lower third"]
    listed.itemActivated.emit(listed.item(1))
    clip = document.find_clip(window.timeline, window.context.selection.ids[0])[1]
    assert titles.is_title(clip) and clip.media_reference.name == "Lower third"


def test_a_title_on_the_timeline_is_badged_not_offline(window, qtbot) -> None:
    window.context.actions.action("graphics.lower_third").trigger()
    ident = window.context.selection.ids[0]
    built = TimelineLayout.build(window.timeline, lambda path: Path(path).exists())
    box = next(b for row in built.rows for b in row.boxes if b.ident == ident)
    assert not box.offline and box.generated == "TITLE"


def test_dragging_the_handles_over_the_viewer_moves_and_scales_the_clip(window, qtbot) -> None:
    ident = select(window, "V2")
    window.context.playhead.move_to(5)
    picture = window.viewer.picture
    picture.resize(384, 216)  # twice the sequence size: 2 widget pixels per sequence pixel
    qtbot.waitUntil(lambda: picture.image is not None and picture.frame == 5)
    area = picture.picture_rect()
    corners = window.transform_handles.corners(area)
    assert corners is not None  # the outline of the fitted phone picture: 60.75 x 108 in the middle
    assert abs((corners[1].x() - corners[0].x()) / (area.width() / 192) - 60.75) < 0.1
    centre = (corners[0] + corners[2]) / 2
    qtbot.mousePress(picture, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    qtbot.mouseMove(picture, pos=(centre + QPointF(40, -20)).toPoint())
    qtbot.mouseRelease(picture, Qt.MouseButton.LeftButton, pos=(centre + QPointF(40, -20)).toPoint())
    k = area.width() / 192
    moved = placement(window, ident, 5)
    assert moved.x == pytest.approx(40 / k, abs=0.6) and moved.y == pytest.approx(-20 / k, abs=0.6)
    corner = window.transform_handles.corners(picture.picture_rect())[2]
    middle = (window.transform_handles.corners(picture.picture_rect())[0] + corner) / 2
    outward = corner + (corner - middle)  # twice as far from the centre: double the size
    qtbot.mousePress(picture, Qt.MouseButton.LeftButton, pos=corner.toPoint())
    qtbot.mouseMove(picture, pos=outward.toPoint())
    qtbot.mouseRelease(picture, Qt.MouseButton.LeftButton, pos=outward.toPoint())
    assert placement(window, ident, 5).scale == pytest.approx(2.0, abs=0.05)
    window.context.actions.action("edit.undo").trigger()
    assert placement(window, ident, 5).scale == 1.0 and placement(window, ident, 5).x == moved.x


def v2_in_the_viewer(window, qtbot):
    """Select the clip on V2 and show frame 5 in a 384x216 picture: (its id, the picture, the
    handles drawn over it)."""
    ident = select(window, "V2")
    window.context.playhead.move_to(5)
    picture = window.viewer.picture
    picture.resize(384, 216)
    qtbot.waitUntil(lambda: picture.image is not None and picture.frame == 5)
    return ident, picture, window.transform_handles


def _drag(qtbot, picture, start: QPointF, end: QPointF, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mousePress(picture, Qt.MouseButton.LeftButton, modifier, start.toPoint())
    qtbot.mouseMove(picture, pos=((start + end) / 2).toPoint())
    qtbot.mouseMove(picture, pos=end.toPoint())
    qtbot.mouseRelease(picture, Qt.MouseButton.LeftButton, modifier, end.toPoint())


def test_the_knob_rotates_and_alt_on_an_edge_crops_one_undo_step_each(window, qtbot) -> None:
    ident, picture, handles = v2_in_the_viewer(window, qtbot)
    area = picture.picture_rect()
    corners = handles.corners(area)
    centre = sum(corners, QPointF()) / 4
    knob = handles._knob(corners, area)
    # the knob straight above the centre, dragged to straight right of it: a quarter turn clockwise
    radius = centre.y() - knob.y()
    _drag(qtbot, picture, knob, centre + QPointF(radius, 0))
    assert placement(window, ident, 5).rotation == pytest.approx(90.0, abs=1.0)
    window.context.actions.action("edit.undo").trigger()
    assert placement(window, ident, 5).rotation == 0.0
    # Alt-drag the left edge a quarter of the picture's width inwards: crop_left 0.25
    corners = handles.corners(area)
    left_middle = (corners[0] + corners[3]) / 2
    quarter = (corners[1].x() - corners[0].x()) / 4
    steps = window.context.session.undo_stack.index()
    _drag(qtbot, picture, left_middle, left_middle + QPointF(quarter, 0), Qt.KeyboardModifier.AltModifier)
    cropped = placement(window, ident, 5)
    assert cropped.crop_left == pytest.approx(0.25, abs=0.02) and cropped.x == 0.0
    assert window.context.session.undo_stack.index() == steps + 1  # the whole drag is one step
    # crop mode: the bottom edge crops without Alt
    qtbot.mouseClick(handles.crop_button, Qt.MouseButton.LeftButton)  # the viewer's Crop button
    assert handles.crop_mode
    corners = handles.corners(area)
    bottom_middle = (corners[2] + corners[3]) / 2
    _drag(qtbot, picture, bottom_middle, bottom_middle - QPointF(0, (corners[3].y() - corners[0].y()) / 2))
    assert placement(window, ident, 5).crop_bottom == pytest.approx(0.5, abs=0.02)


def test_in_crop_mode_a_corner_crops_the_two_sides_that_meet_there_in_one_undo_step(window, qtbot) -> None:
    ident, picture, handles = v2_in_the_viewer(window, qtbot)
    qtbot.mouseClick(handles.crop_button, Qt.MouseButton.LeftButton)
    area = picture.picture_rect()
    corners = handles.corners(area)
    width, height = corners[1].x() - corners[0].x(), corners[3].y() - corners[0].y()
    steps = window.context.session.undo_stack.index()
    # the bottom right corner, a fifth of the width leftwards and a quarter of the height upwards
    _drag(qtbot, picture, corners[2], corners[2] - QPointF(width / 5, height / 4))
    cropped = placement(window, ident, 5)
    assert cropped.crop_right == pytest.approx(0.2, abs=0.02)
    assert cropped.crop_bottom == pytest.approx(0.25, abs=0.02)
    assert (cropped.crop_left, cropped.crop_top, cropped.scale) == (0.0, 0.0, 1.0)  # not a scale
    assert window.context.session.undo_stack.index() == steps + 1
    # the top left corner of the cropped outline: both of its sides, the other two as they were
    corners = handles.corners(area)
    _drag(qtbot, picture, corners[0], corners[0] + QPointF(width / 10, height / 4))
    again = placement(window, ident, 5)
    assert again.crop_left == pytest.approx(0.1, abs=0.02)
    assert again.crop_top == pytest.approx(0.25, abs=0.02)
    assert (again.crop_right, again.crop_bottom) == (cropped.crop_right, cropped.crop_bottom)
    # the edge handles still crop one side
    corners = handles.corners(area)
    right_middle = (corners[1] + corners[2]) / 2
    _drag(qtbot, picture, right_middle, right_middle - QPointF(width / 10, 0))
    edged = placement(window, ident, 5)
    assert edged.crop_right == pytest.approx(0.3, abs=0.02) and edged.crop_bottom == again.crop_bottom
    # one undo takes back the edge; the next the whole top left corner drag, both of its sides
    undo = window.context.actions.action("edit.undo")
    undo.trigger()
    undo.trigger()
    back = placement(window, ident, 5)
    assert (back.crop_left, back.crop_top) == (0.0, 0.0)
    assert (back.crop_right, back.crop_bottom) == (cropped.crop_right, cropped.crop_bottom)


def test_alt_on_a_corner_crops_and_without_it_the_corner_still_scales(window, qtbot) -> None:
    ident, picture, handles = v2_in_the_viewer(window, qtbot)
    corners = handles.corners(picture.picture_rect())
    width, height = corners[1].x() - corners[0].x(), corners[3].y() - corners[0].y()
    _drag(
        qtbot,
        picture,
        corners[1],
        corners[1] + QPointF(-width / 4, height / 10),
        Qt.KeyboardModifier.AltModifier,
    )
    cropped = placement(window, ident, 5)
    assert cropped.crop_right == pytest.approx(0.25, abs=0.02)
    assert cropped.crop_top == pytest.approx(0.1, abs=0.02)
    assert cropped.scale == 1.0
    window.context.actions.action("edit.undo").trigger()
    corners = handles.corners(picture.picture_rect())
    middle = (corners[0] + corners[2]) / 2
    _drag(qtbot, picture, corners[2], corners[2] + (corners[2] - middle))
    scaled = placement(window, ident, 5)
    assert scaled.scale == pytest.approx(2.0, abs=0.05) and scaled.crop_bottom == 0.0


def test_the_picture_follows_a_handle_drag_before_the_release(window, qtbot) -> None:
    ident = select(window, "V2")
    window.context.playhead.move_to(5)
    picture = window.viewer.picture
    picture.resize(384, 216)
    qtbot.waitUntil(lambda: picture.image is not None and picture.frame == 5)
    corners = window.transform_handles.corners(picture.picture_rect())
    centre = (corners[0] + corners[2]) / 2
    steps = window.context.session.undo_stack.index()
    qtbot.mousePress(picture, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    qtbot.mouseMove(picture, pos=(centre + QPointF(100, 0)).toPoint())

    def middle() -> tuple[int, ...]:
        shown = to_array(picture.image).astype(int)
        return tuple(shown[shown.shape[0] // 4, shown.shape[1] // 2])  # above the phone's centre mark

    assert middle() == pytest.approx(GREY, abs=3)
    # the grey phone picture moves right off the middle, mid-drag: the blue below shows there
    qtbot.waitUntil(lambda: middle() == pytest.approx(BLUE, abs=3))
    assert window.context.session.undo_stack.index() == steps  # nothing made yet
    assert placement(window, ident, 5).x == 0.0
    qtbot.mouseRelease(picture, Qt.MouseButton.LeftButton, pos=(centre + QPointF(100, 0)).toPoint())
    assert window.context.session.undo_stack.index() == steps + 1
    assert placement(window, ident, 5).x == pytest.approx(50.0, abs=0.6)
