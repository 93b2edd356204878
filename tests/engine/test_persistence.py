"""Saving and opening projects: relative media, atomic writes, offline media, broken files."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import opentimelineio as otio
import pytest

from engine.errors import EditError, ProjectFileError
from engine.project import document, edits, persistence, takes, transitions
from engine.project.clips import linked_av, media_reference
from engine.project.provenance import Provenance
from engine.project.times import tr
from tests.support.editing import RATE, av_shot, frames, layout, project, shot


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"media")
    return path


@pytest.fixture
def film(tmp_path: Path):
    """A project folder with media inside it, plus one file elsewhere."""
    folder = tmp_path / "film"
    inside = touch(folder / "media" / "inter view.mp4")
    generated = touch(folder / "cache" / "take.mp4")
    outside = touch(tmp_path / "library" / "music #1.wav")
    timeline = project()
    video, audio = linked_av("interview", media_reference(str(inside), tr(0, 300, RATE)), RATE, 60, 10)
    edits.append(timeline, {"V1": video, "A1": audio})
    broll = shot("broll", 40, start=20)
    broll.media_reference.target_url = str(touch(folder / "media" / "broll.mp4"))
    edits.append(timeline, {"V1": broll})
    transitions.add_cross_dissolve(timeline, "V1", frames(60), frames(10))
    music = shot("music", 100, audio=True)
    music.media_reference.target_url = str(outside)
    edits.append(timeline, {"A2": music})
    prov = Provenance(task="video.generate", backend="animatic", prompt="a quiet street", seed=4)
    takes.add_take(timeline, document.clip_id(video), media_reference(str(generated), tr(0, 60, RATE)), prov)
    return timeline, folder, inside, generated, outside


def test_a_saved_project_is_plain_otio_with_relative_media_inside_the_folder(film) -> None:
    timeline, folder, _inside, _generated, outside = film
    persistence.save(timeline, folder / "cut.otio")
    saved = json.loads((folder / "cut.otio").read_text())
    urls = sorted(
        ref["target_url"]
        for t in saved["tracks"]["children"]
        for item in t["children"]
        if item["OTIO_SCHEMA"].startswith("Clip")
        for ref in item["media_references"].values()
    )
    assert "media/inter view.mp4" in urls and "cache/take.mp4" in urls
    assert outside.resolve().as_uri() in urls and "%20" not in urls[0]
    assert "%231" in outside.resolve().as_uri()
    # any OTIO reader opens it
    assert isinstance(otio.adapters.read_from_file(str(folder / "cut.otio")), otio.schema.Timeline)
    # saving did not touch the document in memory
    assert document.track(timeline, "V1")[0].media_references()["take-1"].target_url.startswith("/")


def test_save_and_open_give_back_the_same_cut(film) -> None:
    timeline, folder, _inside, _generated, _outside = film
    persistence.save(timeline, folder / "cut.otio")
    loaded = persistence.load(folder / "cut.otio")
    assert loaded.offline == []
    assert otio.adapters.write_to_string(loaded.timeline) == otio.adapters.write_to_string(timeline)
    for name in ("V1", "A1", "A2"):
        assert layout(loaded.timeline, name) == layout(timeline, name)


def test_moving_the_project_folder_keeps_its_own_media_online(film, tmp_path: Path) -> None:
    timeline, folder, _inside, _generated, _outside = film
    persistence.save(timeline, folder / "cut.otio")
    moved = tmp_path / "elsewhere" / "film"
    shutil.move(str(folder), str(moved))
    loaded = persistence.load(moved / "cut.otio")
    assert loaded.offline == []
    _, clip = document.find_clip(loaded.timeline, document.clip_id(document.track(timeline, "V1")[0]))
    assert clip.media_references()["take-1"].target_url == str(moved / "media" / "inter view.mp4")


def test_missing_media_open_as_offline_and_can_be_relinked(film, tmp_path: Path) -> None:
    timeline, folder, _inside, _generated, outside = film
    persistence.save(timeline, folder / "cut.otio")
    outside.unlink()
    loaded = persistence.load(folder / "cut.otio")
    assert loaded.offline == [("music", str(outside))]
    found = touch(tmp_path / "found" / "music.wav")
    change = persistence.relink(loaded.timeline, str(outside), str(found))
    assert change.result == 1
    music = document.track(loaded.timeline, "A2")[0]
    assert music.media_reference.target_url == str(found)
    with pytest.raises(EditError, match="No clip uses"):
        persistence.relink(loaded.timeline, str(outside), str(found))


def test_a_crash_while_saving_leaves_the_previous_file_untouched(film, monkeypatch) -> None:
    timeline, folder, *_ = film
    target = folder / "cut.otio"
    persistence.save(timeline, target)
    before = target.read_bytes()
    edits.append(timeline, {"V1": shot("late addition", 30)})

    def crash(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ProjectFileError, match="previous version is unchanged"):
        persistence.save(timeline, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["cache", "cut.otio", "media"]


def test_a_full_disk_is_reported_and_leaves_no_temporary_file(film, monkeypatch) -> None:
    timeline, folder, *_ = film
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ProjectFileError, match="the disk is full"):
        persistence.save(timeline, folder / "cut.otio")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert not (folder / "cut.otio").exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".saving")]


def test_saving_into_a_missing_or_unwritable_folder_is_reported(tmp_path: Path) -> None:
    timeline = project()
    with pytest.raises(ProjectFileError, match="does not exist"):
        persistence.save(timeline, tmp_path / "nope" / "cut.otio")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: make the target a directory instead
            (locked / "cut.otio").mkdir()
        with pytest.raises(ProjectFileError, match=r"Cannot save|Could not save"):
            persistence.save(timeline, locked / "cut.otio")
    finally:
        locked.chmod(0o700)


def otio_text(**changes) -> str:
    timeline = project()
    edits.append(timeline, {"V1": shot("a", 30)})
    data = json.loads(otio.adapters.write_to_string(timeline))
    data.update(changes)
    return json.dumps(data)


BROKEN = {
    "empty": "",
    "whitespace": "   \n",
    "truncated": otio_text()[:200],
    "random text": "this is not a project at all",
    "json list": "[1, 2, 3]",
    "json without schema": '{"name": "x"}',
    "unknown schema": '{"OTIO_SCHEMA": "Spaceship.1", "name": "x"}',
    "a bare clip": '{"OTIO_SCHEMA": "Clip.2", "name": "x"}',
    "NaN": otio_text().replace('"value": 30.0', '"value": NaN', 1),
    "tracks of wrong type": otio_text(tracks={"OTIO_SCHEMA": "Clip.2", "name": "x"}),
    "wrong field type": otio_text(global_start_time="yesterday"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_every_broken_file_gives_one_readable_error(case: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.otio"
    path.write_text(BROKEN[case])
    with pytest.raises(ProjectFileError, match=r"broken\.otio"):
        persistence.load(path)


def test_binary_missing_and_directory_paths_are_refused(tmp_path: Path) -> None:
    (tmp_path / "noise.otio").write_bytes(os.urandom(2048))
    with pytest.raises(ProjectFileError, match="not a project"):
        persistence.load(tmp_path / "noise.otio")
    with pytest.raises(ProjectFileError, match="does not exist"):
        persistence.load(tmp_path / "missing.otio")
    with pytest.raises(ProjectFileError, match="is not a file"):
        persistence.load(tmp_path)


def test_negative_durations_are_refused(tmp_path: Path) -> None:
    timeline = project()
    timeline.tracks[0].append(otio.schema.Gap(source_range=tr(0, -5, RATE)))
    (tmp_path / "neg.otio").write_text(otio.adapters.write_to_string(timeline))
    with pytest.raises(ProjectFileError, match="negative duration"):
        persistence.load(tmp_path / "neg.otio")


def test_a_foreign_otio_file_without_shotline_metadata_opens(tmp_path: Path) -> None:
    timeline = otio.schema.Timeline("from another tool")
    track = otio.schema.Track("Video 1")
    track.append(otio.schema.Clip("x", media_reference=otio.schema.ExternalReference("file:///m/x.mov"),
                                  source_range=tr(0, 48, 24.0)))  # fmt: skip
    timeline.tracks.append(track)
    path = tmp_path / "foreign.otio"
    otio.adapters.write_to_file(timeline, str(path))
    loaded = persistence.load(path)
    assert document.settings(loaded.timeline).rate == 24.0
    assert loaded.offline == [("x", "/m/x.mov")]
    assert document.clip_id(loaded.timeline.tracks[0][0])


def test_linked_clips_survive_a_round_trip(tmp_path: Path) -> None:
    timeline = project()
    video, audio = av_shot("talk", 30)
    edits.append(timeline, {"V1": video, "A1": audio})
    persistence.save(timeline, tmp_path / "a.otio")
    loaded = persistence.load(tmp_path / "a.otio").timeline
    edits.ripple_delete(loaded, [document.clip_id(video)])
    assert layout(loaded, "A1") == []
