"""The beat grid of a cue: where every bar and beat falls, fitted to the cuts.

"Hit the cuts" means a downbeat on every cut inside the range, so each shot
starts a bar (and a new phrase). The grid is built in three tries, from the
most musical to the most certain:

1. bars: one tempo (within the style's range, nearest its usual tempo) at
   which every shot lasts a whole number of bars, to within 15 ms;
2. beats: one tempo at which every shot lasts a whole number of beats (the
   bar before a cut is then shortened, a 2/4 bar in a 4/4 cue, as a
   composer does when writing to picture);
3. a tempo map: the usual tempo, with each shot's beats stretched slightly
   so they divide it exactly.

In every case the shot's beats are then spaced to divide it exactly, so the
downbeat lands on the cut to the sample; the tries only decide how far the
local tempo moves from the chosen one. Times are seconds from the start of
the range (the composer works in seconds; the renderers round to samples).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

#: How close a whole number of bars or beats must come to a shot's length to keep one tempo.
FIT = 0.015
#: Cuts closer than this to each other or to the ends cannot start a bar of their own.
SHORTEST_SECTION = 0.3
BARS, BEATS, TEMPO_MAP, FREE = "bars", "beats", "tempo map", "free"


@dataclass(frozen=True)
class Bar:
    beats: tuple[float, ...]  # start of each beat, seconds
    end: float
    section: int  # which shot (or, without cuts, which passage) the bar belongs to

    @property
    def start(self) -> float:
        return self.beats[0]

    def at(self, beat: float) -> float:
        """The time of a fractional beat position within the bar (2.5 = halfway through beat 3)."""
        index = min(int(beat), len(self.beats) - 1)
        begin = self.beats[index]
        following = self.beats[index + 1] if index + 1 < len(self.beats) else self.end
        return begin + (following - begin) * (beat - index)


@dataclass(frozen=True)
class Grid:
    bars: tuple[Bar, ...]
    bpm: float  # the tempo chosen
    fit: str  # BARS, BEATS, TEMPO_MAP or FREE (no cuts to hit)
    cuts: tuple[float, ...]  # the cuts the grid puts a downbeat on
    skipped: tuple[float, ...]  # cuts too close to another or to an end to start a bar
    duration: float

    @property
    def sections(self) -> int:
        return self.bars[-1].section + 1 if self.bars else 0


def plan(
    duration: float,
    cuts: list[float],
    tempo: tuple[float, float, float],
    beats_per_bar: int = 4,
    bpm: float | None = None,
    hit_cuts: bool = True,
) -> Grid:
    """The grid for a cue of `duration` seconds with shot `cuts` (seconds from its start)."""
    usable, skipped = _usable_cuts(duration, cuts) if hit_cuts else ([], [])
    if not usable:
        chosen = float(bpm or tempo[1])
        bars = _free_bars(0.0, duration, 60.0 / chosen, beats_per_bar, 0)
        return Grid(tuple(bars), chosen, FREE, (), tuple(skipped if hit_cuts else []), duration)
    bounds = [0.0, *usable]
    shots = [b - a for a, b in itertools.pairwise(bounds)]
    candidates = [float(bpm)] if bpm else _candidates(tempo)
    usual = float(bpm or tempo[1])
    chosen, fit = None, TEMPO_MAP
    for unit, name in ((beats_per_bar, BARS), (1, BEATS)):
        fitting = [b for b in candidates if _misfit(shots, unit * 60.0 / b) <= FIT]
        if fitting:
            chosen, fit = min(fitting, key=lambda b: abs(b - usual)), name
            break
    chosen = chosen or usual
    bars: list[Bar] = []
    beat = 60.0 / chosen
    for index, (start, length) in enumerate(zip(bounds, shots, strict=False)):
        if fit == BARS:
            count = max(1, round(length / (beat * beats_per_bar))) * beats_per_bar
        else:
            count = max(1, round(length / beat))
        bars += _exact_bars(start, length, count, beats_per_bar, index)
    bars += _free_bars(bounds[-1], duration, beat, beats_per_bar, len(shots))
    return Grid(tuple(bars), chosen, fit, tuple(usable), tuple(skipped), duration)


def _usable_cuts(duration: float, cuts: list[float]) -> tuple[list[float], list[float]]:
    usable: list[float] = []
    skipped: list[float] = []
    for cut in sorted(set(cuts)):
        last = usable[-1] if usable else 0.0
        if cut - last < SHORTEST_SECTION or duration - cut < SHORTEST_SECTION:
            skipped.append(cut)
        else:
            usable.append(cut)
    return usable, skipped


def _candidates(tempo: tuple[float, float, float]) -> list[float]:
    lo, _, hi = tempo
    steps = round((hi - lo) / 0.05)
    return [lo + k * 0.05 for k in range(steps + 1)]


def _misfit(shots: list[float], unit: float) -> float:
    """How far the worst shot is from a whole number (at least one) of `unit`-second spans."""
    return max(abs(length - max(1, round(length / unit)) * unit) for length in shots)


def _meter(count: int, beats_per_bar: int) -> list[int]:
    """Split `count` beats into bars: whole bars, then a short bar (or one long one for a single beat)."""
    whole, rest = divmod(count, beats_per_bar)
    if whole == 0:
        return [rest]
    if rest == 0:
        return [beats_per_bar] * whole
    if rest == 1:
        return [beats_per_bar] * (whole - 1) + [beats_per_bar + 1]
    return [beats_per_bar] * whole + [rest]


def _exact_bars(start: float, length: float, count: int, beats_per_bar: int, section: int) -> list[Bar]:
    beat = length / count
    bars = []
    n = 0
    for size in _meter(count, beats_per_bar):
        beats = tuple(start + (n + k) * beat for k in range(size))
        n += size
        bars.append(Bar(beats, start + n * beat, section))
    return bars


def _free_bars(start: float, end: float, beat: float, beats_per_bar: int, section: int) -> list[Bar]:
    """Bars at a steady tempo from `start` until `end` (the last one cut short by the end)."""
    bars = []
    time = start
    while time < end - 1e-9:
        beats = tuple(t for t in (time + k * beat for k in range(beats_per_bar)) if t < end - 1e-9)
        bar_end = min(end, time + beats_per_bar * beat)
        bars.append(Bar(beats, bar_end, section))
        time += beats_per_bar * beat
    return bars
