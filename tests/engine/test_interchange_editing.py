"""The engine edits behind the editor's interchange commands: Import Timeline onto tracks of its
own, a relink found on a copy applied to the document, and a bundle that can be stopped midway."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import EditError
from engine.interchange import bundle, merge
from engine.interchange.opening import open_timeline
from engine.interchange.relink import relink_folder, take_relinks
from engine.project import document, edits, links
from engine.project.clips import linked_av, media_reference
from engine.project.document import new_project
from engine.project.times import tr
from tests.support import foreign


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return foreign.write_media(tmp_path_factory.mktemp("footage"))


def test_a_timeline_imported_twice_gives_two_independent_copies(tmp_path) -> None:
    film = new_project("film", rate=25.0, video_tracks=1, audio_tracks=1)
    cut = new_project("cut", rate=25.0, video_tracks=1, audio_tracks=1)
    picture, sound = linked_av("Take", media_reference("/media/take.mov", tr(0, 100, 25.0)), 25.0, 30, 0)
    edits.append(cut, {"V1": picture, "A1": sound})

    first = merge.add_timeline(film, cut, 0)
    second = merge.add_timeline(film, cut, 40)

    assert first.result == ["V1", "A1"] and second.result == ["V2", "A2"]
    clips = list(film.find_clips())
    assert len({document.clip_id(c) for c in clips}) == 4
    assert len({links.link_id(c) for c in clips}) == 2  # each copy's picture and sound stay linked
    assert [(t.name, len(t)) for t in film.tracks] == [("V1", 1), ("V2", 2), ("A1", 1), ("A2", 2)]
    second.undo()
    first.undo()
    assert [(t.name, len(t)) for t in film.tracks] == [("V1", 0), ("A1", 0)]


def test_a_relink_found_on_a_copy_is_refused_once_the_clips_changed(tmp_path, media) -> None:
    loaded = open_timeline(foreign.write_edl(tmp_path), rate=25)
    copy = loaded.timeline.clone()
    relink_folder(copy, media)
    loaded.timeline.find_clips()[0].name = "renamed meanwhile"
    with pytest.raises(EditError, match="changed while Shotline searched"):
        take_relinks(loaded.timeline, copy)


def test_a_bundle_stopped_midway_leaves_no_file(tmp_path, media, monkeypatch) -> None:
    loaded = open_timeline(foreign.write_edl(tmp_path), rate=25)
    relink_folder(loaded.timeline, media)
    monkeypatch.setattr(bundle, "CHUNK", 1024)
    seen: list[tuple[int, int]] = []

    def stop(done: int, total: int) -> None:
        seen.append((done, total))
        if done > 4096:
            raise KeyboardInterrupt  # what a cancel or a crash looks like from inside the writer

    with pytest.raises(KeyboardInterrupt):
        bundle.write_bundle(loaded.timeline, tmp_path / "handoff.otioz", stop)
    total = (media / "shot_a.mov").stat().st_size + (media / "shot_b.mov").stat().st_size
    assert seen[0] == (0, total) and all(t == total for _, t in seen)
    assert [p.name for p in tmp_path.iterdir() if "handoff" in p.name] == []
