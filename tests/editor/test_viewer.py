"""The viewer as a user drives it: frames at the playhead, transport keys, timecode, marks, playback."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from editor.main_window import MainWindow
from engine.playback.clock import frame_at_sample, sample_of_frame
from engine.playback.source import placements, source_timeline
from engine.project import document, edits
from engine.project.document import new_project
from engine.project.times import rt
from engine.render.video import video_frame
from tests.engine.test_playback import FakeStream, fake_device
from tests.support import mediagen
from tests.support.windows import silent_window

RATE = 30.0
SIZE = (64, 36)


def to_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, : width * 3].reshape(height, width, 3).copy()


def two_shot_timeline(tmp_path: Path):
    """V1/A1: 'red' (30 frames) then 'blue' (20 frames), linked picture and tone; V2: 'top' at 40..45."""
    red = mediagen.write_video(tmp_path / "red.mp4", 30, size=SIZE, color=(200, 40, 40), tone_hz=440)
    blue = mediagen.write_video(tmp_path / "blue.mp4", 30, size=SIZE, color=(40, 40, 200), tone_hz=660)
    timeline = new_project("viewer test", rate=RATE, size=SIZE)
    edits.append(timeline, placements(source_timeline(red, RATE, SIZE), 0, 30))
    edits.append(timeline, placements(source_timeline(blue, RATE, SIZE), 5, 20))
    edits.overwrite(timeline, rt(40, RATE), {"V2": placements(source_timeline(red, RATE, SIZE), 0, 5)["V1"]})
    return timeline


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = silent_window(qtbot, two_shot_timeline(tmp_path))
    yield win
    win.viewer.shutdown()


def press(qtbot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.viewer.picture, key, modifier)


def shown_index(window: MainWindow) -> int:
    return mediagen.read_index(to_array(window.viewer.picture.image))


def wait_shown(qtbot, window: MainWindow, frame: int) -> None:
    qtbot.waitUntil(lambda: window.viewer.picture.frame == frame and window.viewer.picture.image is not None)


def test_the_picture_is_the_engines_frame_at_the_preview_size(window, qtbot) -> None:
    viewer = window.viewer
    assert viewer.resolution.currentText() == "1/2" and viewer.preview_size() == (32, 18)
    window.context.playhead.move_to(12)
    wait_shown(qtbot, window, 12)
    expected = video_frame(window.timeline, 12, (32, 18))
    np.testing.assert_array_equal(to_array(viewer.picture.image), expected)
    viewer.resolution.setCurrentText("Full")
    qtbot.waitUntil(lambda: viewer.picture.image.width() == 64)
    np.testing.assert_array_equal(to_array(viewer.picture.image), video_frame(window.timeline, 12, SIZE))
    assert shown_index(window) == 12
    # letterboxed: a tall viewer keeps the 16:9 shape
    viewer.picture.resize(400, 400)
    area = viewer.picture.picture_rect()
    assert area.width() == 400 and abs(area.height() - 225) < 1 and abs(area.top() - 87.5) < 1


def test_stepping_keys_home_end_and_cuts(window, qtbot) -> None:
    head = window.context.playhead
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    assert head.frame == 2
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert head.frame == 12
    press(qtbot, window, Qt.Key.Key_Left)
    assert head.frame == 11
    wait_shown(qtbot, window, 11)
    assert shown_index(window) == 11
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert head.frame == 0
    press(qtbot, window, Qt.Key.Key_End)
    assert head.frame == 50
    press(qtbot, window, Qt.Key.Key_Home)
    assert head.frame == 0
    stops = []
    for _ in range(5):
        press(qtbot, window, Qt.Key.Key_Down)
        stops.append(head.frame)
    assert stops == [30, 40, 45, 50, 50]  # every cut on V1 and V2, then the end
    press(qtbot, window, Qt.Key.Key_Up)
    press(qtbot, window, Qt.Key.Key_Up)
    assert head.frame == 40
    wait_shown(qtbot, window, 40)
    assert shown_index(window) == 0  # V2's clip is on top here, from its first frame


def test_typing_a_timecode_jumps_and_nonsense_says_so(window, qtbot) -> None:
    field = window.viewer.timecode
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    qtbot.keyClicks(field, "1:05")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.context.playhead.frame == 35 and field.text() == "00:00:01:05"
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "-10")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.context.playhead.frame == 25
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "soon")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.context.playhead.frame == 25 and "is not a timecode" in window.statusBar().currentMessage()
    assert field.text() == "00:00:00:25"


def test_i_and_o_mark_the_range(window, qtbot) -> None:
    head = window.context.playhead
    head.move_to(5)
    press(qtbot, window, Qt.Key.Key_I)
    head.move_to(14)
    press(qtbot, window, Qt.Key.Key_O)
    assert head.marked_range() == (5, 10)
    assert "Duration 00:00:00:10" in window.viewer.marks_label.text()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_X, ctrl_shift)
    assert head.in_point is None and head.out_point is None


def test_jkl_shuttle_speeds_and_k_stops(window, qtbot) -> None:
    viewer, head = window.viewer, window.context.playhead
    press(qtbot, window, Qt.Key.Key_L)
    assert viewer.player.speed == 1
    press(qtbot, window, Qt.Key.Key_L)
    press(qtbot, window, Qt.Key.Key_L)
    assert viewer.player.speed == 4
    qtbot.waitUntil(lambda: head.frame >= 10, timeout=3000)
    press(qtbot, window, Qt.Key.Key_K)
    assert viewer.player.speed == 0
    stopped = head.frame
    qtbot.wait(100)
    assert head.frame == stopped
    head.move_to(40)
    press(qtbot, window, Qt.Key.Key_J)
    assert viewer.player.speed == -1
    press(qtbot, window, Qt.Key.Key_J)
    assert viewer.player.speed == -2
    qtbot.waitUntil(lambda: head.frame < 36, timeout=3000)
    press(qtbot, window, Qt.Key.Key_K)
    assert viewer.player.speed == 0
    head.move_to(3)
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: viewer.player.speed == 0, timeout=3000)  # backwards stops at the start
    assert head.frame == 0


def test_space_plays_on_the_wall_clock_when_there_is_no_sound_card(window, qtbot) -> None:
    viewer, head = window.viewer, window.context.playhead
    press(qtbot, window, Qt.Key.Key_Space)
    assert viewer.player.speed == 1 and viewer.player.audio is None
    assert viewer.audio_status.text() == "Audio is off: no output device" and viewer.audio_status.isVisible()
    qtbot.waitUntil(lambda: head.frame >= 6, timeout=3000)
    qtbot.waitUntil(lambda: viewer.picture.frame is not None and viewer.picture.frame >= 3, timeout=3000)
    press(qtbot, window, Qt.Key.Key_Space)
    assert viewer.player.speed == 0
    # playing to the end stops on the last frame
    head.move_to(44)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: viewer.player.speed == 0, timeout=3000)
    assert head.frame == 49


@pytest.mark.slow
def test_a_sound_card_drives_the_clock_and_the_picture_follows_it(window, qtbot, tmp_path: Path) -> None:
    """Five simulated minutes: the playhead and the frame shown are always the frame being heard."""
    still = mediagen.write_image(tmp_path / "still.png", SIZE)
    timeline = new_project("long", rate=RATE, size=SIZE)
    edits.append(timeline, placements(source_timeline(still, RATE, SIZE), 0, 6 * 60 * 30))
    tone = placements(source_timeline(tmp_path / "red.mp4", RATE, SIZE), 0, 30)
    edits.overwrite(timeline, rt(0, RATE), {"A1": tone["A1"]})
    window.show_timeline(timeline, None)
    streams: list[FakeStream] = []
    viewer, head = window.viewer, window.context.playhead
    viewer.player.open_stream = fake_device(streams, latency=0.05)
    press(qtbot, window, Qt.Key.Key_Space)
    assert viewer.audio_status.text() == "" and viewer.player.audio is not None
    stream = streams[0]
    stream.keep = False
    stream.ready = lambda count: viewer.player.audio.buffered() >= count
    played = 0
    latency = round(0.05 * 48000)
    start = time.monotonic()
    while played < 5 * 60 * 48000:
        step = 48000 * 7 + 1601  # seven seconds and a bit, unevenly
        stream.play(step, block=4096)
        played += step
        expected = frame_at_sample(sample_of_frame(0, RATE) + played - latency, RATE)
        qtbot.waitUntil(lambda expected=expected: head.frame == expected, timeout=3000)
        qtbot.waitUntil(lambda expected=expected: viewer.picture.frame == expected, timeout=3000)
        qtbot.wait(20)
        assert head.frame == expected  # nothing moves unless the sound card plays
    assert time.monotonic() - start < 60
    assert head.frame > 5 * 60 * 30


def test_offline_media_shows_a_slate_not_a_crash(window, qtbot, tmp_path: Path) -> None:
    gone = tmp_path / "gone.mp4"
    mediagen.write_video(gone, 10, size=SIZE)
    timeline = new_project("offline", rate=RATE, size=SIZE)
    clip = placements(source_timeline(gone, RATE, SIZE), 0, 10)["V1"]
    clip.name = "Interview"
    edits.append(timeline, {"V1": clip})
    gone.unlink()
    window.show_timeline(timeline, None)
    qtbot.waitUntil(lambda: window.viewer.picture.message == "Media offline: Interview")
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.wait(100)
    press(qtbot, window, Qt.Key.Key_K)
    assert window.viewer.picture.message == "Media offline: Interview"
    assert not window.viewer.picture.hint  # a problem: the red slate, not the quiet hint of an empty monitor


def test_the_source_viewer_inserts_and_overwrites_its_marked_range(window, qtbot, tmp_path: Path) -> None:
    viewer, head, session = window.viewer, window.context.playhead, window.context.session
    before = otio_text(window)
    window.context.media.sourceRequested.emit(tmp_path / "blue.mp4")
    qtbot.waitUntil(lambda: viewer.mode == "source" and viewer.source is not None)
    assert viewer.tabs.currentIndex() == 0 and viewer.source_label.text() == "blue.mp4"
    wait_shown(qtbot, window, 0)
    # the source viewer's own playhead and marks: the timeline's do not move
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, window, Qt.Key.Key_I)
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_O)
    wait_shown(qtbot, window, 13)
    assert shown_index(window) == 13
    assert viewer.source_playhead.marked_range() == (10, 4) and head.frame == 0 and head.in_point is None
    head.move_to(10)
    press(qtbot, window, Qt.Key.Key_Comma)  # insert at the timeline's playhead
    v1 = document.track(session.timeline, "V1")
    a1 = document.track(session.timeline, "A1")
    lengths = [(c.name, c.source_range.duration.value) for c in v1]
    assert lengths == [("red", 10), ("blue", 4), ("red", 20), ("blue", 20)]
    assert [c.name for c in a1] == ["red", "blue", "red", "blue"]
    assert head.frame == 14 and session.undo_stack.undoText() == "Insert"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert otio_text(window) == before
    head.move_to(28)
    press(qtbot, window, Qt.Key.Key_Period)  # overwrite: nothing after it moves
    assert [(c.name, c.source_range.duration.value) for c in v1] == [("red", 28), ("blue", 4), ("blue", 18)]
    assert document.track(session.timeline, "V1")[1].source_range.start_time.value == 10
    assert head.frame == 32
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert otio_text(window) == before
    viewer.set_mode("timeline")
    assert viewer.playhead is head


def test_sound_only_and_still_sources_go_to_their_own_tracks(window, qtbot, tmp_path: Path) -> None:
    viewer, session = window.viewer, window.context.session
    sound = mediagen.write_audio(tmp_path / "voice.wav", seconds=1.0)
    window.context.media.sourceRequested.emit(sound)
    qtbot.waitUntil(lambda: viewer.source_path == sound)
    window.context.playhead.move_to(50)
    press(qtbot, window, Qt.Key.Key_Period)
    assert [c.name for c in document.track(session.timeline, "A1")][-1] == "voice"
    assert [c.name for c in document.track(session.timeline, "V1")][-1] == "blue"
    still = mediagen.write_image(tmp_path / "card.png", SIZE)
    window.context.media.sourceRequested.emit(still)
    qtbot.waitUntil(lambda: viewer.source_path == still)
    press(qtbot, window, Qt.Key.Key_Period)
    v1 = document.track(session.timeline, "V1")
    assert v1[len(v1) - 1].name == "card" and v1[len(v1) - 1].source_range.duration.value == 150  # 5 s


def otio_text(window: MainWindow) -> str:
    import opentimelineio as otio

    return otio.adapters.write_to_string(window.context.session.timeline)
