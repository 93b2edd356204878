"""The default `music.score` backend: an algorithmic composer, played by FluidSynth or numpy.

Needs no download and runs in a few seconds a minute on a CPU: the prompt's
words choose a style (engine.generate.score.music.style), the beat grid is fitted
to the cuts (music.grid), the composer writes the notes (music.composer),
FluidSynth plays them with the General MIDI soundfont when both are
installed, else the built-in synthesizer does, and the result is mastered to
exactly the range's samples. A MIDI file of the score is written beside it.
"""

from __future__ import annotations

import os

import numpy as np

from engine.generate.base import Output, Readiness
from engine.generate.score import TASK
from engine.generate.score.music import fluid, synth
from engine.generate.score.music.composer import choose_key, compose
from engine.generate.score.music.grid import plan
from engine.generate.score.music.master import master, write_wav
from engine.generate.score.music.midi import write_midi
from engine.generate.score.music.style import style_for
from engine.generate.score.music.theory import parse_key
from engine.generate.score.request import ScoreRequest
from engine.jobs.progress import ENCODING, PREPARING, RENDERING, JobContext

#: Set to 1 to play scores with the built-in synthesizer even where FluidSynth is installed.
NO_FLUIDSYNTH_ENV = "SHOTLINE_NO_FLUIDSYNTH"


class ComposerBackend:
    name = TASK.default
    task = TASK.name
    label = TASK.default_label
    gpu = False

    def readiness(self) -> Readiness:
        if _use_fluidsynth():
            return Readiness(True, f"CPU, FluidSynth with {fluid.find_soundfont()}")
        return Readiness(
            True, "CPU, built-in synthesizer (install fluidsynth and a GM soundfont for real instruments)"
        )

    def run(self, request: ScoreRequest, context: JobContext) -> Output:
        context.progress(0.0, PREPARING)
        style = style_for(request.prompt, request.intensity)
        # the key and the notes draw from separate streams, so naming a key keeps the same tune
        key = parse_key(request.key) or choose_key(style, np.random.default_rng([request.seed, 1]))
        grid = plan(request.duration, request.cut_seconds, style.tempo, style.beats_per_bar, request.bpm,
                    request.hit_cuts)  # fmt: skip
        score = compose(grid, style, key, request.seed)
        context.check_cancelled()
        midi_path = write_midi(score, grid.bpm, context.workdir / "score.mid")

        def rendered(fraction: float) -> None:
            context.progress(0.05 + 0.85 * fraction, RENDERING)
            context.check_cancelled()

        soundfont = fluid.find_soundfont() if _use_fluidsynth() else None
        if soundfont is not None:
            audio = fluid.render(score, request.samples, soundfont, rendered)
            renderer = "fluidsynth"
        else:
            audio = synth.render(score, request.samples, rendered)
            renderer = "numpy synth"
        context.progress(0.92, ENCODING)
        path = write_wav(context.workdir / "score.wav", master(audio, request.samples))
        context.progress(1.0, ENCODING)
        return Output(
            [path, midi_path],
            request.provenance(
                backend=self.name,
                model_id="",
                renderer=renderer,
                soundfont=str(soundfont) if soundfont else "",
                genre=style.genre,
                mood=style.mood,
                tempo=round(grid.bpm, 3),
                tempo_fit=grid.fit,
                cuts_hit=[round(c * 48_000) for c in grid.cuts],
                cuts_skipped=[round(c * 48_000) for c in grid.skipped],
                key=key.name,
                progression=" ".join(score.progression),
                programs={str(k): v for k, v in score.programs.items()},
            ),
        )


def _use_fluidsynth() -> bool:
    return os.environ.get(NO_FLUIDSYNTH_ENV, "") not in ("1", "true", "yes") and fluid.available()
