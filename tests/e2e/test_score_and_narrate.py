"""Score a cut and narrate it from the editor, then hear both in the viewer and in the export.

Out of the box on a CPU: the real engine process composes the score (the
default backend, no download) over the whole two-shot cut, and speaks one
line of narration with the default voice backend from the playhead. The
viewer then plays through the sound path (PortAudio stood in for, as in
tests/editor/test_sounddevice_path.py) and the samples it played are the
timeline's mix with the music ducked under the voice; the exported file
carries the same mix.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from engine.export.mp4 import export_mp4, timeline_frames
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.playback.audio_output import AHEAD
from engine.project import edits, roles, trackedit
from engine.project.document import new_project
from engine.render import ducking
from engine.render.audio import mix_audio
from engine.render.sources import Sources
from tests.editor.test_sounddevice_path import BLOCK, PortAudioLike, fake_portaudio
from tests.editor.test_viewer import press
from tests.support.mediagen import write_video

RATE, SECOND = 24.0, 48_000
LINE = "The keeper walked down to the sea."


@pytest.fixture
def window(engine_window, tmp_path: Path):
    footage = write_video(tmp_path / "footage.mp4", frames=96, rate=Fraction(24), size=(64, 36))
    timeline = new_project("film", rate=RATE, size=(64, 36))
    for start in (0, 48):  # two shots of two seconds: one cut at 2 s
        (picture,) = clips_for(footage, RATE, 48, start)[:1]
        edits.append(timeline, {"V1": picture})
    return engine_window(timeline, size=(1400, 860))


def _press_ok_when_shown(dialog, fill) -> None:
    def answer() -> None:
        if not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        fill()
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)


def _clips(timeline, role: str) -> list:
    found = []
    for track in roles.role_tracks(timeline, role):
        found += [s for s in trackedit.layout(track, RATE) if s.item.schema_name() == "Clip"]
    return found


def _exported_sound(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray().T for f in container.decode(audio=0)])


def _rms_db(sound: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(sound, dtype=np.float64))) + 1e-12)


def test_a_scored_and_narrated_cut_is_heard_in_the_viewer_and_in_the_export(
    window, qtbot, tmp_path, monkeypatch
) -> None:
    timeline = lambda: window.context.session.timeline  # noqa: E731
    scoring = window.scoring.dialog
    _press_ok_when_shown(scoring, lambda: scoring.prompt.setPlainText("gentle piano, melancholic"))
    window.context.actions.action("sequence.score_music").trigger()  # nothing marked: the whole cut
    qtbot.waitUntil(lambda: len(_clips(timeline(), roles.MUSIC)) == 1, timeout=120000)
    (music,) = _clips(timeline(), roles.MUSIC)
    assert (music.start, music.end) == (0, 96)

    window.context.playhead.move_to(12)
    speaking = window.voice.dialog
    _press_ok_when_shown(speaking, lambda: speaking.text.setPlainText(LINE))
    window.context.actions.action("sequence.voiceover").trigger()
    qtbot.waitUntil(lambda: len(_clips(timeline(), roles.VOICE)) == 1, timeout=120000)
    (line,) = _clips(timeline(), roles.VOICE)
    assert line.start == 12 and 1.2 * RATE < line.end - line.start < 5 * RATE  # a plausible length
    under = (line.start / RATE + 0.3, line.end / RATE - 0.3)  # seconds well inside the duck
    gains = ducking.gain_db_at(timeline(), np.array([0.1, *under, 3.9]) * SECOND)
    assert gains[0] == 0 and gains[1] == gains[2] == -10 and gains[3] == 0

    # the viewer plays it: the sound card takes four seconds and plays the ducked mix, sample for sample
    fake_portaudio(monkeypatch)
    window.context.playhead.move_to(0)
    window.activateWindow()  # the voice dialog has closed: the keyboard is back in the main window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, Qt.Key.Key_Space)
    (stream,) = PortAudioLike.made
    audio = window.viewer.player.audio
    player = window.viewer.player
    while stream.consumed < 4 * SECOND and player.playing:  # a quarter second at a time
        qtbot.waitUntil(lambda: audio.buffered() >= AHEAD - 2048 or not player.playing, timeout=20000)
        stream.give(24 * BLOCK)
        # a liveness bound, not a speed check; the viewer stops by itself once the cut's end is heard
        qtbot.waitUntil(lambda: stream.idle() or not player.playing, timeout=20000)
    assert stream.consumed >= 4 * SECOND, "all four seconds were played before the viewer stopped"
    if player.playing:
        press(qtbot, window, Qt.Key.Key_Space)
    heard = np.concatenate(stream.heard)
    with Sources() as sources:
        mixed = mix_audio(timeline(), 0, len(heard), sources)
    np.testing.assert_allclose(heard, mixed, atol=1e-6)
    assert _rms_db(heard[: SECOND // 2]) > -45, "the score is heard before the line"
    assert _rms_db(heard[round(under[0] * SECOND) : round(under[1] * SECOND)]) > -35, "the line is heard"

    # the export carries the same mix (through AAC): each half second of it follows the mix
    out = tmp_path / "film.mp4"
    export_mp4(timeline(), out, ExportSettings(crf=30, x264_preset="ultrafast"))
    exported = _exported_sound(out)
    length = timeline_frames(timeline()) * SECOND // int(RATE)
    assert abs(len(exported) - length) < 2048
    with Sources() as sources:
        reference = mix_audio(timeline(), 0, length, sources)
    for start in range(0, length - SECOND // 2, SECOND // 2):
        a = exported[start : start + SECOND // 2, 0]
        b = reference[start : start + SECOND // 2, 0]
        correlation = np.corrcoef(a, b)[0, 1]
        assert correlation > 0.9, (start / SECOND, correlation)
