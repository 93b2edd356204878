"""Music ducks under voice-over, the same in preview and in the exported file.

The music is a 1 kHz tone on a music track and the "voice" a 250 Hz tone on
a voice track (ducking listens to track roles, not to the sound), so the
music's level can be read from the mixed export at 1 kHz alone.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.export.mp4 import AUDIO_BLOCK, export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.playback.audio_output import BLOCK
from engine.project import document, roles, tracks
from engine.project.document import new_project
from engine.project.times import tr
from engine.render import ducking
from engine.render.audio import mix_audio
from engine.render.sources import Sources
from tests.support.editing import edit_and_check_undo
from tests.support.mediagen import write_audio

RATE, SECOND = 30.0, 48000
MUSIC_HZ, VOICE_HZ = 1000.0, 250.0


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("duck-media")
    write_audio(folder / "music.wav", seconds=3, hz=MUSIC_HZ)
    write_audio(folder / "voice.wav", seconds=1, hz=VOICE_HZ)
    return folder


def scored(media: Path) -> otio.schema.Timeline:
    """3 s of music; a 1 s line of voice from 1 s to 2 s."""
    timeline = new_project(size=(64, 36))
    music = roles.add_role_track(timeline, roles.MUSIC).result
    voice = roles.add_role_track(timeline, roles.VOICE).result
    document.track(timeline, music).append(clips_for(media / "music.wav", RATE, 90)[0])
    line = document.track(timeline, voice)
    line.append(otio.schema.Gap(source_range=tr(0, 30, RATE)))
    line.append(clips_for(media / "voice.wav", RATE, 30)[0])
    return timeline


def level_at(sound: np.ndarray, hz: float, start: float, end: float) -> float:
    """The amplitude of one frequency over [start, end) seconds (a lock-in: whole periods of both tones)."""
    x = sound[round(start * SECOND) : round(end * SECOND), 0].astype(np.float64)
    t = np.arange(len(x)) / SECOND
    return 2 * abs(np.sum(x * np.exp(-2j * np.pi * hz * t))) / len(x)


def test_music_under_the_voice_is_at_least_8_db_lower_in_the_export(media, tmp_path):
    timeline = scored(media)
    export_mp4(timeline, tmp_path / "cut.mp4", ExportSettings(crf=30, x264_preset="ultrafast"))
    with av.open(str(tmp_path / "cut.mp4")) as container:
        sound = np.concatenate([f.to_ndarray().T for f in container.decode(audio=0)])
    before = level_at(sound, MUSIC_HZ, 0.1, 0.7)  # attack starts 0.2 s before the line at 1.0 s
    under = level_at(sound, MUSIC_HZ, 1.1, 1.9)
    after = level_at(sound, MUSIC_HZ, 2.6, 2.9)  # release ends 0.5 s after the line
    depth = 20 * np.log10(before / under)
    print(f"ducking depth in the export: {depth:.2f} dB (set to 10 dB)")
    assert depth >= 8.0
    assert abs(depth - 10.0) < 0.5, "the duck is the amount set, no more"
    assert abs(20 * np.log10(after / before)) < 0.3, "music comes back to its level after the line"
    assert level_at(sound, VOICE_HZ, 1.1, 1.9) > 0.2, "the voice itself is not ducked"


def test_preview_blocks_and_export_blocks_mix_the_same_samples(media):
    timeline = scored(media)
    total = 3 * SECOND
    with Sources() as sources:
        preview = np.concatenate(
            [mix_audio(timeline, s, min(BLOCK, total - s), sources) for s in range(0, total, BLOCK)]
        )
    with Sources() as sources:
        export = np.concatenate(
            [
                mix_audio(timeline, s, min(AUDIO_BLOCK, total - s), sources)
                for s in range(0, total, AUDIO_BLOCK)
            ]
        )
    assert np.array_equal(preview, export)
    gain = ducking.gain_db_at(timeline, np.array([0, 0.9 * SECOND, 1.5 * SECOND, 2.2 * SECOND, 2.6 * SECOND]))
    assert gain[0] == 0 and gain[2] == -10 and gain[4] == 0
    assert -10 < gain[1] < 0 and -10 < gain[3] < 0, "attack and release are ramps"


def test_settings_change_by_an_undoable_edit_and_zero_turns_ducking_off(media):
    timeline = scored(media)
    gentle = ducking.DuckSettings(amount_db=6.0, attack_ms=50, release_ms=100)
    edit_and_check_undo(timeline, lambda: ducking.set_duck_settings(timeline, gentle))
    assert ducking.duck_settings(timeline) == gentle
    assert ducking.gain_db_at(timeline, np.array([1.5 * SECOND]))[0] == pytest.approx(-6.0)
    ducking.set_duck_settings(timeline, ducking.DuckSettings(amount_db=0))
    assert ducking.BlockDucking(timeline, 0, 3 * SECOND).gain is None
    with pytest.raises(EditError, match="amount"):
        ducking.set_duck_settings(timeline, ducking.DuckSettings(amount_db=90))
    with pytest.raises(EditError, match="Attack"):
        ducking.set_duck_settings(timeline, ducking.DuckSettings(attack_ms=-1))


def test_a_muted_voice_track_does_not_duck(media):
    timeline = scored(media)
    tracks.set_track_flags(timeline, "Voice-over", muted=True)
    assert ducking.voice_spans(timeline) == []
    assert ducking.BlockDucking(timeline, 0, 3 * SECOND).gain is None
