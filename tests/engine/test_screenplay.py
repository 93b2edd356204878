"""From a Fountain screenplay to a narrated, subtitled animatic: import, Generate all, export with SRT."""

from __future__ import annotations

import itertools
import re
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from engine.cli.main import main
from engine.generate.batch import Batch
from engine.generate.script_cut import cut_screenplay, dialogue_specs
from engine.generate.voice.timeline import speech_frames
from engine.project import cast, document, persistence, provenance, trackedit
from engine.project.cast import CastMember
from engine.project.document import AUDIO, VIDEO, new_project
from engine.project.placeholders import is_placeholder
from engine.project.screenplay import parse
from engine.project.undo import UndoStack
from engine.project.voices import CharacterVoice
from tests.support.screenplays import BROKEN, THE_KEEPER

RATE = 24


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def existing_project(folder: Path) -> Path:
    """A project whose Cast already knows Mara (with a voice) and the harbour (with a description)."""
    timeline = new_project("The Keeper", rate=RATE, size=(320, 180), video_tracks=1, audio_tracks=0)
    cast.set_member(
        timeline,
        CastMember("Mara", description="a keeper in a red coat"),
        CharacterVoice("espeak", "en-us", 1.2),
    )
    cast.set_member(timeline, CastMember("harbour", cast.PLACE, "a stone harbour wall, fishing boats"))
    path = folder / "keeper.otio"
    persistence.save(timeline, path)
    return path


def clips(timeline, kind) -> list[tuple[str, int, int, object]]:
    """(track, start, end, clip) of every clip of a kind, in track then time order."""
    rate = document.settings(timeline).rate
    found = []
    for track in document.tracks(timeline, kind):
        for slot in trackedit.layout(track, rate):
            if isinstance(slot.item, document.Clip):
                found.append((track.name, slot.start, slot.end, slot.item))
    return found


def test_a_short_screenplay_imports_to_scenes_shots_dialogue_and_the_cast(tmp_path: Path, capsys) -> None:
    project = existing_project(tmp_path)
    script = write(tmp_path / "keeper.fountain", THE_KEEPER)
    assert main(["script", str(script), "-o", str(project)]) == 0
    assert capsys.readouterr().out == "keeper.otio: 3 scenes, 3 shots, 5 lines of dialogue\n"
    timeline = persistence.load(project).timeline

    markers = [(m.name, m.metadata["shotline"]["note"]) for m in timeline.tracks.markers]
    assert [name for name, _ in markers] == [
        "EXT. LIGHTHOUSE - DAWN",
        "Note",
        "INT. LAMP ROOM - CONTINUOUS",
        "EXT. HARBOUR - NIGHT",
    ]
    assert markers[1][1] == "Shoot this at first light."

    shots = clips(timeline, VIDEO)
    assert [c.metadata["shotline"]["prompt"] for _, _, _, c in shots] == [
        "Fog rolls over the rocks. MARA, a keeper in a red coat, climbs the iron stairs.",
        "Tom fixes the wires while Mara holds the torch.",
        "The lamp sweeps the water. Both watch from the pier.",
    ]
    assert all(is_placeholder(c) for _, _, _, c in shots)
    assert [cast.shot_cast(c) for _, _, _, c in shots] == [
        ["Lighthouse", "Mara", "Tom"],
        ["Lamp Room", "Mara", "Tom"],
        ["harbour", "Mara"],  # the existing member, matched by name, keeps its spelling
    ]
    assert shots[1][3].metadata["shotline"]["transition"] == "CUT TO:"
    assert shots[0][1] == 0 and all(a[2] == b[1] for a, b in itertools.pairwise(shots))  # no gaps

    lines = clips(timeline, AUDIO)
    said = [(track, c.metadata["shotline"]["subtitle"]) for track, _, _, c in lines]
    assert said == [
        ("Dialogue", "The lamp went out again."),
        ("Dialogue", "I told you the wiring was old."),
        ("Dialogue", "Hurry."),
        ("Dialogue", "It holds."),
        ("Dialogue 2", "I am hurrying."),
    ]
    made = {c.metadata["shotline"]["subtitle"]: provenance.read(c.media_reference) for _, _, _, c in lines}
    assert made["Hurry."].backend == "espeak" and made["Hurry."].extra["speed"] == 1.2  # Mara's voice
    assert made["Hurry."].extra["character"] == "Mara" and made["I am hurrying."].extra["character"] == "Tom"
    starts = {c.metadata["shotline"]["subtitle"]: s for _, s, _, c in lines}
    assert starts["Hurry."] == starts["I am hurrying."]  # dual dialogue: spoken together
    for _, start, end, clip in lines:  # each line as long as its speech, no syllable cut
        samples = made[clip.metadata["shotline"]["subtitle"]].extra["samples"]
        assert end - start == speech_frames(samples, RATE)
    first_shot = shots[0]
    words = len(first_shot[3].metadata["shotline"]["prompt"].split())
    assert starts["The lamp went out again."] == -(-words * RATE // 3)  # after reading the action
    assert "storm" not in " ".join(s for _, s in said)  # the boneyard makes nothing

    members = {m.name: m for m in cast.members(timeline)}
    assert list(members) == ["Mara", "harbour", "Tom", "Lighthouse", "Lamp Room"]
    assert members["harbour"].description == "a stone harbour wall, fishing boats"
    assert timeline.metadata["shotline"]["screenplay"]["text"] == THE_KEEPER


def test_a_malformed_screenplay_is_reported_with_its_line_numbers_and_writes_nothing(
    tmp_path: Path, capsys
) -> None:
    script = write(tmp_path / "broken.fountain", BROKEN)
    assert main(["script", str(script), "-o", str(tmp_path / "film.otio")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("shotline script: broken.fountain has 2 errors: line 6: Note opened with '[['")
    assert "line 9: Boneyard comment opened with '/*' but never closed" in error
    assert not (tmp_path / "film.otio").exists()


def test_a_cue_without_dialogue_is_a_warning_with_its_line(tmp_path: Path, capsys) -> None:
    script = write(tmp_path / "cue.fountain", "INT. HOUSE - DAY\n\nMara waits.\n\nJOHN\n\nMARA\nHello.\n")
    assert main(["script", str(script), "-o", str(tmp_path / "film.otio"), "--size", "320x180"]) == 0
    assert "cue.fountain:5: Character cue 'JOHN' has no dialogue following it" in capsys.readouterr().err


def test_the_import_is_one_undo_step(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE, size=(320, 180), video_tracks=1, audio_tracks=0)
    screenplay = parse(THE_KEEPER)
    specs = dialogue_specs(timeline, screenplay, tmp_path / "cache")
    lines = list(specs)
    spoken = {}
    Batch(len(lines)).run([specs[n] for n in lines], lambda i, o: spoken.__setitem__(lines[i], o.result))
    stack = UndoStack()
    stack.push(cut_screenplay(timeline, screenplay, spoken, "keeper.fountain"))
    assert len(clips(timeline, VIDEO)) == 3 and len(cast.members(timeline)) == 5
    stack.undo()
    assert [t.name for t in document.tracks(timeline)] == ["V1"]
    assert clips(timeline, VIDEO) == [] and cast.members(timeline) == [] and not timeline.tracks.markers
    assert "screenplay" not in timeline.metadata["shotline"]
    stack.redo()
    assert [t.name for t in document.tracks(timeline)] == ["V1", "Dialogue", "Dialogue 2"]


def loudness(path: Path) -> tuple[np.ndarray, int]:
    """The exported sound's level per 10 ms, and the sample rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        sound = np.concatenate(
            [f.to_ndarray().reshape(-1, f.samples) for f in container.decode(stream)], axis=1
        )
    mono = np.abs(sound.astype(np.float32)).mean(axis=0)
    block = rate // 100
    return mono[: len(mono) // block * block].reshape(-1, block).max(axis=1), rate


def srt_entries(path: Path) -> list[tuple[Fraction, Fraction, str]]:
    def seconds(clock: str) -> Fraction:
        h, m, rest = clock.split(":")
        s, ms = rest.split(",")
        return Fraction(int(h) * 3600 + int(m) * 60 + int(s)) + Fraction(int(ms), 1000)

    blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    found = []
    for block in blocks:
        _, times, text = block.split("\n", 2)
        start, end = re.fullmatch(r"(\S+) --> (\S+)", times).groups()
        found.append((seconds(start), seconds(end), text))
    return found


@pytest.mark.slow
def test_generate_all_with_the_defaults_makes_a_subtitled_animatic_in_sync(tmp_path: Path, capsys) -> None:
    project = tmp_path / "keeper.otio"
    script = write(tmp_path / "keeper.fountain", THE_KEEPER)
    assert main(["script", str(script), "-o", str(project), "--size", "320x180"]) == 0
    capsys.readouterr()
    began = time.monotonic()
    assert main(["generate-all", str(project)]) == 0
    took = time.monotonic() - began
    out = capsys.readouterr().out
    assert out.startswith("keeper.otio: 3 shot(s) and 0 line(s) generated (6 jobs, 0 from the cache)")

    timeline = persistence.load(project).timeline
    for _, _, _, clip in clips(timeline, VIDEO):
        assert not is_placeholder(clip) and clip.active_media_reference_key == "take-1"
        made = provenance.read(clip.media_reference)
        assert made.backend == "animatic" and made.extra["cast"] == cast.shot_cast(clip)
        assert Path(made.extra["keyframe"]).is_file()
    assert main(["generate-all", str(project)]) == 0  # nothing left to do
    assert capsys.readouterr().out.startswith("keeper.otio: 0 shot(s) and 0 line(s) generated (0 jobs")
    with capsys.disabled():
        print(f"\ngenerate-all of the test screenplay at 320x180 with the defaults: {took:.1f} s")

    film = tmp_path / "keeper.mp4"
    assert main(["export", str(project), "-o", str(film)]) == 0
    subtitles = srt_entries(tmp_path / "keeper.srt")
    lines = sorted(clips(timeline, AUDIO), key=lambda c: (c[1], c[0]))
    assert [text for *_, text in subtitles] == [c.metadata["shotline"]["subtitle"] for *_, c in lines]
    for (start, end, _), (_, first, last, _) in zip(subtitles, lines, strict=True):
        assert abs(start - Fraction(first, RATE)) <= Fraction(1, 1000)
        assert abs(end - Fraction(last, RATE)) <= Fraction(1, 1000)
    level, _ = loudness(film)
    quiet = level[: int(subtitles[0][0] * 100) - 5]
    assert quiet.max() < 0.01, "silence before the first subtitle"
    for start, end, _ in subtitles:
        spoken = level[int(start * 100) : int(end * 100)]
        assert spoken.max() > 0.05, "the voice is heard while its subtitle shows"


@pytest.mark.slow
def test_shots_whose_cast_reference_changed_are_generated_again_from_it(tmp_path: Path, capsys) -> None:
    project = tmp_path / "keeper.otio"
    script = write(tmp_path / "keeper.fountain", THE_KEEPER)
    assert main(["script", str(script), "-o", str(project), "--size", "320x180"]) == 0
    assert main(["generate-all", str(project), "--task", "image.generate"]) == 0
    face = tmp_path / "tom.png"
    Image.new("RGB", (60, 80), (30, 200, 30)).save(face)
    timeline = persistence.load(project).timeline
    cast.set_member(timeline, CastMember("Tom", description="an old engineer", references=(str(face),)))
    persistence.save(timeline, project)
    stale = {s.name[:3]: s.reasons for s in cast.stale_clips(timeline)}
    changed = ("Tom has a new reference tom.png", "Tom's description has changed")
    assert stale == {"1.1": changed, "2.1": changed}

    capsys.readouterr()
    assert main(["generate-all", str(project), "--task", "image.generate"]) == 0
    assert capsys.readouterr().out.startswith("keeper.otio: 2 shot(s) and 0 line(s) generated")
    timeline = persistence.load(project).timeline
    assert cast.stale_clips(timeline) == []
    shot = clips(timeline, VIDEO)[1][3]
    made = provenance.read(shot.media_reference)
    assert shot.active_media_reference_key == "take-2" and made.task == "image.edit"
    assert "Tom: an old engineer." in made.prompt
    assert [(f["name"], Path(f["path"]).name) for f in made.extra["reference_files"]] == [("Tom", "tom.png")]

    Image.new("RGB", (60, 80), (200, 30, 200)).save(face)  # another picture under the same name
    assert {s.reasons for s in cast.stale_clips(timeline)} == {("Tom's reference tom.png has changed",)}
