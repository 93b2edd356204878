"""The bin as part of the document: imports undo, relinking fixes every clip, saving keeps it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.errors import EditError
from engine.project import bin as media_bin
from engine.project import edits
from engine.project.persistence import load, save
from tests.support.editing import av_shot, edit_and_check_undo, project


def test_importing_adds_each_file_once_and_undoes_exactly(tmp_path: Path) -> None:
    timeline = project()
    a, b = tmp_path / "a.mp4", tmp_path / "b.wav"
    change = edit_and_check_undo(timeline, lambda: media_bin.add_media(timeline, [a, b, a]))
    assert change.description == "Import 2 Files" and change.result == [a, b]
    assert media_bin.entries(timeline) == [a, b]
    again = media_bin.add_media(timeline, [b, tmp_path / "c.png"])
    assert again.result == [tmp_path / "c.png"] and again.description == "Import c.png"
    with pytest.raises(EditError, match="already in the bin"):
        media_bin.add_media(timeline, [a])
    change = edit_and_check_undo(timeline, lambda: media_bin.remove_media(timeline, [a]))
    assert change.description == "Remove a.mp4 from Bin"
    assert media_bin.entries(timeline) == [b, tmp_path / "c.png"]


def test_the_bin_lists_timeline_media_after_the_imported_files(tmp_path: Path) -> None:
    timeline = project()
    media_bin.add_media(timeline, [tmp_path / "mine.mp4", "/media/B.mp4"])
    for name in ("A", "B", "A"):
        picture, sound = av_shot(name, 10)
        edits.append(timeline, {"V1": picture, "A1": sound})
    assert media_bin.media(timeline) == [
        (tmp_path / "mine.mp4", True),
        (Path("/media/B.mp4"), True),
        (Path("/media/A.mp4"), False),
    ]


def test_relinking_moves_the_bin_item_and_every_clip_as_one_step(tmp_path: Path) -> None:
    timeline = project()
    for name in ("A", "B"):
        picture, sound = av_shot(name, 10)
        edits.append(timeline, {"V1": picture, "A1": sound})
    media_bin.add_media(timeline, ["/media/A.mp4"])
    found = tmp_path / "A moved.mp4"
    found.write_bytes(b"stand-in")
    change = edit_and_check_undo(timeline, lambda: media_bin.relink_media(timeline, "/media/A.mp4", found))
    assert change.result == 2 and change.description == "Relink A.mp4"
    urls = sorted(c.media_reference.target_url for c in timeline.find_clips())
    assert urls == sorted([str(found), str(found), "/media/B.mp4", "/media/B.mp4"])
    assert media_bin.entries(timeline) == [found]
    with pytest.raises(EditError, match="is not a file"):
        media_bin.relink_media(timeline, found, tmp_path / "nowhere.mp4")
    with pytest.raises(EditError, match="Nothing in the project uses"):
        media_bin.relink_media(timeline, "/media/C.mp4", found)


def test_saving_writes_bin_paths_as_clip_media_are_written_and_reopening_reads_them(tmp_path: Path) -> None:
    folder = tmp_path / "film"
    (folder / "media").mkdir(parents=True)
    inside, outside = folder / "media" / "shot 1.mp4", tmp_path / "elsewhere" / "take.mov"
    timeline = project()
    media_bin.add_media(timeline, [inside, outside])
    path = folder / "cut.otio"
    save(timeline, path)
    stored = json.loads(path.read_text())["metadata"]["shotline"]["bin"]
    assert stored == [{"path": "media/shot 1.mp4"}, {"path": outside.as_uri()}]
    assert media_bin.entries(timeline) == [inside, outside]  # the open document keeps absolute paths
    assert media_bin.entries(load(path).timeline) == [inside, outside]


def test_a_hand_damaged_bin_never_stops_a_project_from_opening(tmp_path: Path) -> None:
    timeline = project()
    path = tmp_path / "p.otio"
    save(timeline, path)
    data = json.loads(path.read_text())
    data["metadata"]["shotline"]["bin"] = [{"path": 5}, "junk", {"nopath": 1}, {"path": "x.mp4"}]
    path.write_text(json.dumps(data))
    assert media_bin.entries(load(path).timeline) == [tmp_path / "x.mp4"]
    timeline.metadata["shotline"]["bin"] = 7
    assert media_bin.entries(timeline) == []


def test_folder_import_finds_media_recursively_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    for name in ("b.MP4", "a.wav", "notes.txt", ".hidden.mp4", "sub/c.png", ".cache/d.mov", "sub/cut.otio"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    found = media_bin.media_files_in(tmp_path)
    assert found == [tmp_path / "a.wav", tmp_path / "b.MP4", tmp_path / "sub/c.png"]
