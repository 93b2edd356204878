"""The timeline with real files: drops from the bin and file manager, thumbnails, waveforms, offline."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from editor import mime
from editor.bin.items import State
from editor.main_window import MainWindow
from editor.timeline.hits import row_top
from editor.timeline.painting import OFFLINE, clip_rect
from engine.media.reference import clips_for
from engine.project import bin as media_bin
from engine.project import document, edits
from tests.support.editing import project, shot
from tests.support.mediagen import write_video
from tests.support.timeline_harness import Harness, make_harness

COPY = Qt.DropAction.CopyAction
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def clip_file(tmp_path: Path) -> Path:
    return write_video(tmp_path / "take.mp4", frames=45, size=(64, 36), tone_hz=440.0)


@pytest.fixture
def tl(qtbot, tmp_path, monkeypatch) -> Harness:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    harness = make_harness(qtbot, tmp_path)
    timeline = project()
    edits.append(timeline, {"V1": shot("A", 60, start=30)})
    edits.append(timeline, {"V1": shot("B", 60, start=30)})
    harness.open(timeline)
    return harness


def drag_over_and_drop(
    tl: Harness, data: QMimeData, pos: QPoint, modifiers=Qt.KeyboardModifier.NoModifier
) -> None:
    """Enter, move over and drop as the window system delivers a drag from another widget."""
    at = QPointF(pos)
    QApplication.sendEvent(tl.view, QDragEnterEvent(pos, COPY, data, LEFT, modifiers))
    QApplication.sendEvent(tl.view, QDragMoveEvent(pos, COPY, data, LEFT, modifiers))
    assert tl.view.overlay is not None and tl.view.overlay.ghosts, "no ghost while dragging over"
    drop = QDropEvent(at, COPY, data, LEFT, modifiers)
    QApplication.sendEvent(tl.view, drop)


def layout_names(tl: Harness, track: str) -> list[tuple[str, int, int]]:
    return tl.layout(track)


def test_a_bin_item_dropped_overwrites_picture_and_sound_at_the_mouse(
    tl: Harness, clip_file: Path, qtbot
) -> None:
    before = tl.serialized()
    data = mime.encode([mime.MediaDrag(clip_file)])
    # the ghost shows the file's real length once the background probe is back
    QApplication.sendEvent(
        tl.view, QDragEnterEvent(tl.at(50, "V1"), COPY, data, LEFT, Qt.KeyboardModifier.NoModifier)
    )
    qtbot.waitUntil(lambda: str(clip_file) in tl.view.drops.probed, timeout=10000)
    QApplication.sendEvent(
        tl.view, QDragMoveEvent(tl.at(50, "V1"), COPY, data, LEFT, Qt.KeyboardModifier.NoModifier)
    )
    ghosts = tl.view.overlay.ghosts
    assert {(g.track, g.start, g.end) for g in ghosts} == {("V1", 50, 95), ("A1", 50, 95)}
    QApplication.sendEvent(
        tl.view, QDropEvent(QPointF(tl.at(50, "V1")), COPY, data, LEFT, Qt.KeyboardModifier.NoModifier)
    )
    assert tl.layout("V1") == [("A", 0, 50), ("take", 50, 95), ("B", 95, 120)]
    assert tl.layout("A1") == [("gap", 0, 50), ("take", 50, 95)]
    video = document.track(tl.timeline, "V1")[1]
    audio = document.track(tl.timeline, "A1")[1]
    assert video.metadata["shotline"]["link"] == audio.metadata["shotline"]["link"]
    assert tl.view.overlay is None  # the ghost is gone
    assert tl.context.session.undo_stack.undoText() == "Overwrite"
    tl.undo_redo_restores(before, tl.serialized())


def test_ctrl_drop_inserts_and_pushes_later_clips(tl: Harness, clip_file: Path) -> None:
    data = mime.encode([mime.MediaDrag(clip_file, start=5, frames=20)])
    drag_over_and_drop(tl, data, tl.at(60, "V1"), Qt.KeyboardModifier.ControlModifier)
    assert tl.layout("V1") == [("A", 0, 60), ("take", 60, 80), ("B", 80, 140)]
    clip = document.track(tl.timeline, "V1")[1]
    assert clip.source_range.start_time.value == 5


def test_a_file_from_the_file_manager_drops_onto_the_audio_track_under_the_mouse(
    tl: Harness, clip_file: Path
) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(clip_file))])
    drag_over_and_drop(tl, data, tl.at(130, "A2"))
    assert tl.layout("A2") == [("gap", 0, 130), ("take", 130, 175)]
    assert tl.layout("V1")[-1] == ("take", 130, 175)  # its picture goes to V1


def test_a_broken_file_dropped_says_so_and_changes_nothing(tl: Harness, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    messages: list[str] = []
    tl.context.status.message.connect(lambda text, _ms: messages.append(text))
    before = tl.serialized()
    drag_over_and_drop(tl, mime.encode([mime.MediaDrag(broken)]), tl.at(10, "V1"))
    assert tl.serialized() == before
    assert messages and "broken.mp4" in messages[-1]


def test_thumbnails_and_waveforms_arrive_in_the_background_and_are_drawn(
    qtbot, tmp_path, monkeypatch, clip_file
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = clips_for(clip_file, 30.0)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)
    tl.view.repaint()  # the first paint only asks
    previews = tl.view.previews
    qtbot.waitUntil(lambda: previews.peaks(str(clip_file)) is not None, timeout=20000)
    qtbot.waitUntil(lambda: any(k[0] == "thumb" for k in previews._images), timeout=20000)
    image = tl.view.grab().toImage()
    row_v, row_a = tl.view.layout.row("V1"), tl.view.layout.row("A1")
    rect = clip_rect(row_v.boxes[0], row_v, tl.view.geometry_)
    # the picture of frame 0 (index frames are mostly dark with a light code) replaces the clip colour
    body = [
        image.pixelColor(round(rect.left()) + 6 + dx, round(rect.bottom()) - 6).name() for dx in range(10)
    ]
    assert "#4a6fa5" not in body
    a_rect = clip_rect(row_a.boxes[0], row_a, tl.view.geometry_)
    middle = round(a_rect.top() + 15 + (a_rect.height() - 16) / 2)
    column = [image.pixelColor(round(a_rect.center().x()), y).name() for y in range(middle - 6, middle + 6)]
    assert "#bfe8d2" in column  # the waveform is drawn across the middle of the lane


def test_missing_media_is_drawn_as_offline(tl: Harness) -> None:
    image = tl.view.grab().toImage()
    row = tl.view.layout.row("V1")
    assert row.boxes[0].offline  # /media/A.mp4 does not exist
    rect = clip_rect(row.boxes[0], row, tl.view.geometry_)
    colours = {
        image.pixelColor(round(rect.left()) + 30 + dx, round(rect.bottom()) - 8).name() for dx in range(12)
    }
    assert OFFLINE.name() in colours


def test_takes_and_generated_clips_are_labelled(tl: Harness) -> None:
    from engine.project.clips import media_reference
    from engine.project.takes import add_take
    from engine.project.times import tr

    clip = document.track(tl.timeline, "V1")[0]
    generated = media_reference("/media/gen.mp4", tr(0, 300, 30.0))
    generated.metadata["shotline"] = {"generated": True}
    tl.context.session.apply(add_take, document.clip_id(clip), generated)
    box = tl.view.layout.row("V1").boxes[0]
    assert box.take == "take 2/2" and box.generated == "AI"
    assert isinstance(clip, otio.schema.Clip)
    storyboard = media_reference("/media/panel.mp4", tr(0, 300, 30.0))
    storyboard.metadata["shotline"] = {"generated": True, "task": "video.generate", "backend": "animatic"}
    tl.context.session.apply(add_take, document.clip_id(clip), storyboard)
    box = tl.view.layout.row("V1").boxes[0]
    assert box.take == "take 3/3" and box.generated == "ANIMATIC"  # a storyboard is not called AI


def test_a_file_from_the_file_manager_also_joins_the_bin_in_the_same_undo_step(
    tl: Harness, clip_file: Path
) -> None:
    before = tl.serialized()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(clip_file))])
    drag_over_and_drop(tl, data, tl.at(130, "V1"))
    assert tl.layout("V1")[-1] == ("take", 130, 175)
    assert media_bin.entries(tl.timeline) == [clip_file.resolve()]
    tl.undo_redo_restores(before, tl.serialized())  # clip and bin entry come and go together
    # dropped again: placed again, not listed twice
    drag_over_and_drop(tl, data, tl.at(0, "V2"))
    assert tl.layout("V2")[:1] == [("take", 0, 45)]
    assert media_bin.entries(tl.timeline) == [clip_file.resolve()]


def test_a_bin_item_dropped_is_not_imported_again(tl: Harness, clip_file: Path) -> None:
    drag_over_and_drop(tl, mime.encode([mime.MediaDrag(clip_file)]), tl.at(130, "V1"))
    assert tl.layout("V1")[-1] == ("take", 130, 175)
    assert media_bin.entries(tl.timeline) == []  # a bin item's entry is the bin's business


def test_the_bin_probes_a_file_dropped_on_the_timeline_off_the_gui_thread(
    qtbot, tmp_path, monkeypatch
) -> None:

    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    path = write_video(tmp_path / "dropped.mp4", frames=20, size=(64, 36))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    view = window.timeline_view
    row = view.layout.row("V1")
    assert row is not None
    pos = QPoint(round(view.geometry_.x_of(0)) + 5, round(row_top(row, view.geometry_) + row.height / 2))
    QApplication.sendEvent(view, QDragEnterEvent(pos, COPY, data, LEFT, Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(view, QDropEvent(QPointF(pos), COPY, data, LEFT, Qt.KeyboardModifier.NoModifier))
    item = window.bin.model.item(path.resolve())
    assert item is not None  # listed at once, "Probing…"
    qtbot.waitUntil(lambda: window.bin.model.item(path.resolve()).state == State.READY, timeout=10000)
    assert window.bin.model.item(path.resolve()).info.video is not None
    window.viewer.shutdown()
