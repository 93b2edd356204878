"""From the words of a prompt to how a cue is played: genre, mood, tempo, instruments, drums.

A prompt such as "tense dark cinematic strings" is read word by word: one
genre (the first named, else cinematic), one mood (else neutral) and any
instruments named, which replace the genre's own. The genre gives the tempo
range, the drum pattern and the band; the mood gives the mode, shifts the
tempo and scales the intensity. Unknown words are ignored, so any prompt
makes music.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

#: Drum voices, General MIDI channel 10.
KICK, SNARE, SIDE_STICK, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 36, 38, 37, 39, 42, 44, 46
CRASH, RIDE, LOW_TOM, MID_TOM, HIGH_TOM = 49, 51, 45, 47, 50

#: Drum patterns as 16 steps of a 4-beat bar: voice -> steps (0 = the downbeat).
PATTERNS: dict[str, dict[int, tuple[int, ...]]] = {
    "rock": {KICK: (0, 8, 10), SNARE: (4, 12), CLOSED_HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "four": {KICK: (0, 4, 8, 12), CLAP: (4, 12), CLOSED_HAT: (2, 6, 10, 14), PEDAL_HAT: (0, 8)},
    "hiphop": {KICK: (0, 7, 10), SNARE: (4, 12), CLOSED_HAT: (0, 2, 4, 6, 8, 10, 12, 14)},
    "jazz": {RIDE: (0, 4, 7, 8, 12, 15), PEDAL_HAT: (4, 12), KICK: (0, 8)},
    "cinematic": {KICK: (0, 8), LOW_TOM: (0, 6, 8, 14), MID_TOM: (12,)},
    "folk": {KICK: (0, 8), SIDE_STICK: (4, 12), CLOSED_HAT: (0, 4, 8, 12)},
    "ambient": {KICK: (0,), PEDAL_HAT: (8,)},
}


@dataclass(frozen=True)
class Band:
    """General MIDI programs (0-based) for each part; None leaves the part out."""

    pad: int | None
    bass: int
    keys: int | None
    lead: int


@dataclass(frozen=True)
class Style:
    genre: str
    mood: str
    tempo: tuple[float, float, float]  # slowest, usual, fastest BPM
    modes: tuple[str, ...]  # the modes this style plays in, preferred first
    band: Band
    drums: str | None  # a key of PATTERNS
    swing: float = 0.0  # 0 straight, 1/3 full triplet swing of the off-beat eighths
    energy: float = 0.6  # how busy and loud, 0..1 (the request's intensity scales it)
    beats_per_bar: int = 4

    @property
    def usual_bpm(self) -> float:
        return self.tempo[1]


GENRES: dict[str, Style] = {
    "cinematic": Style("cinematic", "neutral", (70, 90, 120), ("minor", "major"), Band(48, 32, 0, 60),
                       "cinematic"),
    "ambient": Style("ambient", "neutral", (60, 72, 90), ("major", "dorian"), Band(89, 38, 4, 73), "ambient",
                     energy=0.35),
    "electronic": Style("electronic", "neutral", (110, 122, 132), ("minor", "dorian"), Band(90, 38, 4, 81),
                        "four", energy=0.75),
    "rock": Style("rock", "neutral", (96, 118, 150), ("minor", "mixolydian", "major"), Band(None, 33, 29, 30),
                  "rock", energy=0.8),
    "jazz": Style("jazz", "neutral", (90, 120, 170), ("dorian", "major"), Band(None, 32, 0, 66), "jazz",
                  swing=1 / 3, energy=0.5),
    "lofi": Style("lofi", "neutral", (70, 82, 92), ("dorian", "major"), Band(None, 33, 4, 11), "hiphop",
                  swing=0.2, energy=0.45),
    "folk": Style("folk", "neutral", (84, 100, 126), ("major", "mixolydian"), Band(None, 32, 25, 73), "folk",
                  energy=0.5),
    "piano": Style("piano", "neutral", (60, 76, 100), ("major", "minor"), Band(None, 0, 0, 0), None,
                   energy=0.4),
}  # fmt: skip

GENRE_WORDS: dict[str, str] = {
    **{w: "cinematic" for w in ("cinematic", "film", "score", "orchestral", "orchestra", "epic", "trailer")},
    **{w: "ambient" for w in ("ambient", "atmospheric", "drone", "meditation", "space", "dreamy")},
    **{w: "electronic" for w in ("electronic", "edm", "techno", "house", "synthwave", "dance", "trance")},
    **{w: "rock" for w in ("rock", "punk", "metal", "grunge", "indie")},
    **{w: "jazz" for w in ("jazz", "swing", "bebop", "noir", "lounge")},
    **{w: "lofi" for w in ("lofi", "lo-fi", "hiphop", "hip-hop", "chillhop", "beats", "chill")},
    **{w: "folk" for w in ("folk", "acoustic", "country", "americana", "campfire")},
    **{w: "piano" for w in ("piano", "solo", "classical", "minimal")},
}

#: mood -> (modes, tempo factor, energy factor)
MOODS: dict[str, tuple[tuple[str, ...], float, float]] = {
    "happy": (("major", "mixolydian"), 1.1, 1.1),
    "sad": (("minor", "dorian"), 0.85, 0.7),
    "tense": (("phrygian", "minor"), 1.0, 1.0),
    "dark": (("minor", "phrygian"), 0.92, 0.9),
    "calm": (("major", "dorian"), 0.85, 0.6),
    "epic": (("minor",), 1.05, 1.3),
    "romantic": (("major", "minor"), 0.9, 0.7),
    "mysterious": (("dorian", "phrygian"), 0.9, 0.7),
}
MOOD_WORDS: dict[str, str] = {
    **{
        w: "happy" for w in ("happy", "uplifting", "bright", "joyful", "cheerful", "upbeat", "hopeful", "fun")
    },
    **{w: "sad" for w in ("sad", "melancholy", "melancholic", "somber", "sombre", "nostalgic", "lonely")},
    **{w: "tense" for w in ("tense", "suspense", "suspenseful", "thriller", "anxious", "chase", "action")},
    **{w: "dark" for w in ("dark", "ominous", "horror", "gloomy", "menacing", "sinister")},
    **{w: "calm" for w in ("calm", "peaceful", "gentle", "relaxed", "soft", "quiet", "serene", "warm")},
    **{w: "epic" for w in ("epic", "heroic", "powerful", "triumphant", "battle", "driving")},
    **{w: "romantic" for w in ("romantic", "love", "tender", "intimate")},
    **{w: "mysterious" for w in ("mysterious", "mystery", "eerie", "strange", "curious")},
}

#: instrument word -> (part, GM program)
INSTRUMENTS: dict[str, tuple[str, int]] = {
    "piano": ("keys", 0), "rhodes": ("keys", 4), "organ": ("keys", 16), "guitar": ("keys", 25),
    "harp": ("keys", 46), "vibraphone": ("lead", 11), "marimba": ("lead", 12), "bells": ("lead", 14),
    "strings": ("pad", 48), "violin": ("lead", 40), "cello": ("lead", 42), "choir": ("pad", 52),
    "brass": ("lead", 61), "horn": ("lead", 60), "horns": ("lead", 60), "trumpet": ("lead", 56),
    "flute": ("lead", 73), "clarinet": ("lead", 71), "oboe": ("lead", 68), "sax": ("lead", 65),
    "saxophone": ("lead", 65), "synth": ("lead", 81), "synths": ("pad", 90), "pad": ("pad", 89),
    "pads": ("pad", 89), "bass": ("bass", 33), "808": ("bass", 38), "upright": ("bass", 32),
}  # fmt: skip


def words(prompt: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9'-]*", prompt.lower())


def style_for(prompt: str, intensity: float = 0.5) -> Style:
    """The style a prompt asks for; `intensity` (0..1, 0.5 neutral) scales its energy."""
    said = words(prompt)
    genre = next((GENRE_WORDS[w] for w in said if w in GENRE_WORDS and GENRE_WORDS[w] != "piano"), None)
    if genre is None:
        genre = (
            "piano" if "piano" in said and not any(w in INSTRUMENTS for w in said if w != "piano") else None
        )
    style = GENRES[genre or "cinematic"]
    mood = next((MOOD_WORDS[w] for w in said if w in MOOD_WORDS), None)
    energy = style.energy
    if mood is not None:
        modes, tempo_factor, energy_factor = MOODS[mood]
        lo, usual, hi = style.tempo
        usual = min(hi, max(lo, usual * tempo_factor))
        style = replace(style, mood=mood, modes=modes, tempo=(lo, usual, hi))
        energy *= energy_factor
    band = style.band
    for word in said:
        if word in INSTRUMENTS and not (genre == "piano" and word == "piano"):
            part, program = INSTRUMENTS[word]
            band = replace(band, **{part: program})
    if "waltz" in said:
        style = replace(style, beats_per_bar=3)
    energy = min(1.0, max(0.05, energy * (0.4 + 1.2 * intensity)))
    return replace(style, band=band, energy=energy)
