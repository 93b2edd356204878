"""Task `music.score`: a cue for a range of the timeline, its bar lines on the cuts.

request.py (the checked request), composer.py and music/ (the
no-download default: an algorithmic composer played by FluidSynth),
diffusers.py (Stable Audio Open, AudioLDM 2 on GPUs), acestep.py (ACE-Step 1.5:
lyrics, BPM and key, rescoring a section of a cue) and timeline.py (a
range to a job spec, a result to a clip on a music track).
"""

from __future__ import annotations

from engine.generate.task import TaskDeclaration

TASK = TaskDeclaration(
    name="music.score",
    label="Score music",
    default="composer",
    default_label="Composer (General MIDI, no AI model)",
    parse="engine.generate.score.request:ScoreRequest.from_params",
    backends=(
        "engine.generate.score.composer:ComposerBackend",
        "engine.generate.score.acestep:acestep_backends",
        "engine.generate.score.diffusers:music_backends",
    ),
)
