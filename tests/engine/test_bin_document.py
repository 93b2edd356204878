"""The bin as part of the document: imports undo, relinking fixes every clip, saving keeps it."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.project import bin as media_bin
from engine.project import document, edits, provenance, takes
from engine.project.clips import media_reference
from engine.project.persistence import load, save
from engine.project.provenance import Provenance
from engine.project.times import tr
from tests.support.editing import RATE, av_shot, edit_and_check_undo, project, shot


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


# generated media -------------------------------------------------------------------------------------


def generated(path: str, seed: int) -> tuple[otio.schema.ExternalReference, Provenance]:
    """A finished generation's file (named as the cache names every animatic) and how it was made."""
    return media_reference(path, tr(0, 300, RATE)), Provenance("video.generate", "animatic", seed=seed)


def salt_flat(timeline: otio.schema.Timeline) -> str:
    clip = shot("Salt flat", 24)
    edits.append(timeline, {"V1": clip})
    return document.clip_id(clip)


def test_a_generated_take_joins_the_bin_named_after_its_clip_and_take_and_a_deleted_clip_leaves_it(
    tmp_path: Path,
) -> None:
    timeline = project()
    ident = salt_flat(timeline)
    reference, made = generated("/cache/k1/animatic.mp4", 7)
    change = media_bin.add_generated_take(timeline, ident, reference, made)
    assert change.result == "take-2"
    clip = document.find_clip(timeline, ident)[1]
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]
    assert clip.active_media_reference_key == "take-1"  # as add_take(activate=False): the caller plays it
    take = Path("/cache/k1/animatic.mp4")
    assert (take, True) in media_bin.media(timeline)
    assert media_bin.names(timeline)[take] == "Salt flat · take 2"

    # Delete, Ripple Delete and their undo never take it out of the bin
    for remove in (edits.lift, edits.ripple_delete):
        removed = remove(timeline, [ident])
        assert ident not in [document.clip_id(c) for c in timeline.find_clips()]
        assert (take, True) in media_bin.media(timeline)
        assert media_bin.names(timeline)[take] == "Salt flat · take 2"
        removed.undo()
        assert [p for p, _ in media_bin.media(timeline)].count(take) == 1

    # saved and opened again, the name is still there
    path = tmp_path / "film.otio"
    save(timeline, path)
    assert media_bin.names(load(path).timeline)[take] == "Salt flat · take 2"


def test_a_result_already_in_the_bin_is_listed_once_and_keeps_its_first_name() -> None:
    timeline = project()
    ident = salt_flat(timeline)
    reference, made = generated("/cache/k1/animatic.mp4", 7)
    media_bin.add_generated_take(timeline, ident, reference, made)
    media_bin.add_generated_take(timeline, ident, reference, made)  # the same result, from the cache
    take = Path("/cache/k1/animatic.mp4")
    assert media_bin.entries(timeline).count(take) == 1
    assert media_bin.names(timeline)[take] == "Salt flat · take 2"
    change = media_bin.keep_results(timeline, [(take, "Other · take 1"), ("/cache/k2/animatic.mp4", "Dune")])
    assert media_bin.names(timeline)[take] == "Salt flat · take 2"
    assert media_bin.names(timeline)[Path("/cache/k2/animatic.mp4")] == "Dune"
    change.undo()
    assert Path("/cache/k2/animatic.mp4") not in media_bin.entries(timeline)


def test_generated_media_only_on_the_timeline_are_named_after_their_clip_and_take_too() -> None:
    timeline = project()
    ident = salt_flat(timeline)
    for n, seed in ((1, 3), (2, 4)):
        takes.add_take(timeline, ident, *generated(f"/cache/k{n}/animatic.mp4", seed))
    names = media_bin.names(timeline)
    assert names[Path("/cache/k1/animatic.mp4")] == "Salt flat · take 2"
    assert names[Path("/cache/k2/animatic.mp4")] == "Salt flat · take 3"
    assert Path("/media/Salt flat.mp4") not in names  # footage keeps its file's name
    media_bin.add_media(timeline, ["/cache/k1/animatic.mp4"])  # imported by the user under its file name
    assert Path("/cache/k1/animatic.mp4") not in media_bin.names(timeline)


def test_relinking_and_removing_keep_the_other_items_names(tmp_path: Path) -> None:
    timeline = project()
    ident = salt_flat(timeline)
    media_bin.add_media(timeline, [tmp_path / "footage.mp4"])
    media_bin.add_generated_take(timeline, ident, *generated("/cache/k1/animatic.mp4", 7))
    moved = tmp_path / "moved.mp4"
    moved.write_bytes(b"stand-in")
    media_bin.relink_media(timeline, "/cache/k1/animatic.mp4", moved)
    assert media_bin.names(timeline)[moved] == "Salt flat · take 2"
    media_bin.remove_media(timeline, [tmp_path / "footage.mp4"])
    assert media_bin.names(timeline)[moved] == "Salt flat · take 2"


def test_new_generated_clips_and_a_coming_take_are_kept_under_the_names_they_will_have() -> None:
    timeline = project()
    ident = salt_flat(timeline)
    gull = shot("Gull", 24)
    gull.set_media_references({"take-1": generated("/cache/g/animatic.mp4", 1)[0]}, "take-1")
    provenance.attach(gull.media_reference, generated("/cache/g/animatic.mp4", 1)[1])
    media_bin.keep_clips(timeline, [gull])  # before the edit that places it
    media_bin.keep_next_take(timeline, ident, generated("/cache/x/extended.mp4", 2)[0])
    assert media_bin.names(timeline) == {
        Path("/cache/g/animatic.mp4"): "Gull · take 1",
        Path("/cache/x/extended.mp4"): "Salt flat · take 2",
    }
    assert media_bin.entries(timeline) == [Path("/cache/g/animatic.mp4"), Path("/cache/x/extended.mp4")]
