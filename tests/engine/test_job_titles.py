"""Job titles say what a job makes: the shot, the line, the range of the timeline, the file."""

from __future__ import annotations

from engine.generate.score.timeline import score_spec
from engine.generate.video.new_shot import new_shot_spec
from engine.generate.video.timeline import shot_spec
from engine.generate.voice.timeline import voice_spec
from engine.jobs import titles
from engine.project import document, edits
from engine.project.voices import CharacterVoice
from tests.support.editing import project, shot


def test_a_range_reads_as_two_timecodes_with_an_en_dash_and_frames_only_when_needed() -> None:
    assert titles.span(240, 1080, 24) == "00:00:10–00:00:45"
    assert titles.span(252, 1080, 24) == "00:00:10:12–00:00:45:00"
    assert titles.span(0, 3600 * 25, 25) == "00:00:00–01:00:00"


def test_quoted_words_stay_on_one_short_line() -> None:
    assert titles.quoted("The door  was\nred.") == "The door was red."
    long = titles.quoted("The door was red and the wind came off the salt flat like a wall")
    assert long == "The door was red and the wind came off…" and len(long) <= titles.QUOTE_CHARS


def test_each_features_spec_is_titled_with_what_it_makes() -> None:
    timeline = project()
    edits.append(timeline, {"V1": shot("Salt flat", 48)})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    rate = document.settings(timeline).rate
    assert shot_spec(timeline, ident, {"prompt": "x"})["params"]["title"] == "Regenerate Salt flat"
    assert (
        new_shot_spec(timeline, 24, {"prompt": "Gulls"}, name="Gulls")["params"]["title"] == "Generate Gulls"
    )
    placed = titles.generate("Gulls", "V2", 240, 288, rate)
    assert new_shot_spec(timeline, 48, {"prompt": "Gulls"}, name="Gulls", title=placed)["params"][
        "title"
    ] == (f"Generate Gulls on V2 {titles.span(240, 288, rate)}")
    assert titles.extend("Salt flat", 24, head=False) == "Extend Salt flat by 24 frames at the end"
    assert titles.extend("Salt flat", 1, head=True) == "Extend Salt flat by 1 frame at the start"
    seconds = round(rate)
    scored = score_spec(timeline, 10 * seconds, 35 * seconds, {"prompt": "tense strings"})["params"]["title"]
    assert scored == "Score 00:00:10–00:00:45"
    narrator = CharacterVoice("espeak", None, 1.0)
    assert voice_spec("The door was red.", "Narrator", narrator)["params"]["title"] == (
        "Voice-over Narrator: The door was red."
    )
    assert titles.speak_again("Narrator", "The door was red.") == "Speak again Narrator: The door was red."
    assert titles.inpaint("Salt flat") == "Inpaint Salt flat" and titles.export("cut.mp4") == "Export cut.mp4"
