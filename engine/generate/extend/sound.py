"""The sound of an extended take when the model makes sound (LTX-2): the clip's own, then the model's.

LTX-2 makes sound for everything it generates, the clip's frames it was
shown included. The extended take's sound is as long as the take: over the
clip's own frames, the sound the clip's take already had (its take sound,
passed as the request's `sound`; silence when it had none, since a camera's
sound lives on its own linked clip and is not repeated here), and over the
new frames the model's sound from the instant the first new frame shows.
A head extension is made backwards in time; backwards sound is not sound,
so its new frames stay silent (the log says so).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from engine.generate.score.music.master import RATE, read_wav, write_wav
from engine.generate.sound import shot_samples, to_48k


def extended_sound(
    path: Path,
    source_sound: str | None,
    start: int,
    count: int,
    frames: int,
    rate: Fraction,
    made: np.ndarray | None,
    made_rate: int,
    new_from: Fraction,
    head: bool,
) -> int:
    """Write the extended take's sound (48 kHz stereo) to `path`; returns its samples.

    `start`, `count`: the clip's source frames at `rate`; `frames`: the new
    ones; `made` (channels, n) at `made_rate`: the model's sound for all the
    frames it made, whose new part begins `new_from` of the way in (its
    share of the clip's frames it was shown).
    """
    total = shot_samples(count + frames, rate)
    out = np.zeros((total, 2), np.float32)
    own_at = shot_samples(frames, rate) if head else 0
    if source_sound:
        samples, sound_rate = read_wav(Path(source_sound))
        stereo = to_48k(samples.T, sound_rate)
        first = int(Fraction(start) / rate * RATE)
        own = stereo[first : first + shot_samples(count, rate)]
        out[own_at : own_at + len(own)] = own[: total - own_at]
    if made is not None and not head:
        stereo = to_48k(made, made_rate)
        begin = int(len(stereo) * new_from)
        new_at = shot_samples(count, rate)
        new = stereo[begin : begin + total - new_at]
        out[new_at : new_at + len(new)] = new
    write_wav(path, np.clip(out, -1.0, 1.0))
    return total
