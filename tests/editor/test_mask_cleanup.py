"""Mask housekeeping: versions nothing can reach go on save and with Clean Cache; Save As takes them all."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from editor.masks.store_cleanup import reachable_versions
from engine.masks.sequence import MaskSequence
from engine.playback.source import placements, source_timeline
from engine.project import document, edits
from engine.project.clips import media_reference
from engine.project.document import new_project
from engine.project.masks import mask_of, remove_versions, unused_versions, versions_used
from engine.project.times import tr
from tests.editor.test_mask_mode import (
    SIZE,
    drag,
    enter_mask_mode,
    open_window,
    picture_clip,
    shown_mask,
    tool,
)
from tests.support.maskmedia import write_moving_square

RATE = 30.0


def versions_on_disk(root: Path) -> set[str]:
    return {f"{c.name}/{v.name}" for c in root.iterdir() if c.is_dir() for v in c.iterdir() if v.is_dir()}


def test_only_versions_that_no_clip_or_take_names_are_offered_and_removed(tmp_path) -> None:
    root = tmp_path / "film.masks"
    for name in ("c1/m-used", "c1/m-stale", "c2/m-inpainted", "c3/m-gone", ".trash/m-x", "c1/keepme"):
        MaskSequence((8, 8)).save(root / name)
    (root / "c1" / "notes.txt").write_text("not ours")
    timeline = new_project("t", rate=RATE, size=(8, 8))
    square = write_moving_square(tmp_path / "s.mp4", 4, (32, 32))
    clip = placements(source_timeline(square, RATE, (32, 32)), 0, 4)["V1"]
    document.shotline_meta(clip)["mask"] = "c1/m-used"
    take = media_reference("file:///x.mp4", tr(0, 4, RATE))
    inpainted = str(root / "c2" / "m-inpainted")
    take.metadata["shotline"] = {"generated": True, "task": "video.inpaint", "mask": inpainted}
    clip.set_media_references({"take-1": clip.media_reference.clone(), "take-2": take}, "take-1")
    edits.append(timeline, {"V1": clip})
    keep = versions_used(document.tracks(timeline), root)
    assert keep == {"c1/m-used", "c2/m-inpainted"}
    found = unused_versions(root, keep)
    assert sorted(e.folder.relative_to(root).as_posix() for e in found) == ["c1/m-stale", "c3/m-gone"]
    assert all(e.size > 0 for e in found)
    assert remove_versions(found) == sum(e.size for e in found)
    assert versions_on_disk(root) == {"c1/m-used", "c1/keepme", "c2/m-inpainted", ".trash/m-x"}
    assert not (root / "c3").exists() and (root / "c1" / "notes.txt").is_file()


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    shot = write_moving_square(tmp_path / "square.mp4", 20, SIZE)
    timeline = new_project("masks", rate=RATE, size=SIZE)
    edits.append(timeline, placements(source_timeline(shot, RATE, SIZE), 0, 20))
    win = open_window(qtbot, timeline)
    yield win
    win.masks.shutdown()
    win.viewer.shutdown()


def paint(qtbot, win, x: int, y: int) -> str:
    drag(qtbot, win, [(x, y), (x + 10, y + 10)])
    return mask_of(document.find_clip(win.timeline, picture_clip(win))[1])


def test_saving_keeps_what_undo_can_reach_and_save_as_takes_every_reachable_version(qtbot, window, tmp_path):
    win, session = window, window.context.session
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    first = paint(qtbot, win, 5, 5)  # painted before the project has a file: in the data folder
    project = tmp_path / "film.otio"
    assert win.project_files.write(project)
    masks = tmp_path / "film.masks"
    win.masks.store.flush()
    assert versions_on_disk(masks) == {first}

    second = paint(qtbot, win, 40, 5)
    win.context.actions.action("edit.undo").trigger()
    assert mask_of(document.find_clip(win.timeline, picture_clip(win))[1]) == first
    third = paint(qtbot, win, 5, 40)  # a new stroke after undo: `second` can never come back
    assert win.project_files.write(project)
    win.masks.store.flush()
    assert versions_on_disk(masks) == {first, third}
    assert reachable_versions(session, masks) == {first, third}

    ident = picture_clip(win)
    session.apply(edits.lift, [ident])  # the clip is gone, but undo can bring it back with its mask
    again = tmp_path / "copy.otio"
    assert win.project_files.write(again)
    win.masks.store.flush()
    assert versions_on_disk(tmp_path / "copy.masks") == {first, third}
    win.context.actions.action("edit.undo").trigger()
    win.context.selection.set([ident])
    qtbot.waitUntil(lambda: win.masks.version == third, timeout=10000)
    assert shown_mask(win, 0)[45, 10] == 255
    assert second not in versions_on_disk(masks)


def test_clean_cache_offers_orphan_mask_versions_and_removes_them(qtbot, window, tmp_path):
    win = window
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    used = paint(qtbot, win, 5, 5)
    assert win.project_files.write(tmp_path / "film.otio")
    win.masks.store.flush()
    masks = tmp_path / "film.masks"
    shutil.copytree(masks / used, masks / used.replace("/m-", "/m-orphan"))  # left by another session
    shutil.copytree(masks / used, masks / "deleted-clip" / "m-old")
    asked: list[str] = []

    def confirm(question, buttons):
        asked.append(question)
        return QMessageBox.StandardButton.Yes

    cleaner = win.cache_cleaner
    cleaner.confirm = confirm
    win.context.actions.action("file.clean_cache").trigger()
    qtbot.waitUntil(lambda: not cleaner.busy, timeout=20000)
    assert len(asked) == 1 and "2 painted mask versions" in asked[0] and str(masks) in asked[0]
    assert versions_on_disk(masks) == {used}
    assert "Freed" in win.statusBar().currentMessage()
    assert np.count_nonzero(shown_mask(win, 0)) > 0  # the clip's own mask is untouched
