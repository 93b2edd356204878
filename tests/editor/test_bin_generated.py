"""Generated media in the bin keep how they were made: the bin item, and every clip made from it."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from editor.bin.items import State
from editor.bin.model import NAME, STATUS
from editor.main_window import MainWindow
from editor.timeline.hits import row_top
from engine.generate.video.new_shot import named_result_file
from engine.generate.video.timeline import shot_defaults
from engine.jobs.cache import ResultCache
from engine.media.reference import clips_for
from engine.playback.audio_output import AudioUnavailable
from engine.project import document, provenance, takes
from engine.project.document import new_project
from engine.project.provenance import provenance_of
from engine.results import MANIFEST
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)
WAIT = 20000
COPY = Qt.DropAction.CopyAction
LEFT = Qt.MouseButton.LeftButton


def cached_result(
    cache_dir: Path, key: str, prompt: str, backend: str = "animatic", name: str = "Storm", frames: int = 12
) -> Path:
    """A finished video.generate result in a real cache entry, listed under the shot's name as the bin
    lists it (a hard link beside the engine's own file)."""
    cache = ResultCache(cache_dir)
    work = cache.workdir()
    video = write_video(work / f"{backend}.mp4", frames=frames, rate=Fraction(24), size=SIZE)
    made = {
        "task": "video.generate",
        "backend": backend,
        "model_id": "" if backend == "animatic" else "Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
        "prompt": prompt,
        "negative_prompt": "blurry",
        "seed": 4242,
        "steps": 30,
        "frames": frames,
        "rate": "24/1",
        "width": SIZE[0],
        "height": SIZE[1],
    }
    spec = {"task": "video.generate", "backend": backend, "params": {"prompt": prompt, "frames": frames}}
    result = cache.store(key, work, [video], made, spec)
    return named_result_file(result.to_json(), name)


# the engine: recognising a result ---------------------------------------------------------------------


def test_a_result_is_recognised_under_its_own_name_and_the_bins_name_and_nothing_else_is(tmp_path) -> None:
    named = cached_result(tmp_path / "cache", "k1", "A storm over the bay")
    assert named.name == "Storm.mp4"
    for path in (named, named.with_name("animatic.mp4")):
        made = provenance_of(path)
        assert made is not None
        assert (made.prompt, made.seed, made.backend) == ("A storm over the bay", 4242, "animatic")
    plain = write_video(tmp_path / "footage.mp4", frames=5, size=SIZE)
    assert provenance_of(plain) is None
    stranger = named.with_name("stranger.mp4")  # a file copied into the entry is not a result
    stranger.write_bytes(plain.read_bytes())
    assert provenance_of(stranger) is None
    (named.parent / MANIFEST).write_text("{ not json")
    assert provenance_of(named) is None  # a damaged manifest: plain media, never an error


def test_clips_made_from_a_result_carry_its_provenance_so_regenerate_starts_from_it(tmp_path) -> None:
    named = cached_result(tmp_path / "cache", "k1", "A storm over the bay", backend="wan")
    timeline = new_project("film", rate=RATE, size=SIZE)
    [clip] = clips_for(named, RATE)
    document.track(timeline, "V1").append(clip)
    made = provenance.read(clip.media_reference)
    assert made is not None and made.model_id == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
    defaults = shot_defaults(timeline, document.clip_id(clip))
    assert defaults.backend == "wan"
    assert defaults.values["prompt"] == "A storm over the bay" and defaults.values["seed"] == 4242
    assert [t.provenance.prompt for t in takes.takes(clip)] == ["A storm over the bay"]


# the editor ---------------------------------------------------------------------------------------------


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no device"))
    footage = write_video(tmp_path / "footage.mp4", frames=48, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    [first] = clips_for(footage, RATE, 20, 0)
    first.name = "Harbour"
    document.track(timeline, "V1").append(first)
    window.show_timeline(timeline, None)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    yield window
    qtbot.waitUntil(lambda: not window.bin.busy, timeout=WAIT)
    window.viewer.shutdown()


def settled(window: MainWindow) -> bool:
    return not window.bin.busy and all(i.state is not State.PROBING for i in window.bin.model.items)


def imported(qtbot, window: MainWindow, path: Path) -> None:
    window.bin.import_files([path])
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)


def drop_on_timeline(window: MainWindow, data, frame: int, track: str = "V1") -> None:
    view = window.timeline_view
    row = view.layout.row(track)
    pos = QPointF(view.geometry_.x_of(frame), row_top(row, view.geometry_) + row.height / 2).toPoint()
    none = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view, QDragEnterEvent(pos, COPY, data, LEFT, none))
    QApplication.sendEvent(view, QDragMoveEvent(pos, COPY, data, LEFT, none))
    QApplication.sendEvent(view, QDropEvent(QPointF(pos), COPY, data, LEFT, none))


def clip_at(window: MainWindow, track: str, index: int):
    found = document.track(window.context.session.timeline, track)
    return [c for c in found if hasattr(c, "media_reference")][index]


def regenerate_dialog_shows(qtbot, window: MainWindow, monkeypatch) -> dict[str, Any]:
    """Ctrl+Shift+G on the selected clip; what the Regenerate dialog is prefilled with (then Cancel)."""
    monkeypatch.setattr(window.engine, "start", lambda *a, **k: None)  # the dialog is all we look at
    dialog, seen = window.generation.dialog, {}

    def look() -> None:
        seen["prompt"] = dialog.prompt.toPlainText()
        seen["seed"] = dialog.seed.value()
        dialog.reject()

    QTimer.singleShot(0, look)
    window.context.actions.action("clip.regenerate").trigger()
    return seen


def test_a_generated_bin_item_is_badged_and_the_clip_dropped_from_it_keeps_its_provenance(
    win, qtbot, tmp_path, monkeypatch
) -> None:
    named = cached_result(tmp_path / "shotline-cache", "k1", "A storm over the bay")
    plain = write_video(tmp_path / "plain.mp4", frames=10, size=SIZE)
    imported(qtbot, win, named)
    imported(qtbot, win, plain)
    model = win.bin.model
    item = model.item(named)
    assert item.made is not None and item.animatic
    row = model.row_of(named)
    assert model.index(row, STATUS).data() == "Generated: animatic (storyboard, no AI model)"
    assert "Prompt: A storm over the bay" in model.index(row, NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert model.item(plain).made is None and model.index(model.row_of(plain), STATUS).data() == ""
    badge = model.index(row, NAME).data(Qt.ItemDataRole.DecorationRole).pixmap(128, 72).toImage()
    assert badge.pixelColor(6, 6).name() == "#c28b2c"  # the timeline's amber tag, in the corner

    win.bin.select([named])
    data = model.mimeData(win.bin.view.selectionModel().selectedIndexes())
    drop_on_timeline(win, data, 30)
    clip = clip_at(win, "V1", 1)
    assert clip.name == "Storm" and win.context.session.undo_stack.undoText() == "Overwrite"
    made = provenance.read(clip.media_reference)
    assert made is not None and (made.prompt, made.seed) == ("A storm over the bay", 4242)
    qtbot.waitUntil(lambda: win.timeline_view.layout.row("V1").boxes[-1].name == "Storm")
    assert win.timeline_view.layout.row("V1").boxes[-1].generated  # the "AI" badge on the clip
    assert provenance.read(clip_at(win, "V1", 0).media_reference) is None  # the footage stays footage

    win.context.selection.set([document.clip_id(clip)])
    seen = regenerate_dialog_shows(qtbot, win, monkeypatch)
    assert seen == {"prompt": "A storm over the bay", "seed": 4242}


def test_a_generated_item_edited_in_from_the_source_viewer_keeps_its_provenance(win, qtbot, tmp_path) -> None:
    named = cached_result(tmp_path / "shotline-cache", "k2", "Gulls over the pier", backend="wan")
    imported(qtbot, win, named)
    win.bin.select([named])
    qtbot.keyClick(win.bin.view, Qt.Key.Key_Return)  # Enter opens the item in the source viewer
    qtbot.waitUntil(lambda: win.viewer.source_path == named and win.viewer.mode == "source", timeout=WAIT)
    head = win.viewer.source_playhead
    for frame, key in ((2, Qt.Key.Key_I), (9, Qt.Key.Key_O)):
        head.move_to(frame)
        qtbot.keyClick(win.viewer.picture, key)
    win.context.playhead.move_to(20)
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_Comma)  # insert
    clip = clip_at(win, "V1", 1)
    shown = clip.source_range
    assert (clip.name, shown.start_time.value, shown.duration.value) == ("Storm", 2, 8)
    made = provenance.read(clip.media_reference)
    assert made is not None and (made.backend, made.prompt) == ("wan", "Gulls over the pier")
    assert win.bin.model.index(win.bin.model.row_of(named), STATUS).data() == (
        "Generated: wan · Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
    )
