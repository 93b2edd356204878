"""The default music.score backend: exact length, downbeats on the cuts, safe levels, determinism.

Scores are made through the real registry and job queue (as the engine
process and the CLI make them) with both renderers: FluidSynth with the
Debian GM soundfont, and the built-in numpy synthesizer (forced with
SHOTLINE_NO_FLUIDSYNTH). Downbeats are found with a simple onset detector
(energy flux of the low band, where the kick and bass are).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from engine.errors import GenerateError
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.generate.score.composer import NO_FLUIDSYNTH_ENV
from engine.generate.score.music import fluid
from engine.generate.score.music.grid import BARS, BEATS, FREE, TEMPO_MAP, plan
from engine.generate.score.music.master import read_wav
from engine.generate.score.music.style import style_for
from engine.generate.score.music.theory import Key, parse_key
from engine.generate.score.request import ScoreRequest
from engine.jobs.spec import JobSpec
from tests.support.music_onsets import onset_near

ROOT = Path(__file__).resolve().parents[2]
RATE = 48_000
PEAK_LIMIT = 10 ** (-1 / 20)


class _Listener:
    def __init__(self) -> None:
        self.ended = threading.Event()
        self.result = None
        self.error = None

    def progress(self, *_args) -> None: ...

    def log(self, *_args) -> None: ...

    def done(self, _job, result, _cached) -> None:
        self.result = result
        self.ended.set()

    def failed(self, _job, message) -> None:
        self.error = message
        self.ended.set()

    def cancelled(self, _job) -> None:
        self.error = "cancelled"
        self.ended.set()


def score(tmp_path: Path, **params) -> tuple[np.ndarray, dict, list[Path]]:
    listener = _Listener()
    jobs = generation_queue(default_registry(), listener)
    try:
        jobs.submit(JobSpec("music.score", {"cache_dir": str(tmp_path / "cache"), **params}))
        assert listener.ended.wait(120), "the score never finished"
    finally:
        jobs.shutdown()
    assert listener.error is None, listener.error
    audio, rate = read_wav(listener.result.files[0])
    assert rate == RATE and audio.shape[1] == 2
    return audio, listener.result.provenance, listener.result.files


@pytest.fixture(params=["fluidsynth", "numpy synth"])
def renderer(request, monkeypatch) -> str:
    if request.param == "fluidsynth":
        if not fluid.available():
            pytest.skip("FluidSynth or a GM soundfont is not installed")
        monkeypatch.delenv(NO_FLUIDSYNTH_ENV, raising=False)
    else:
        monkeypatch.setenv(NO_FLUIDSYNTH_ENV, "1")
    return request.param


def _rms_db(audio: np.ndarray) -> float:
    return 20 * np.log10(float(np.sqrt(np.mean(audio**2))) + 1e-12)


@pytest.mark.parametrize("prompt", ["tense cinematic strings", "calm solo piano"])
def test_downbeats_land_on_the_cuts_and_the_score_is_exact_safe_and_audible(
    tmp_path, renderer, prompt
) -> None:
    cuts = [2.7, 5.3, 8.9]
    audio, made, files = score(tmp_path, duration=11.3, cuts=cuts, prompt=prompt, seed=3)
    assert len(audio) == round(11.3 * RATE)  # exact to the sample
    assert made["renderer"] == renderer and made["cuts_hit"] == [round(c * RATE) for c in cuts]
    for cut in cuts:
        assert abs(onset_near(audio, cut) - cut) <= 0.020, (cut, made["tempo_fit"])
    peak = float(np.abs(audio).max())
    assert 0.5 < peak < PEAK_LIMIT  # loud enough, never clipped
    assert _rms_db(audio) > -35  # music, not near-silence
    for second in range(0, 11):  # no silent holes: every second has sound
        assert _rms_db(audio[second * RATE : (second + 1) * RATE]) > -45, second
    assert {f.suffix for f in files} == {".wav", ".mid"}
    assert made["task"] == "music.score" and made["backend"] == "composer" and made["seed"] == 3
    assert made["key"] and made["progression"] and made["tempo"] > 0


def test_without_hit_the_cuts_the_cuts_fall_where_the_tempo_puts_them(tmp_path, monkeypatch) -> None:
    """The control for the detector: at the style's own tempo, at least one cut misses a downbeat."""
    monkeypatch.setenv(NO_FLUIDSYNTH_ENV, "1")
    cuts = [2.7, 5.3, 8.9]
    audio, made, _ = score(
        tmp_path, duration=11.3, cuts=cuts, prompt="tense cinematic", seed=3, hit_cuts=False
    )
    assert made["tempo_fit"] == FREE and made["cuts_hit"] == []
    assert any(abs(onset_near(audio, cut) - cut) > 0.020 for cut in cuts)


def test_the_same_seed_makes_the_same_score_and_another_seed_another(tmp_path) -> None:
    params = {"duration": 4.0, "cuts": [1.5], "prompt": "happy folk guitar"}
    first, _, _ = score(tmp_path / "a", seed=7, **params)
    again, _, _ = score(tmp_path / "b", seed=7, **params)
    other, _, _ = score(tmp_path / "c", seed=8, **params)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("seconds", [0.9, 3.3333, 61 / 24])
def test_odd_lengths_are_exact_to_the_sample(tmp_path, seconds, monkeypatch) -> None:
    monkeypatch.setenv(NO_FLUIDSYNTH_ENV, "1")
    audio, made, _ = score(tmp_path, duration=seconds, prompt="lofi", seed=1)
    assert len(audio) == made["samples"] == round(seconds * RATE)
    assert float(np.abs(audio).max()) < PEAK_LIMIT and _rms_db(audio) > -40


def test_cuts_in_samples_and_a_fixed_tempo(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(NO_FLUIDSYNTH_ENV, "1")
    audio, made, _ = score(tmp_path, samples=6 * RATE + 17, cut_samples=[2 * RATE, 4 * RATE], bpm=120,
                           prompt="electronic", key="A minor")  # fmt: skip
    assert len(audio) == 6 * RATE + 17
    assert made["tempo"] == 120 and made["tempo_fit"] == BARS and made["key"] == "A minor"
    for cut in (2.0, 4.0):
        assert abs(onset_near(audio, cut) - cut) <= 0.020


def test_the_grid_keeps_one_tempo_when_the_shots_allow_it() -> None:
    # shots of 2.4 s and 4.8 s are one and two bars of 4/4 at 100 BPM
    grid = plan(10.0, [2.4, 7.2], (70, 90, 120), 4)
    assert grid.fit == BARS and abs(grid.bpm - 100) < 0.5
    downbeats = [bar.start for bar in grid.bars]
    assert all(min(abs(d - cut) for d in downbeats) < 1e-9 for cut in (2.4, 7.2))
    # shots of 1.8 s and 3 s: no whole bars at one tempo in range, but 3 and 5 beats at 100 BPM
    grid = plan(7.0, [1.8, 4.8], (90, 100, 110), 4)
    assert grid.fit == BEATS and abs(grid.bpm - 100) < 0.5
    assert [len(bar.beats) for bar in grid.bars if bar.section < 2] == [3, 5]  # a 3/4 bar, a 5/4 bar
    # shots that share no beat: a tempo map, still a downbeat on every cut
    grid = plan(8.0, [1.37, 3.91, 4.6], (90, 100, 110), 4)
    assert grid.fit == TEMPO_MAP
    assert all(any(abs(bar.start - cut) < 1e-9 for bar in grid.bars) for cut in (1.37, 3.91, 4.6))
    # a cut too near the last cannot start a bar; it is reported, not silently dropped
    grid = plan(5.0, [2.0, 2.1], (90, 100, 110), 4)
    assert grid.cuts == (2.0,) and grid.skipped == (2.1,)


def test_prompt_words_choose_the_style() -> None:
    assert style_for("dark electronic synthwave").genre == "electronic"
    assert style_for("dark electronic synthwave").modes[0] in ("minor", "phrygian")
    assert style_for("happy jazz with sax").band.lead == 65
    assert style_for("anything at all").genre == "cinematic"
    assert style_for("calm", 0.0).energy < style_for("calm", 1.0).energy


def test_keys_parse_and_bad_requests_are_refused_with_a_message() -> None:
    assert parse_key("F# minor") == Key(6, "minor") and parse_key("Bbm") == Key(10, "minor")
    assert parse_key("auto") is None and parse_key("Eb").name == "Eb major"
    with pytest.raises(GenerateError, match="key"):
        ScoreRequest.from_params({"duration": 2, "key": "H major"})
    with pytest.raises(GenerateError, match=r"samples .* or duration"):
        ScoreRequest.from_params({"prompt": "x"})
    with pytest.raises(GenerateError, match="intensity"):
        ScoreRequest.from_params({"duration": 2, "intensity": 3})
    request = ScoreRequest.from_params({"duration": 2, "cuts": "0.5, 1.0, 5", "hit_cuts": "false"})
    assert request.cuts == (24_000, 48_000)  # a cut outside the range is not a cut in it
    assert request.hit_cuts is False


def test_the_cli_writes_exactly_the_duration_asked(tmp_path) -> None:
    out = tmp_path / "cue.wav"
    result = subprocess.run(
        [sys.executable, "-m", "engine", "generate", "--task", "music.score", "--duration", "3.21",
         "--cuts", "1.1,2.2", "--prompt", "upbeat rock", "--bpm", "120", "--seed", "4", "-o", str(out),
         "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    audio, rate = read_wav(out)
    assert rate == RATE and audio.shape == (round(3.21 * RATE), 2)


def test_a_long_cue_never_repeats_a_passage_of_melody_or_harmony() -> None:
    """Nothing loops audibly: no two passages of a two-minute cue play the same tune over the same chords."""
    from engine.generate.score.music.composer import LEAD, compose

    style = style_for("happy folk guitar")
    grid = plan(120.0, [7.1, 19.4, 33.0, 48.2, 61.9, 80.3, 97.5], style.tempo, style.beats_per_bar)
    score_ = compose(grid, style, Key(7, "major"), seed=2)
    starts = [bar.start for bar in grid.bars]
    passages: dict[int, list[tuple]] = {}
    for note in score_.notes:
        if note.channel != LEAD:
            continue
        bar = max(i for i, s in enumerate(starts) if s <= note.start + 1e-9)
        section = grid.bars[bar].section
        first = next(b for b in grid.bars if b.section == section).start
        passages.setdefault(section, []).append((round(note.start - first, 3), note.pitch))
    tunes = [tuple(notes[:8]) for notes in passages.values() if len(notes) >= 4]
    assert len(tunes) >= 6 and len(set(tunes)) == len(tunes)
    crashes = {round(n.start, 3) for n in score_.notes if n.channel == 9 and n.pitch == 49}
    assert {round(c, 3) for c in grid.cuts} <= crashes  # every shot starts on a crash
