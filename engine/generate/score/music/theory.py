"""Keys, scales and chords, in MIDI note numbers.

Kept to what a cue needs: a key is a tonic and a mode; a chord is a scale
degree stacked in thirds within that mode, so progressions are written as
degrees ("i VI III VII") and sound right in any key.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import GenerateError

NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
#: Other spellings of the same pitch classes
SPELLINGS = {"Db": "C#", "D#": "Eb", "Gb": "F#", "G#": "Ab", "A#": "Bb", "Cb": "B", "Fb": "E", "E#": "F",
             "B#": "C"}  # fmt: skip
MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
}
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii")


@dataclass(frozen=True)
class Key:
    tonic: int  # pitch class, 0 = C
    mode: str

    @property
    def name(self) -> str:
        return f"{NAMES[self.tonic]} {self.mode}"

    @property
    def scale(self) -> tuple[int, ...]:
        return MODES[self.mode]

    def degree_pitch(self, degree: int, octave: int = 4) -> int:
        """The MIDI note of scale degree `degree` (0-based, may be negative or above 6) in `octave`."""
        steps = self.scale
        span, index = divmod(degree, len(steps))
        return 12 * (octave + 1) + self.tonic + steps[index] + 12 * span

    def chord(self, degree: int, octave: int = 3, size: int = 3) -> list[int]:
        """Degree `degree` stacked in diatonic thirds (size 3 triad, 4 seventh)."""
        return [self.degree_pitch(degree + 2 * k, octave) for k in range(size)]

    def snap(self, pitch: int) -> int:
        """The nearest note of the scale to `pitch` (ties go down)."""
        pcs = {(self.tonic + s) % 12 for s in self.scale}
        for delta in (0, -1, 1, -2, 2):
            if (pitch + delta) % 12 in pcs:
                return pitch + delta
        return pitch


def parse_key(text: str | None) -> Key | None:
    """ "A minor", "F#", "Bbm", "c# dorian" -> a Key; None or "" or "auto" -> None (chosen by style)."""
    if text is None or not str(text).strip() or str(text).strip().lower() == "auto":
        return None
    words = str(text).strip().replace("-", " ").split()
    head = words[0]
    root = head[:2] if len(head) > 1 and head[1] in "#b" else head[:1]
    root = root[0].upper() + root[1:]
    rest = head[len(root) :].lower()
    name = SPELLINGS.get(root, root)
    if name not in NAMES:
        raise GenerateError(f"Key {text!r} is not a key such as C major, A minor or F# dorian")
    mode_word = (words[1].lower() if len(words) > 1 else rest) or "major"
    aliases = {"m": "minor", "min": "minor", "maj": "major", "aeolian": "minor", "ionian": "major"}
    mode = aliases.get(mode_word, mode_word)
    if mode not in MODES:
        raise GenerateError(f"Key {text!r}: the mode must be one of {', '.join(MODES)}")
    return Key(NAMES.index(name), mode)


def degree_name(key: Key, degree: int) -> str:
    """Roman numeral of a degree as it sounds in `key` (upper case for a major triad)."""
    root, third = key.chord(degree)[:2]
    numeral = ROMAN[degree % 7]
    return numeral.upper() if third - root == 4 else numeral


#: Progressions by feel, as scale degrees (0 = the tonic). Each is one phrase, one chord a bar.
PROGRESSIONS: dict[str, list[list[int]]] = {
    "major": [
        [0, 4, 5, 3],  # I V vi IV
        [0, 5, 3, 4],  # I vi IV V
        [3, 0, 4, 5],  # IV I V vi
        [0, 3, 5, 4],  # I IV vi V
        [5, 3, 0, 4],  # vi IV I V
        [0, 2, 3, 4],  # I iii IV V
        [1, 4, 0, 0],  # ii V I I
        [0, 3, 1, 4],  # I IV ii V
    ],
    "minor": [
        [0, 5, 2, 6],  # i VI III VII
        [0, 3, 4, 0],  # i iv v i
        [0, 6, 5, 6],  # i VII VI VII
        [5, 6, 0, 0],  # VI VII i i
        [0, 3, 5, 4],  # i iv VI v
        [0, 5, 3, 4],  # i VI iv v
        [3, 0, 5, 6],  # iv i VI VII
    ],
    "dorian": [[0, 3, 0, 3], [0, 6, 3, 0], [0, 1, 6, 0]],
    "mixolydian": [[0, 6, 3, 0], [0, 3, 6, 3], [0, 4, 6, 0]],
    "phrygian": [[0, 1, 0, 6], [0, 1, 5, 0], [0, 5, 1, 0]],
}
