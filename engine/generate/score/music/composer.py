"""The notes of a cue: chords, bass, comping, melody and drums on the beat grid.

Form follows the picture: every shot (grid section) is a passage with its
own progression and melodic motif, a crash and a kick on its first downbeat
and a fill into the next; without cuts, passages change every eight bars.
Phrases are four bars: a two-bar motif, then a varied answer that closes on
a chord tone, so the melody develops instead of looping. Layers enter as the
cue goes on (an intro without drums or melody when there is room), the last
bar holds the tonic. Everything random comes from one seeded generator, so a
seed always makes the same cue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.generate.score.music import style as st
from engine.generate.score.music.grid import Bar, Grid
from engine.generate.score.music.theory import PROGRESSIONS, Key, degree_name

PAD, BASS, KEYS, LEAD, TIMPANI, DRUMS = 0, 1, 2, 3, 4, 9
TIMPANI_PROGRAM = 47
#: Passages without cuts change every this many bars.
PASSAGE_BARS = 8


@dataclass(frozen=True)
class Note:
    start: float  # seconds
    end: float
    channel: int
    pitch: int
    velocity: int


@dataclass
class Score:
    notes: list[Note]
    programs: dict[int, int]  # channel -> General MIDI program
    key: Key
    progression: list[str] = field(default_factory=list)  # one Roman numeral per bar


def choose_key(style: st.Style, rng: np.random.Generator) -> Key:
    tonic = int(rng.choice([0, 2, 4, 5, 7, 9, 10, 3]))
    mode = style.modes[0] if len(style.modes) == 1 or rng.random() < 0.7 else style.modes[1]
    return Key(tonic, mode)


def compose(grid: Grid, style: st.Style, key: Key, seed: int) -> Score:
    rng = np.random.default_rng(seed)
    return _Composer(grid, style, key, rng).score()


class _Composer:
    def __init__(self, grid: Grid, style: st.Style, key: Key, rng: np.random.Generator) -> None:
        self.grid, self.style, self.key, self.rng = grid, style, key, rng
        self.notes: list[Note] = []
        self.end = grid.duration
        self.energy = style.energy
        self.passages = _passages(grid)

    # form -------------------------------------------------------------------------------

    def score(self) -> Score:
        degrees: list[int] = []
        choices = PROGRESSIONS[self.key.mode]
        previous: int | None = None
        motifs: list[tuple[list[tuple[float, float]], list[int]]] = []
        count = len(self.passages)
        position = 0  # bars into the current progression: short shots carry it on, not restart it
        progression = choices[0]
        for number, bars in enumerate(self.passages):
            if len(bars) >= 4 or position % 4 == 0:
                position = 0
                pick = int(self.rng.integers(len(choices)))
                if pick == previous and len(choices) > 1:
                    pick = (pick + 1 + int(self.rng.integers(len(choices) - 1))) % len(choices)
                previous = pick
                progression = choices[pick]
            if motifs and number >= 2 and self.rng.random() < 0.35:
                motif = motifs[int(self.rng.integers(len(motifs)))]  # a theme comes back, varied below
                motif = (motif[0], [-step for step in motif[1]]) if self.rng.random() < 0.5 else motif
            else:
                motif = self._motif()
            motifs.append(motif)
            level = self._level(number, count)
            last_passage = number == count - 1
            for index, bar in enumerate(bars):
                final = last_passage and index == len(bars) - 1 and len(self.grid.bars) > 1
                degree = 0 if final else progression[position % len(progression)]
                position += 1
                if not final and index == len(bars) - 1 and len(bars) >= 3 and not last_passage:
                    degree = 4 if self.key.mode != "phrygian" else 1  # a half cadence into the next shot
                degrees.append(degree)
                self._bar(bar, degree, index, len(bars), level, motif, first=index == 0, final=final,
                          intro=number == 0 and count >= 3)  # fmt: skip
        band = self.style.band
        programs = {BASS: band.bass, LEAD: band.lead, TIMPANI: TIMPANI_PROGRAM}
        if band.pad is not None:
            programs[PAD] = band.pad
        if band.keys is not None:
            programs[KEYS] = band.keys
        notes = [n for n in self.notes if n.start < self.end and n.end > n.start]
        notes = [Note(n.start, min(n.end, self.end), n.channel, n.pitch, n.velocity) for n in notes]
        notes.sort(key=lambda n: (n.start, n.channel, n.pitch))
        return Score(notes, programs, self.key, [degree_name(self.key, d) for d in degrees])

    def _level(self, number: int, count: int) -> float:
        """How full a passage is: a rise to about two thirds of the cue, then a settle."""
        if count == 1:
            return self.energy
        place = number / (count - 1)
        arc = 0.75 + 0.35 * np.sin(np.pi * min(1.0, place * 1.3))
        return float(min(1.0, self.energy * arc))

    def _bar(self, bar: Bar, degree: int, index: int, length: int, level: float, motif, *, first: bool,
             final: bool, intro: bool) -> None:  # fmt: skip
        chord = self.key.chord(degree, octave=3, size=4 if self.style.genre in ("jazz", "lofi") else 3)
        if final:
            self._hold(bar, chord, level)
            return
        self._pad(bar, chord, level)
        self._bass(bar, chord, level, accent=first)
        self._keys(bar, chord, level)
        if not intro or index >= length // 2:
            self._melody(bar, degree, index, level, motif)
        if self.style.drums and (not intro or index >= length - 1):
            self._drums(bar, level, first=first, fill=index == length - 1 and length > 1)
        elif first:
            self._accent(bar, level)

    # parts ----------------------------------------------------------------------------

    def _add(self, start: float, end: float, channel: int, pitch: int, velocity: float) -> None:
        velocity = round(min(127, max(1, velocity)))
        self.notes.append(Note(start, end, channel, int(pitch), velocity))

    def _pad(self, bar: Bar, chord: list[int], level: float) -> None:
        if self.style.band.pad is None:
            return
        for pitch in chord:
            self._add(bar.start, bar.end, PAD, pitch + 12, 40 + 40 * level)

    def _bass(self, bar: Bar, chord: list[int], level: float, accent: bool) -> None:
        root = chord[0] - 12 if chord[0] - 12 >= 28 else chord[0]
        fifth = root + 7
        beats = len(bar.beats)
        vel = 70 + 40 * level + (15 if accent else 0)
        genre = self.style.genre
        if genre == "jazz":
            line = [root, chord[1] - 12, fifth, chord[2] - 12 + (1 if self.rng.random() < 0.3 else 0)]
            for b in range(beats):
                self._add(bar.at(b), bar.at(b + 0.9), BASS, line[b % 4], vel - (0 if b == 0 else 15))
        elif genre in ("rock", "electronic") and level > 0.4:
            offs = [0.0, 0.5] if genre == "rock" else [0.5]
            self._add(bar.at(0), bar.at(0.45), BASS, root, vel)
            for b in range(beats):
                for off in offs:
                    if b == 0 and off == 0:
                        continue
                    self._add(bar.at(b + off), bar.at(b + off + 0.45), BASS, root, vel - 20)
        else:
            half = beats / 2 if beats >= 4 else beats
            self._add(bar.at(0), bar.at(half - 0.05), BASS, root, vel)
            if beats >= 4:
                other = fifth if self.rng.random() < 0.6 else root
                self._add(bar.at(half), bar.at(beats - 0.05), BASS, other, vel - 18)

    def _keys(self, bar: Bar, chord: list[int], level: float) -> None:
        if self.style.band.keys is None:
            return
        beats = len(bar.beats)
        vel = 45 + 45 * level
        genre = self.style.genre
        voicing = [p + 12 for p in chord]
        if genre in ("piano", "ambient", "cinematic", "folk") or level < 0.3:
            # an arpeggio in eighths (quarters when calm), up and back down
            step = 0.5 if level > 0.35 or genre == "folk" else 1.0
            shape = [*voicing, voicing[0] + 12, *voicing[1:][::-1]]
            count = int(beats / step)
            for k in range(count):
                pos = k * step
                self._add(bar.at(pos), bar.at(min(beats, pos + step * 1.8)), KEYS, shape[k % len(shape)],
                          vel - (0 if k % int(2 / step) == 0 else 10))  # fmt: skip
        elif genre == "rock":
            power = [chord[0], chord[0] + 7, chord[0] + 12]
            for k in range(beats * 2):
                for p in power:
                    self._add(bar.at(k / 2), bar.at(k / 2 + 0.45), KEYS, p, vel - (0 if k % 2 == 0 else 12))
        elif genre == "electronic":
            for b in range(beats):
                for p in voicing:
                    self._add(bar.at(b + 0.5), bar.at(b + 0.8), KEYS, p, vel - 10)
        else:  # jazz, lofi: comping on 1 and the and of 2 (and of 4 for jazz)
            hits = [(0.0, 1.4), (1.5, 1.0)] + ([(3.5, 0.4)] if genre == "jazz" and beats >= 4 else [])
            for pos, dur in hits:
                if pos < beats:
                    for p in voicing:
                        self._add(self._swung(bar, pos), bar.at(min(beats, pos + dur)), KEYS, p, vel - 5)

    def _motif(self) -> tuple[list[tuple[float, float]], list[int]]:
        """A two-bar rhythm (beat positions and lengths) and its melodic steps in scale degrees."""
        density = 0.25 + 0.6 * self.energy
        rhythm: list[tuple[float, float]] = []
        pos = 0.0
        span = 2 * self.style.beats_per_bar
        while pos < span - 0.5:
            choices = [0.5, 1.0, 1.5, 2.0] if density > 0.5 else [1.0, 1.5, 2.0, 3.0]
            weights = [0.4, 0.35, 0.15, 0.1] if density > 0.5 else [0.4, 0.2, 0.3, 0.1]
            length = float(self.rng.choice(choices, p=weights))
            length = min(length, span - pos)
            if self.rng.random() < 0.85 or not rhythm:
                rhythm.append((pos, length))
            pos += length
        steps = [int(s) for s in self.rng.choice([-2, -1, -1, 1, 1, 2, 3, -3, 0], size=len(rhythm))]
        return rhythm, steps

    def _melody(self, bar: Bar, degree: int, index: int, level: float, motif) -> None:
        rhythm, steps = motif
        beats_per_bar = self.style.beats_per_bar
        half = index % 2  # which bar of the two-bar motif
        answer = index % 4 >= 2  # the second half of a four-bar phrase varies the first
        vel = 60 + 45 * level
        current = degree + 7  # start on the chord's root an octave up (scale degrees from the tonic)
        chord_degrees = {degree % 7, (degree + 2) % 7, (degree + 4) % 7}
        events = [(p - half * beats_per_bar, d, s) for (p, d), s in zip(rhythm, steps, strict=False)
                  if half * beats_per_bar <= p < (half + 1) * beats_per_bar]  # fmt: skip
        for n, (pos, length, step) in enumerate(events):
            if pos >= len(bar.beats):
                break
            if answer:
                step = -step if n % 2 else step + (1 if self.rng.random() < 0.3 else 0)
            current += step
            strong = pos == int(pos) and int(pos) % 2 == 0
            if strong and current % 7 not in chord_degrees:
                current += 1 if (current + 1) % 7 in chord_degrees else -1
            current = max(4, min(16, current))
            last = answer and half == 1 and n == len(events) - 1
            if last:
                current = min(chord_degrees, key=lambda d: abs(d + 7 - current)) + 7
                length = len(bar.beats) - pos
            pitch = self.key.degree_pitch(current, octave=4)
            end = min(len(bar.beats), pos + length * 0.95)
            self._add(self._swung(bar, pos), bar.at(end), LEAD, pitch, vel + (8 if strong else 0))

    def _swung(self, bar: Bar, pos: float) -> float:
        if self.style.swing and abs(pos % 1 - 0.5) < 1e-6:
            pos = int(pos) + 0.5 + self.style.swing / 2
        return bar.at(pos)

    def _drums(self, bar: Bar, level: float, first: bool, fill: bool) -> None:
        pattern = st.PATTERNS[self.style.drums or "rock"]
        beats = len(bar.beats)
        steps = beats * 4
        base = 55 + 60 * level
        for voice, hits in pattern.items():
            for s in range(steps):
                if s % 16 not in hits or (fill and s >= steps - 4 and voice != st.KICK):
                    continue
                vel = base + (12 if s % 8 == 0 else 0) - (25 if voice in (st.CLOSED_HAT, st.PEDAL_HAT) else 0)
                self._hit(self._swung(bar, s / 4), voice, vel)
        if level > 0.8 and self.style.drums in ("rock", "four"):
            for s in range(1, steps, 2):
                self._hit(bar.at(s / 4), st.CLOSED_HAT, base - 40)
        if first:
            self._hit(bar.at(0), st.CRASH, base + 20)
            if 0 not in pattern.get(st.KICK, ()):
                self._hit(bar.at(0), st.KICK, base + 20)
        if fill:
            toms = [st.SNARE, st.SNARE, st.HIGH_TOM, st.MID_TOM] if level > 0.5 else [st.SNARE, st.SIDE_STICK]
            for k, s in enumerate(range(steps - 4, steps, 1 if level > 0.5 else 2)):
                self._hit(bar.at(s / 4), toms[k % len(toms)], base - 10 + 5 * k)

    def _hit(self, start: float, pitch: int, velocity: float) -> None:
        self._add(start, start + 0.1, DRUMS, pitch, velocity)

    def _accent(self, bar: Bar, level: float) -> None:
        """Without drums, a shot still starts on a beat you hear: a timpani stroke on the tonic."""
        root = self.key.degree_pitch(0, octave=2)
        self._add(bar.at(0), bar.at(min(len(bar.beats), 2)), TIMPANI, root + (12 if root < 41 else 0),
                  90 + 35 * level)  # fmt: skip

    def _hold(self, bar: Bar, chord: list[int], level: float) -> None:
        """The last bar: the tonic, held to the end."""
        vel = 55 + 40 * level
        for pitch in chord:
            self._add(bar.start, self.end, PAD if self.style.band.pad is not None else KEYS, pitch + 12, vel)
        self._add(bar.start, self.end, BASS, chord[0] - 12 if chord[0] >= 40 else chord[0], vel + 10)
        self._add(bar.start, self.end, LEAD, self.key.degree_pitch(7, octave=4), vel)
        if self.style.drums:
            self._hit(bar.start, st.CRASH, vel + 15)
            self._hit(bar.start, st.KICK, vel + 15)
        else:
            self._accent(bar, level)


def _passages(grid: Grid) -> list[list[Bar]]:
    """The bars by passage: a new one at every shot, and every PASSAGE_BARS bars within one."""
    passages: list[list[Bar]] = []
    section = None
    for bar in grid.bars:
        if bar.section != section or len(passages[-1]) >= PASSAGE_BARS:
            passages.append([])
            section = bar.section
        passages[-1].append(bar)
    return passages
