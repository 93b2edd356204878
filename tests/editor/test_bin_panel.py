"""The media bin as a user meets it: import by menu, folder and drop; broken, missing and relinked files."""

from __future__ import annotations

import shutil
import threading
import warnings
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from editor import mime
from editor.bin import icons
from editor.bin.items import State
from editor.bin.model import DURATION, FORMAT, NAME, STATUS
from editor.main_window import MainWindow
from engine.media.reference import clips_for
from engine.project import bin as media_bin
from engine.project import edits
from engine.project.persistence import load, save
from tests.support.mediagen import write_audio, write_image, write_video

WAIT = 20000


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    clip = write_video(folder / "clip.mp4", frames=30, rate=Fraction(30), size=(64, 36), tone_hz=440)
    truncated = folder / "truncated.mp4"
    truncated.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    (folder / "notes.mp4").write_text("not a video at all\n")
    (folder / "empty.mp4").write_bytes(b"")
    return {
        "clip": clip,
        "tone": write_audio(folder / "tone.wav", seconds=1.0),
        "still": write_image(folder / "still.png", size=(64, 36)),
        "truncated": truncated,
        "notes": folder / "notes.mp4",
        "empty": folder / "empty.mp4",
    }


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    win.show()
    yield win
    # closed here rather than by qtbot, after the probes still running have reported back
    qtbot.waitUntil(lambda: not win.bin.busy, timeout=WAIT)
    win.close()
    win.deleteLater()


def row(window: MainWindow, path: Path) -> dict[str, str]:
    model = window.bin.model
    r = model.row_of(path)
    assert r >= 0, f"{path.name} is not in the bin"
    return {name: model.index(r, column).data() for name, column in
            (("name", NAME), ("duration", DURATION), ("format", FORMAT), ("status", STATUS))}  # fmt: skip


def state(window: MainWindow, path: Path) -> State | None:
    item = window.bin.model.item(path)
    return item.state if item else None


def settled(window: MainWindow) -> bool:
    return not window.bin.busy and all(i.state is not State.PROBING for i in window.bin.model.items)


def test_file_import_lists_files_at_once_and_fills_in_name_duration_and_format(
    window, qtbot, media, monkeypatch
) -> None:
    picked = [str(media["clip"]), str(media["tone"]), str(media["still"])]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (picked, "Media files"))
    action = window.context.actions.action("file.import")
    assert action.shortcut().toString() == "Ctrl+I"
    with qtbot.waitSignal(window.context.media.imported) as imported:
        action.trigger()
    assert imported.args[0] == [media["clip"], media["tone"], media["still"]]
    assert [row(window, Path(p))["name"] for p in picked] == ["clip.mp4", "tone.wav", "still.png"]
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    assert row(window, media["clip"]) == {
        "name": "clip.mp4",
        "duration": "00:00:01:00",
        "format": "64x36 · 30 fps · 48000 Hz stereo",
        "status": "",
    }
    assert row(window, media["tone"])["duration"] == "00:00:01:00"
    assert row(window, media["tone"])["format"] == "48000 Hz stereo"
    still = row(window, media["still"])
    assert still["duration"] == "Still" and still["format"] == "64x36"
    # a picture for the video, a waveform for the sound
    for path in (media["clip"], media["tone"], media["still"]):
        assert window.bin.model.item(path).icon is not None
    assert window.bin.model.item(media["tone"]).icon.pixmap(128, 72).width() == 128
    assert window.statusBar().currentMessage() == "Imported 3 files"
    assert media_bin.entries(window.timeline) == [media["clip"], media["tone"], media["still"]]
    # the import is one undo step, named in the Edit menu
    assert window.context.actions.action("edit.undo").text() == "&Undo Import 3 Files"


def test_import_returns_before_the_probe_finishes(window, qtbot, media, monkeypatch) -> None:
    release = threading.Event()
    from editor.bin import examine

    real_probe = examine.probe

    def slow_probe(path):
        release.wait(WAIT / 1000)
        return real_probe(path)

    monkeypatch.setattr(examine, "probe", slow_probe)
    try:
        added = window.bin.import_files([media["clip"]])
        assert added == [media["clip"]]
        assert state(window, media["clip"]) is State.PROBING
        assert row(window, media["clip"])["status"] == "Probing…"
        assert window.bin.busy
    finally:
        release.set()
    qtbot.waitUntil(lambda: state(window, media["clip"]) is State.READY, timeout=WAIT)
    assert row(window, media["clip"])["status"] == ""


def test_broken_files_show_the_engines_message_and_leave_the_rest_alone(window, qtbot, media) -> None:
    broken = [media["notes"], media["empty"], media["truncated"]]
    window.bin.import_files([*broken, media["tone"]])
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    assert state(window, media["tone"]) is State.READY
    model = window.bin.model
    for path in broken:
        assert state(window, path) is State.ERROR, path.name
        r = model.row_of(path)
        message = model.index(r, STATUS).data()
        assert message.startswith(path.name) and "\n" not in message
        assert message in model.index(r, NAME).data(Qt.ItemDataRole.ToolTipRole)
        assert model.index(r, NAME).data(Qt.ItemDataRole.ForegroundRole) == icons.ERROR_COLOR
        # it cannot be dragged to the timeline
        assert not model.flags(model.index(r, NAME)) & Qt.ItemFlag.ItemIsDragEnabled
    assert row(window, media["empty"])["status"] == "empty.mp4 is empty"
    assert "not a media file" in row(window, media["notes"])["status"]


def test_importing_a_file_twice_selects_the_first_import(window, qtbot, media) -> None:
    window.bin.import_files([media["clip"], media["tone"]])
    window.bin.details.clearSelection()
    undo_steps = window.context.session.undo_stack.count()
    assert window.bin.import_files([media["tone"]]) == []
    assert window.bin.model.rowCount() == 2 and window.context.session.undo_stack.count() == undo_steps
    assert [window.bin.model.item_at(i).path for i in window.bin.details.selectionModel().selectedRows()] == [
        media["tone"]
    ]
    assert window.statusBar().currentMessage() == "Already in the bin: tone.wav"


def test_import_folder_takes_media_recursively_and_skips_hidden_files(
    window, qtbot, media, tmp_path, monkeypatch
) -> None:
    folder = tmp_path / "shoot"
    (folder / "day 2").mkdir(parents=True)
    (folder / ".trash").mkdir()
    shutil.copy(media["clip"], folder / "a.mp4")
    shutil.copy(media["tone"], folder / "day 2" / "b.wav")
    shutil.copy(media["clip"], folder / ".trash" / "old.mp4")
    shutil.copy(media["clip"], folder / ".hidden.mp4")
    (folder / "readme.txt").write_text("notes")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.context.actions.action("file.import_folder").trigger()
    qtbot.waitUntil(lambda: window.bin.model.rowCount() == 2, timeout=WAIT)
    assert [i.path for i in window.bin.model.items] == [folder / "a.mp4", folder / "day 2" / "b.wav"]
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    assert row(window, folder / "day 2" / "b.wav")["format"] == "48000 Hz stereo"


def drop_urls(view, paths: list[Path]) -> bool:
    """A file manager's drag entering the view, then dropped; whether the view accepted it.

    The handlers are called directly: Qt only delivers a drop to the target of
    a real drag in progress, which a headless test cannot start.
    """
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = QPointF(view.viewport().rect().center())
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # PySide flags Qt 6's only QDragEnterEvent constructor as deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(where.toPoint(), Qt.DropAction.CopyAction, data, buttons, keys)
    view.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(where, Qt.DropAction.CopyAction, data, buttons, keys)
    view.dropEvent(drop)
    return drop.isAccepted()


def test_files_dropped_from_a_file_manager_are_imported_in_either_view(
    window, qtbot, media, tmp_path
) -> None:
    assert drop_urls(window.bin.details, [media["clip"], media["still"]])
    assert [i.path for i in window.bin.model.items] == [media["clip"], media["still"]]
    window.bin.view_buttons.button(1).click()  # the icon grid
    assert window.bin.view is window.bin.icons
    folder = tmp_path / "dropped"
    folder.mkdir()
    shutil.copy(media["tone"], folder / "t.wav")
    assert drop_urls(window.bin.icons, [folder])
    qtbot.waitUntil(lambda: window.bin.model.rowCount() == 3, timeout=WAIT)
    assert window.bin.model.items[2].path == folder / "t.wav"
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)


def test_dragging_items_out_carries_their_paths_for_the_timeline(window, qtbot, media) -> None:
    window.bin.import_files([media["clip"], media["tone"], media["notes"]])
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    view = window.bin.details
    view.selectAll()
    data = window.bin.model.mimeData(view.selectionModel().selectedIndexes())
    assert [d.path for d in mime.decode(data)] == [media["clip"], media["tone"]]  # not the broken one
    assert not data.urls()  # a file manager gets nothing to copy or move


def test_enter_and_double_click_open_the_item_in_the_source_viewer(window, qtbot, media) -> None:
    window.bin.import_files([media["clip"], media["tone"]])
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    view = window.bin.details
    view.setFocus()
    window.bin.select([media["tone"]])
    with qtbot.waitSignal(window.context.media.sourceRequested) as requested:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert requested.args == [media["tone"]]
    rect = view.visualRect(window.bin.model.index(0, NAME))
    with qtbot.waitSignal(window.context.media.sourceRequested) as requested:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert requested.args == [media["clip"]]


def timeline_with(window: MainWindow, path: Path) -> None:
    """A project whose timeline uses `path` twice (picture and sound) without importing it."""
    timeline = window.timeline
    picture, sound = clips_for(path, window.context.session.rate)
    edits.append(timeline, {"V1": picture, "A1": sound})
    window.show_timeline(timeline, None)


def test_delete_removes_the_item_from_the_bin_only_and_undo_brings_it_back(
    window, qtbot, media, tmp_path
) -> None:
    used = shutil.copy(media["clip"], tmp_path / "used.mp4")
    timeline_with(window, Path(used))
    window.bin.import_files([media["tone"]])
    assert [i.path for i in window.bin.model.items] == [media["tone"], Path(used)]
    assert row(window, Path(used))["status"] in ("Probing…", "On the timeline")
    view = window.bin.details
    view.setFocus()
    window.bin.select([media["tone"]])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [i.path for i in window.bin.model.items] == [Path(used)]
    assert len(list(window.timeline.find_clips())) == 2
    window.bin.select([Path(used)])
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # timeline media stay while clips use them
    assert window.bin.model.rowCount() == 1 and "used on the timeline" in window.statusBar().currentMessage()
    window.context.actions.action("edit.undo").trigger()
    assert [i.path for i in window.bin.model.items] == [media["tone"], Path(used)]
    window.context.actions.action("edit.undo").trigger()  # the import itself
    assert [i.path for i in window.bin.model.items] == [Path(used)]
    window.context.actions.action("edit.redo").trigger()
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    assert state(window, media["tone"]) is State.READY


def test_a_missing_file_is_marked_offline_and_relinking_repoints_every_clip_in_one_step(
    window, qtbot, media, tmp_path, monkeypatch
) -> None:
    original = Path(shutil.copy(media["clip"], tmp_path / "interview.mp4"))
    timeline_with(window, original)
    window.bin.import_files([original])  # already listed because the timeline uses it
    window.bin.import_files([media["tone"]])
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    assert state(window, original) is State.READY
    moved = tmp_path / "moved" / "interview.mp4"
    moved.parent.mkdir()
    original.rename(moved)
    # the user comes back to the editor from the file manager
    QGuiApplication.instance().applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    qtbot.waitUntil(lambda: state(window, original) is State.OFFLINE, timeout=WAIT)
    assert row(window, original)["status"].startswith("Offline")
    model = window.bin.model
    colour = model.index(model.row_of(original), NAME).data(Qt.ItemDataRole.ForegroundRole)
    assert colour == icons.OFFLINE_COLOR
    assert state(window, media["tone"]) is State.READY

    steps = window.context.session.undo_stack.count()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(moved), ""))
    window.bin.select([original])
    window.context.actions.action("clip.relink").trigger()
    qtbot.waitUntil(lambda: model.item(moved) is not None, timeout=WAIT)
    assert {c.media_reference.target_url for c in window.timeline.find_clips()} == {str(moved)}
    assert model.item(original) is None and state(window, moved) is State.READY
    assert window.context.session.undo_stack.count() == steps + 1
    window.context.actions.action("edit.undo").trigger()
    assert {c.media_reference.target_url for c in window.timeline.find_clips()} == {str(original)}
    assert model.item(original) is not None


def test_relinking_to_a_broken_file_is_refused_with_its_message(window, qtbot, media, monkeypatch) -> None:
    timeline_with(window, media["clip"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(media["notes"]), ""))
    window.bin.relink(media["clip"])
    qtbot.waitUntil(lambda: "Cannot relink" in window.statusBar().currentMessage(), timeout=WAIT)
    assert "not a media file" in window.statusBar().currentMessage()
    assert {c.media_reference.target_url for c in window.timeline.find_clips()} == {str(media["clip"])}


def test_the_bin_is_saved_with_the_project_and_comes_back_on_reopen(window, qtbot, media, tmp_path) -> None:
    window.bin.import_files([media["clip"], media["notes"], media["tone"]])
    path = tmp_path / "film.otio"
    save(window.timeline, path)
    assert media_bin.entries(load(path).timeline) == [media["clip"], media["notes"], media["tone"]]
    window.show_timeline(window.timeline.__class__(name="other"), None)
    assert window.bin.model.rowCount() == 0
    assert window.open_project(path)
    assert [i.path for i in window.bin.model.items] == [media["clip"], media["notes"], media["tone"]]
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT)
    assert [i.state for i in window.bin.model.items] == [State.READY, State.ERROR, State.READY]


def test_reopening_with_a_file_gone_shows_it_offline_and_the_clip_menu_relinks_the_selected_clip(
    window, qtbot, media, tmp_path, monkeypatch
) -> None:
    used = Path(shutil.copy(media["clip"], tmp_path / "shot.mp4"))
    timeline_with(window, used)
    path = tmp_path / "film.otio"
    save(window.timeline, path)
    backup = tmp_path / "backup"
    backup.mkdir()
    used.rename(backup / "shot.mp4")
    monkeypatch.setattr("editor.project.file_actions.QMessageBox.information", lambda *a: None)
    assert window.open_project(path)
    qtbot.waitUntil(lambda: state(window, used) is State.OFFLINE, timeout=WAIT)
    # the user picks a clip on the timeline, then Clip > Relink Media…
    window.bin.details.clearSelection()
    picture = next(iter(window.timeline.find_clips()))
    window.context.selection.set([picture.metadata["shotline"]["id"]])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup / "shot.mp4"), ""))
    window.context.actions.action("clip.relink").trigger()
    qtbot.waitUntil(lambda: state(window, backup / "shot.mp4") is State.READY, timeout=WAIT)
    assert {c.media_reference.target_url for c in window.timeline.find_clips()} == {str(backup / "shot.mp4")}
    assert "Relinked shot.mp4" in window.statusBar().currentMessage()
