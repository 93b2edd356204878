"""Three-point editing from the source viewer: marks on both sides, patched tracks, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from editor.main_window import MainWindow
from editor.timeline import headers
from editor.timeline.hits import row_top
from engine.errors import EditError
from engine.playback.audio_output import AudioUnavailable
from engine.playback.threepoint import Marks, ThreePointEdit, resolve
from engine.project import document, tracks
from tests.editor.test_viewer import SIZE, otio_text, press, two_shot_timeline
from tests.support import mediagen

COMMA, PERIOD = Qt.Key.Key_Comma, Qt.Key.Key_Period


@pytest.mark.parametrize(
    ("source", "timeline", "playhead", "expected"),
    [
        (Marks(), Marks(), 7, ThreePointEdit(0, 100, 7)),  # no marks: the whole source at the playhead
        (Marks(10, 19), Marks(), 7, ThreePointEdit(10, 10, 7)),
        (Marks(10, 19), Marks(50), 7, ThreePointEdit(10, 10, 50)),  # source in+out, timeline in
        (Marks(10, 19), Marks(None, 59), 7, ThreePointEdit(10, 10, 50)),  # timeline out: back-timed
        (Marks(30), Marks(5, 14), 7, ThreePointEdit(30, 10, 5)),  # timeline in+out, source in
        (Marks(None, 39), Marks(5, 14), 7, ThreePointEdit(30, 10, 5)),  # source out: back-timed
        (Marks(30, 90), Marks(5, 14), 7, ThreePointEdit(30, 10, 5)),  # four points: the timeline wins
        (Marks(90), Marks(), 0, ThreePointEdit(90, 10, 0)),  # source in only: to the source's end
    ],
)
def test_three_of_four_points_decide_the_edit(source, timeline, playhead, expected) -> None:
    assert resolve(source, 100, timeline, playhead, 30.0) == expected


@pytest.mark.parametrize(
    ("source", "timeline", "words"),
    [
        (Marks(95), Marks(0, 9), "too short"),  # 5 frames left, 10 wanted
        (Marks(None, 4), Marks(0, 9), "too short"),  # back-timed before the source's start
        (Marks(0, 19), Marks(None, 9), "before the timeline"),
    ],
)
def test_a_range_that_does_not_fit_is_refused_in_words(source, timeline, words) -> None:
    with pytest.raises(EditError, match=words):
        resolve(source, 100, timeline, 0, 30.0)


# in the editor ------------------------------------------------------------------------------


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch) -> MainWindow:
    """The editor on test_viewer's two-shot timeline: V1/A1 red 0-30 + blue 30-50, V2 a flash at 40."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no device"))
    window.show_timeline(two_shot_timeline(tmp_path), None)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    yield window
    window.viewer.shutdown()


def open_source(qtbot, win: MainWindow, path: Path) -> None:
    win.context.media.sourceRequested.emit(path)
    qtbot.waitUntil(lambda: win.viewer.source_path == path and win.viewer.mode == "source")


def mark_source(qtbot, win: MainWindow, first: int | None, last: int | None) -> None:
    head = win.viewer.source_playhead
    for frame, key in ((first, Qt.Key.Key_I), (last, Qt.Key.Key_O)):
        if frame is not None:
            head.move_to(frame)
            press(qtbot, win, key)


def lengths(win: MainWindow, track: str) -> list[tuple[str, int]]:
    return [
        (c.name, round(c.source_range.duration.value))
        for c in document.track(win.context.session.timeline, track)
    ]


def click_header(qtbot, win: MainWindow, track: str, button: str) -> None:
    view = win.timeline_view
    row = view.layout.row(track)
    assert row is not None
    rect = next(r for name, r, _, _ in headers.buttons(row, row_top(row, view.geometry_)) if name == button)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center().toPoint())


def status_text(win: MainWindow) -> str:
    return win.statusBar().currentMessage()


def test_timeline_in_out_and_a_source_in_overwrite_exactly_the_marked_range(win, qtbot, tmp_path) -> None:
    head, session = win.context.playhead, win.context.session
    open_source(qtbot, win, tmp_path / "blue.mp4")
    mark_source(qtbot, win, 10, None)
    head.mark_in(5)
    head.mark_out(14)
    press(qtbot, win, PERIOD)
    assert lengths(win, "V1") == [("red", 5), ("blue", 10), ("red", 15), ("blue", 20)]
    assert document.track(session.timeline, "V1")[1].source_range.start_time.value == 10
    assert lengths(win, "A1") == [("red", 5), ("blue", 10), ("red", 15), ("blue", 20)]
    assert (head.in_point, head.out_point, head.frame) == (
        None,
        None,
        15,
    )  # marks used up
    assert session.undo_stack.undoText() == "Overwrite"


def test_timeline_out_only_back_times_the_source_range(win, qtbot, tmp_path) -> None:
    head = win.context.playhead
    open_source(qtbot, win, tmp_path / "blue.mp4")
    mark_source(qtbot, win, 0, 9)
    head.mark_out(29)  # the source's last frame lands on frame 29
    press(qtbot, win, PERIOD)
    assert lengths(win, "V1") == [("red", 20), ("blue", 10), ("blue", 20)]


def test_timeline_in_only_inserts_there_not_at_the_playhead(win, qtbot, tmp_path) -> None:
    head = win.context.playhead
    open_source(qtbot, win, tmp_path / "blue.mp4")
    mark_source(qtbot, win, 3, 6)
    head.move_to(40)
    head.mark_in(12)
    head.move_to(40)
    press(qtbot, win, COMMA)
    assert lengths(win, "V1") == [("red", 12), ("blue", 4), ("red", 18), ("blue", 20)]
    assert head.frame == 16


def test_a_source_too_short_for_the_timeline_range_is_refused_with_a_message(win, qtbot, tmp_path) -> None:
    head = win.context.playhead
    before = otio_text(win)
    open_source(qtbot, win, tmp_path / "blue.mp4")
    mark_source(qtbot, win, 25, None)  # 5 frames left in a 30-frame file
    head.mark_in(0)
    head.mark_out(9)
    press(qtbot, win, COMMA)
    assert "too short" in status_text(win)
    assert otio_text(win) == before
    assert (head.in_point, head.out_point) == (0, 9)  # nothing used: the marks stay


def test_the_source_goes_to_the_patched_tracks_and_an_unpatched_kind_stays_out(win, qtbot, tmp_path) -> None:
    head, session = win.context.playhead, win.context.session
    session.apply(tracks.add_track, "audio")  # A2
    click_header(qtbot, win, "V2", headers.SOURCE)  # picture to V2
    click_header(qtbot, win, "A2", headers.SOURCE)  # sound to A2
    assert win.timeline_view.scene().patched == {"V2", "A2"}
    open_source(qtbot, win, tmp_path / "blue.mp4")
    mark_source(qtbot, win, 0, 4)
    head.move_to(10)
    press(qtbot, win, PERIOD)
    v2 = [(c.name, round(c.source_range.duration.value)) for c in document.track(session.timeline, "V2")]
    assert v2[:2] == [("", 10), ("blue", 5)]
    assert lengths(win, "A2") == [("", 10), ("blue", 5)]
    assert [n for n, _ in lengths(win, "V1")] == ["red", "blue"]  # V1 and A1 untouched
    assert [n for n, _ in lengths(win, "A1")] == ["red", "blue"]
    # clicking the patched A again unpatches the sound: picture only
    click_header(qtbot, win, "A2", headers.SOURCE)
    assert win.timeline_view.scene().patched == {"V2"}
    head.move_to(0)
    press(qtbot, win, PERIOD)
    assert lengths(win, "A2") == [("", 10), ("blue", 5)]
    assert lengths(win, "V2")[0] == ("blue", 5)


def test_a_source_without_sound_puts_no_audio(win, qtbot, tmp_path) -> None:
    silent = mediagen.write_video(tmp_path / "silent.mp4", 20, size=SIZE, color=(40, 200, 40))
    open_source(qtbot, win, silent)
    win.context.playhead.move_to(50)
    press(qtbot, win, COMMA)
    assert lengths(win, "V1")[-1] == ("silent", 20)
    assert [n for n, _ in lengths(win, "A1")] == ["red", "blue"]


def test_a_locked_patched_track_refuses_the_edit(win, qtbot, tmp_path) -> None:
    click_header(qtbot, win, "V1", "locked")
    before = otio_text(win)
    open_source(qtbot, win, tmp_path / "blue.mp4")
    press(qtbot, win, PERIOD)
    assert "locked" in status_text(win)
    assert otio_text(win) == before
