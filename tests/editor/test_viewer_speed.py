"""The viewer's dropped-frame counter, its Auto preview size and its read-ahead during playback."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt

from editor.preferences import values
from editor.timeline.hits import row_top
from editor.viewer import frames
from tests.editor import test_viewer
from tests.editor.test_viewer import shown_index, wait_shown
from tests.support import mediagen

#: The window of tests/editor/test_viewer.py: two shots on V1/A1, one on V2, no sound card.
window = test_viewer.window


def test_the_dropped_frame_counter_counts_the_frames_playback_skipped(window, qtbot, monkeypatch) -> None:
    viewer = window.viewer
    render = frames.FrameWorker._render

    def slow(renderer, timeline, frame, size, *captions):  # a machine that cannot keep up: 10 frames a second
        time.sleep(0.1)
        return render(renderer, timeline, frame, size, *captions)

    wait_shown(qtbot, window, 0)  # the files are open before the clock starts
    monkeypatch.setattr(frames.FrameWorker, "_render", staticmethod(slow))
    viewer.play()
    qtbot.waitUntil(lambda: not viewer.player.playing, timeout=20000)  # to the end of the 50 frames
    assert 5 < viewer.dropped < 50  # most of them, as at most one frame in three could be made
    assert viewer.dropped_label.text() == f"Dropped {viewer.dropped}"
    window.context.playhead.move_to(0)
    monkeypatch.setattr(frames.FrameWorker, "_render", staticmethod(render))
    viewer.play()
    assert viewer.dropped_label.text() == "Dropped 0"  # each press of Play counts afresh
    viewer.stop()


def test_auto_preview_size_gives_each_screen_pixel_one_picture_pixel(window, qtbot) -> None:
    viewer = window.viewer
    viewer.resolution.setCurrentText("Auto")
    viewer.picture.setFixedSize(32, 18)  # the project is 64x36: half is enough
    qtbot.waitUntil(lambda: viewer.preview_size() == (32, 18))
    viewer.picture.setFixedSize(16, 9)
    qtbot.waitUntil(lambda: viewer.preview_size() == (16, 8))  # a quarter, kept even
    viewer.picture.setFixedSize(60, 34)
    qtbot.waitUntil(lambda: viewer.preview_size() == (64, 36))
    qtbot.waitUntil(lambda: viewer.worker.size == (64, 36))  # the worker renders at the new size
    window.context.playhead.move_to(3)
    wait_shown(qtbot, window, 3)
    assert viewer.picture.image.width() == 64
    assert values.preview_resolution(window.context.settings) == "auto"  # Preferences' own setting


def test_playback_prepares_up_to_a_second_ahead_within_a_memory_bound() -> None:
    worker = frames.FrameWorker()
    try:
        assert worker.ahead((960, 540)) == frames.MAX_AHEAD
        assert worker.ahead((3840, 2160)) * 3840 * 2160 * 3 <= frames.CACHE_BYTES // 2  # full-size 4K
        assert worker.ahead((7680, 4320)) == 2  # never fewer than the next two frames
    finally:
        worker.close()


def test_marking_in_and_out_in_the_source_viewer_does_not_resize_the_other_docks(
    window, qtbot, tmp_path
) -> None:
    viewer = window.viewer
    long_name = tmp_path / ("a very long file name from a phone camera export " * 2 + ".mp4")
    long_name.write_bytes((tmp_path / "blue.mp4").read_bytes())
    window.resize(1000, 700)
    qtbot.wait(50)
    docks = [window.bin.parentWidget(), window.inspector.parentWidget()]
    widths, least = [d.width() for d in docks], viewer.minimumSizeHint().width()
    window.context.media.sourceRequested.emit(long_name)
    qtbot.waitUntil(lambda: viewer.mode == "source" and viewer.source is not None)
    viewer.source_playhead.move_to(5)
    viewer.mark_in()
    viewer.source_playhead.move_to(20)
    viewer.mark_out()
    assert "Duration 00:00:00:16" in viewer.marks_label.text()
    qtbot.wait(50)
    assert [d.width() for d in docks] == widths
    assert viewer.minimumSizeHint().width() == least  # the marks never ask for more room
    assert viewer.source_label.text() == long_name.name  # whole, though shown shortened


def test_while_trimming_the_viewer_shows_the_edit_frame_then_the_playhead_s_again(window, qtbot) -> None:
    """V1: red frames 0-29 (its media 0-29), blue 30-49 (media 5-24 of 30); drag blue's tail left."""
    view, viewer = window.timeline_view, window.viewer
    view.snapping = False  # V2's clip at 40-45 would pull the edge
    window.context.playhead.move_to(3)
    wait_shown(qtbot, window, 3)
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start, end = QPoint(round(view.geometry_.x_of(49.5)), y), QPoint(round(view.geometry_.x_of(42)), y)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 5):
        qtbot.mouseMove(view, start + (end - start) * (i / 4))
    edge = 30 + 12 - 1  # the new last frame of blue: timeline frame 41, blue's media frame 5 + 11
    qtbot.waitUntil(lambda: viewer.picture.frame == edge and viewer.picture.image is not None)
    assert shown_index(window) == 16
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    wait_shown(qtbot, window, 3)  # the drag is over: the playhead's frame again
    assert shown_index(window) == 3


def test_playing_another_timeline_shows_its_frames_from_the_start(
    window, qtbot, tmp_path, monkeypatch
) -> None:
    """The frame last shown belonged to the other timeline: it must not hold back the new one's."""
    viewer = window.viewer
    window.context.playhead.move_to(45)
    wait_shown(qtbot, window, 45)
    window.show_timeline(test_viewer.two_shot_timeline(tmp_path), None)
    window.context.playhead.move_to(0)
    render = frames.FrameWorker._render

    def slow(renderer, timeline, frame, size, *captions):  # behind the playhead: frames arrive late
        time.sleep(0.05)
        return render(renderer, timeline, frame, size, *captions)

    monkeypatch.setattr(frames.FrameWorker, "_render", staticmethod(slow))
    shown = []
    show = viewer.picture.show_frame
    monkeypatch.setattr(
        viewer.picture,
        "show_frame",
        lambda frame, image, *labels: (shown.append(frame), show(frame, image, *labels)),
    )
    viewer.play()
    qtbot.waitUntil(lambda: not viewer.player.playing, timeout=20000)
    assert len([f for f in shown if f < 45]) > 5  # not one picture until the playhead passed 45


def test_rolling_a_cut_shows_both_sides_of_it_side_by_side(window, qtbot) -> None:
    """Red (media 0-29) then blue (media 5-24) meet at 30; roll the cut to 25: red ends on its
    frame 24, blue starts on its frame 0."""
    view, viewer = window.timeline_view, window.viewer
    view.snapping = False
    qtbot.keyClick(view, Qt.Key.Key_N)  # the roll tool
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start, end = QPoint(round(view.geometry_.x_of(30)), y), QPoint(round(view.geometry_.x_of(25)), y)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 5):
        qtbot.mouseMove(view, start + (end - start) * (i / 4))
    qtbot.waitUntil(lambda: viewer.picture.frame == 25 and viewer.picture.image.width() > 60)
    pixels = test_viewer.to_array(viewer.picture.image)
    assert mediagen.read_index(pixels[:, :32]) == 24
    assert mediagen.read_index(pixels[:, -32:]) == 0
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(lambda: viewer.picture.image.width() == 32)  # one picture again
