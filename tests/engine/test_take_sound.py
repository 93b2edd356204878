"""A take made with sound (LTX-2) brings its sound to the timeline; takes switch picture and sound together.

The results are recorded as the engine's `done` reports them: the picture
file, the 48 kHz sound beside it, and the provenance naming the sound.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.errors import EditError
from engine.generate.score.music.master import write_wav
from engine.generate.sound import shot_samples
from engine.generate.video.timeline import take_from_result
from engine.project import document, edits, take_sound, takes, trackedit
from engine.project.document import new_project
from engine.project.times import rt
from engine.render.audio import audio
from tests.support.editing import RATE, layout, shot
from tests.support.mediagen import write_video

SECOND = 48_000


def _result(folder: Path, frames: int, level: float | None) -> dict:
    """A finished video.generate job: a picture, and a constant-level sound when `level` is given."""
    folder.mkdir(parents=True)
    picture = write_video(folder / "ltx2.mp4", frames=frames, rate=Fraction(30), size=(64, 36))
    made = {"frames": frames, "rate": "30/1", "backend": "ltx2" if level is not None else "animatic",
            "prompt": "gulls over the harbour", "seed": 1}  # fmt: skip
    files = [str(picture)]
    if level is not None:
        samples = shot_samples(frames, Fraction(30))
        write_wav(folder / "sound.wav", np.full((samples, 2), level, np.float32))
        files.append(str(folder / "sound.wav"))
        made |= {"has_audio": True, "audio": "sound.wav", "audio_samples": samples}
    return {"files": files, "provenance": made}


def _level(timeline, frame: int) -> float:
    """The mix's level one frame's worth of samples from `frame`."""
    start = frame * SECOND // int(RATE)
    return float(np.abs(audio(timeline, start, 100)).mean())


@pytest.fixture
def cut(tmp_path):
    """A harbour shot between two others on V1, its sound track A1 empty; three recorded takes."""
    timeline = new_project("film", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Pier", 10)})
    edits.append(timeline, {"V1": shot("Harbour", 20)})
    edits.append(timeline, {"V1": shot("Quay", 10)})
    ident = document.clip_id(document.track(timeline, "V1")[1])
    results = {
        "loud": _result(tmp_path / "loud", 20, 0.5),
        "silent": _result(tmp_path / "silent", 20, None),
        "quiet": _result(tmp_path / "quiet", 20, 0.1),
    }
    return timeline, ident, results


def _add(timeline, ident, result):
    reference, made = take_from_result(result, RATE)
    return takes.add_take(timeline, ident, reference, made).result


def test_a_take_with_sound_lands_as_a_linked_audio_clip_under_its_picture(cut) -> None:
    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    assert layout(timeline, "A1") == [("gap", 0, 10), ("Harbour (sound)", 10, 30)]
    sound_track, sound = take_sound.sound_clip(timeline, ident)
    _, picture = document.find_clip(timeline, ident)
    assert sound_track.name == "A1" and sound.media_reference.target_url.endswith("loud/sound.wav")
    assert trackedit.source_frames(sound, RATE) == trackedit.source_frames(picture, RATE)
    assert _level(timeline, 15) == pytest.approx(0.5, abs=1e-3)  # the shot's sound plays
    assert _level(timeline, 5) == 0.0 and _level(timeline, 35) == 0.0  # and only under the shot

    # linked: moving the picture moves its sound
    edits.move(timeline, ident, rt(40, RATE))
    assert layout(timeline, "A1") == [("gap", 0, 40), ("Harbour (sound)", 40, 60)]


def test_switching_takes_switches_picture_and_sound_together_and_undo_puts_both_back(cut) -> None:
    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    _add(timeline, ident, results["quiet"])
    assert _level(timeline, 15) == pytest.approx(0.1, abs=1e-3)

    back = takes.set_active_take(timeline, ident, "take-2")  # take-1 is the old picture, take-2 "loud"
    assert _level(timeline, 15) == pytest.approx(0.5, abs=1e-3)
    back.undo()
    assert _level(timeline, 15) == pytest.approx(0.1, abs=1e-3)
    back.redo()
    assert _level(timeline, 15) == pytest.approx(0.5, abs=1e-3)
    assert [name for name, *_ in layout(timeline, "A1")].count("Harbour (sound)") == 1


def test_a_take_without_sound_takes_the_sound_away_and_the_animatic_stays_silent(cut) -> None:
    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    silent = _add(timeline, ident, results["silent"])
    assert silent == "take-3"
    assert take_sound.sound_clip(timeline, ident) is None
    assert layout(timeline, "A1") == []
    assert _level(timeline, 15) == 0.0
    takes.set_active_take(timeline, ident, "take-2")  # the loud take: its sound comes back
    assert _level(timeline, 15) == pytest.approx(0.5, abs=1e-3)


def test_the_user_mutes_the_take_sound_and_it_stays_muted_across_takes(cut) -> None:
    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    _add(timeline, ident, results["silent"])
    _add(timeline, ident, results["quiet"])
    mute = take_sound.mute_take_sound(timeline, ident)
    assert _level(timeline, 15) == 0.0
    takes.set_active_take(timeline, ident, "take-3")  # silent: the clip goes
    takes.set_active_take(timeline, ident, "take-2")  # loud: it comes back, still muted
    assert _level(timeline, 15) == 0.0
    assert not take_sound.sound_clip(timeline, ident)[1].enabled
    take_sound.mute_take_sound(timeline, ident, muted=False)
    assert _level(timeline, 15) == pytest.approx(0.5, abs=1e-3)
    assert mute.description == "Mute Take Sound"


def test_a_deleted_take_sound_stays_deleted_until_a_new_take_brings_new_sound(cut) -> None:
    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    _add(timeline, ident, results["quiet"])
    sound_id = document.clip_id(take_sound.sound_clip(timeline, ident)[1])
    delete = take_sound.delete_take_sound(timeline, sound_id)  # named by the sound clip itself
    assert layout(timeline, "A1") == [] and layout(timeline, "V1")[1] == ("Harbour", 10, 30)
    takes.set_active_take(timeline, ident, "take-2")
    assert take_sound.sound_clip(timeline, ident) is None  # switching does not bring it back
    delete.undo()  # undo keeps the state the deletion was made in: take-3 plays again
    assert take_sound.sound_clip(timeline, ident) is not None
    delete.redo()
    _add(timeline, ident, _result(Path(results["loud"]["files"][0]).parent.parent / "again", 20, 0.3))
    assert _level(timeline, 15) == pytest.approx(0.3, abs=1e-3)  # a new take's new sound is heard
    with pytest.raises(EditError, match="no take sound"):
        take_sound.delete_take_sound(timeline, document.clip_id(document.track(timeline, "V1")[0]))


def test_the_take_sound_goes_on_a_new_audio_track_when_the_others_are_busy_under_the_shot(cut) -> None:
    timeline, ident, results = cut
    edits.append(timeline, {"A1": shot("Music", 40, audio=True)})
    edits.append(timeline, {"A2": shot("Rain", 15, audio=True)})  # ends inside the shot
    change = takes.add_take(timeline, ident, *take_from_result(results["loud"], RATE))
    assert [t.name for t in document.tracks(timeline, document.AUDIO)] == ["A1", "A2", "A3"]
    assert layout(timeline, "A3") == [("gap", 0, 10), ("Harbour (sound)", 10, 30)]
    change.undo()
    assert [t.name for t in document.tracks(timeline, document.AUDIO)] == ["A1", "A2"]
    assert len(takes.takes(document.find_clip(timeline, ident)[1])) == 1  # the picture is as it was


def test_extending_a_shot_with_sound_asks_for_its_sound_and_the_sound_grows_with_the_shot(
    cut, tmp_path
) -> None:
    from engine.generate.extend.timeline import extend_spec, extended_take
    from engine.project.extend import extend_clip

    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    spec = extend_spec(timeline, ident, 10, backend="ltx2-extend", cache_dir=tmp_path / "cache")
    assert spec["params"]["sound"].endswith("loud/sound.wav")  # LTX-2 continues the take's sound
    longer = _result(tmp_path / "extended", 30, 0.2)
    longer["provenance"] |= {"task": "video.extend", "backend": "ltx2-extend"}
    reference, made = extended_take(longer, RATE)
    change = extend_clip(timeline, ident, reference, made, 10)
    assert layout(timeline, "V1") == [("Pier", 0, 10), ("Harbour", 10, 40), ("Quay", 40, 50)]
    assert layout(timeline, "A1") == [("gap", 0, 10), ("Harbour (sound)", 10, 40)]
    assert _level(timeline, 35) == pytest.approx(0.2, abs=1e-3)  # the new frames have their sound
    change.undo()
    assert layout(timeline, "A1") == [("gap", 0, 10), ("Harbour (sound)", 10, 30)]
    assert _level(timeline, 15) == pytest.approx(0.5, abs=1e-3)


def test_a_pasted_shot_brings_its_own_take_sound_that_follows_the_pasted_takes(cut) -> None:
    from engine.project import clipboard

    timeline, ident, results = cut
    _add(timeline, ident, results["loud"])
    _add(timeline, ident, results["quiet"])
    change = clipboard.paste(timeline, clipboard.copy(timeline, [ident]), rt(60, RATE))
    pasted = next(i for i in change.result.clip_ids if document.find_clip(timeline, i)[0].name == "V1")
    assert take_sound.sound_clip(timeline, pasted)[1] is not take_sound.sound_clip(timeline, ident)[1]
    takes.set_active_take(timeline, pasted, "take-2")  # the pasted shot plays the loud take again
    assert _level(timeline, 65) == pytest.approx(0.5, abs=1e-3)
    assert _level(timeline, 15) == pytest.approx(0.1, abs=1e-3)  # the original keeps its own


def test_a_script_placeholder_filled_by_ltx2_gets_its_sound_too(tmp_path) -> None:
    from engine.project.placeholders import fill_placeholder, placeholder_clip

    timeline = new_project("film", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": placeholder_clip("1.1 Gulls", 20, RATE, "Gulls over the harbour")})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    change = fill_placeholder(timeline, ident, *take_from_result(_result(tmp_path / "gulls", 20, 0.4), RATE))
    assert layout(timeline, "A1") == [("1.1 Gulls (sound)", 0, 20)]
    assert _level(timeline, 5) == pytest.approx(0.4, abs=1e-3)
    change.undo()
    assert layout(timeline, "A1") == []


def test_a_new_generated_shot_is_placed_with_its_sound_selected_together(tmp_path) -> None:
    from engine.generate.video.new_shot import generated_clip, place_generated

    timeline = new_project("film", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Pier", 10)})
    clip = generated_clip(_result(tmp_path / "gull", 20, 0.3), RATE, "Gull")
    change = place_generated(timeline, "V1", 10, clip)
    assert layout(timeline, "V1") == [("Pier", 0, 10), ("Gull", 10, 30)]
    assert layout(timeline, "A1") == [("gap", 0, 10), ("Gull (sound)", 10, 30)]
    assert len(change.result) == 2 and change.description == "Generate Gull"  # picture and sound
    change.undo()
    assert layout(timeline, "V1") == [("Pier", 0, 10)] and layout(timeline, "A1") == []
