"""A cue as a standard MIDI file, so a composer can open the score in a DAW and rework it.

The file is written next to the audio with mido; the renderers play the
notes directly (from their times in seconds, to the sample), so the file
is the score's record, not a step of the render.
"""

from __future__ import annotations

from pathlib import Path

import mido

from engine.generate.score.music.composer import DRUMS, Score

TICKS_PER_BEAT = 480


def write_midi(score: Score, bpm: float, path: Path) -> Path:
    """One track per channel at a fixed tempo; note times in seconds become ticks at that tempo."""
    tempo = mido.bpm2tempo(bpm)
    midi = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("set_tempo", tempo=tempo, time=0))
    conductor.append(mido.MetaMessage("key_signature", key=_key_name(score), time=0))
    midi.tracks.append(conductor)
    channels = sorted({n.channel for n in score.notes} | set(score.programs))
    for channel in channels:
        track = mido.MidiTrack()
        if channel != DRUMS and channel in score.programs:
            track.append(
                mido.Message("program_change", channel=channel, program=score.programs[channel], time=0)
            )
        events = []
        for note in score.notes:
            if note.channel == channel:
                on = round(mido.second2tick(note.start, TICKS_PER_BEAT, tempo))
                off = max(on + 1, round(mido.second2tick(note.end, TICKS_PER_BEAT, tempo)))
                events += [(on, 1, note.pitch, note.velocity), (off, 0, note.pitch, 0)]
        now = 0
        for tick, is_on, pitch, velocity in sorted(events):
            kind = "note_on" if is_on else "note_off"
            track.append(mido.Message(kind, channel=channel, note=pitch, velocity=velocity, time=tick - now))
            now = tick
        midi.tracks.append(track)
    temp = path.with_name(f".{path.name}.part")
    midi.save(str(temp))
    temp.replace(path)
    return path


def _key_name(score: Score) -> str:
    from engine.generate.score.music.theory import NAMES

    name = NAMES[score.key.tonic]
    return name + ("m" if score.key.mode in ("minor", "dorian", "phrygian") else "")
