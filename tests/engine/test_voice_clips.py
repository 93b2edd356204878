"""Voice-over on the timeline: lines placed from the playhead, the cast stored, text spoken again."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.generate.voice import timeline as voice_clip
from engine.generate.voice.local import EspeakBackend
from engine.generate.voice.request import VoiceRequest
from engine.jobs.progress import JobContext
from engine.project import document, roles, takes, voices
from engine.project.voices import CharacterVoice
from tests.support.editing import edit_and_check_undo, layout


def _result(tmp_path: Path, text: str, character: str = "Narrator") -> dict:
    folder = tmp_path / f"job{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    request = VoiceRequest.from_params({"text": text, "character": character})
    output = EspeakBackend().run(request, JobContext(workdir=folder))
    return {
        "files": [str(p) for p in output.files],
        "provenance": {"task": "voice.speak", **output.provenance},
    }


def _project():
    timeline = document.new_project("Film", rate=30)
    roles.add_role_track(timeline, roles.VOICE)
    return timeline


def test_lines_land_one_after_another_from_the_playhead_as_long_as_their_speech(tmp_path):
    timeline = _project()
    lines = voice_clip.split_lines("First line.\n\n  Second, longer line of the script.  \n")
    assert lines == ["First line.", "Second, longer line of the script."]
    clips = [voice_clip.voice_clip(_result(tmp_path, line), 30) for line in lines]
    change = edit_and_check_undo(
        timeline, lambda: voice_clip.place_voice_clips(timeline, "Voice-over", clips, 48)
    )
    placed = layout(timeline, "Voice-over")
    first, second = placed[-2], placed[-1]
    assert first[1] == 48 and second[1] == first[2], "the second line starts where the first ends"
    for clip_id, (_, start, end) in zip(change.result, placed[-2:], strict=True):
        _, clip = document.find_clip(timeline, clip_id)
        assert voice_clip.spoken_text(clip) in lines
        samples = int(clip.media_reference.metadata["shotline"]["samples"])
        assert end - start == voice_clip.speech_frames(samples, 30), "whole frames, rounded up"
    assert clip.name.startswith("Narrator: Second")


def test_speaking_again_makes_a_new_take_at_the_new_length_and_later_lines_keep_their_place(tmp_path):
    timeline = _project()
    clips = [voice_clip.voice_clip(_result(tmp_path, t), 30) for t in ("A short line.", "The next line.")]
    first_id, second_id = voice_clip.place_voice_clips(timeline, "Voice-over", clips, 0).result
    second_at = layout(timeline, "Voice-over")[1][1]
    slots_before = {name: (start, end) for name, start, end in layout(timeline, "Voice-over")}
    longer = _result(tmp_path, "A short line, now said at much greater length than it was before.")
    change = edit_and_check_undo(timeline, lambda: voice_clip.add_voice_take(timeline, first_id, longer))
    _, clip = document.find_clip(timeline, first_id)
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"] and change.result == "take-2"
    assert voice_clip.spoken_text(clip).startswith("A short line, now said")
    slots = {name: (start, end) for name, start, end in layout(timeline, "Voice-over")}
    _, second = document.find_clip(timeline, second_id)
    assert slots[second.name][0] >= slots[clip.name][1], "no overlap"
    assert slots[second.name][0] >= second_at
    edit_and_check_undo(timeline, lambda: voice_clip.switch_voice_take(timeline, first_id, "take-1"))
    assert layout(timeline, "Voice-over")[0][2] == slots_before[clip.name][1]
    assert voice_clip.spoken_text(document.find_clip(timeline, first_id)[1]) == "A short line."


def test_a_shorter_take_leaves_a_gap_so_the_next_line_stays_put(tmp_path):
    timeline = _project()
    clips = [voice_clip.voice_clip(_result(tmp_path, t), 30) for t in ("A rather long first line.", "Two.")]
    first_id, _ = voice_clip.place_voice_clips(timeline, "Voice-over", clips, 0).result
    before = layout(timeline, "Voice-over")[1]
    voice_clip.add_voice_take(timeline, first_id, _result(tmp_path, "One."))
    assert layout(timeline, "Voice-over")[-1] == before


def test_the_cast_is_stored_in_the_project_and_undoes(tmp_path):
    timeline = _project()
    narrator = CharacterVoice("espeak", "en-gb", 1.2)
    edit_and_check_undo(timeline, lambda: voices.set_character_voice(timeline, "Narrator", narrator))
    assert voices.voice_of(timeline, "Narrator") == narrator
    again = otio.adapters.read_from_string(otio.adapters.write_to_string(timeline))
    assert voices.character_voices(again) == {"Narrator": narrator}
    with pytest.raises(EditError, match="already"):
        voices.set_character_voice(timeline, "Narrator", narrator)
    with pytest.raises(EditError, match="needs a name"):
        voices.set_character_voice(timeline, "  ", narrator)
    spec = voice_clip.voice_spec("Hello.", "Narrator", narrator, cache_dir=tmp_path)
    assert spec["backend"] == "espeak" and spec["params"]["voice"] == "en-gb"
    assert spec["params"]["speed"] == 1.2 and spec["params"]["character"] == "Narrator"
