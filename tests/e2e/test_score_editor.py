"""Sequence > Score Music… in a real window with the real engine process: a score on a Music track."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from editor.bin.model import NAME
from editor.main_window import MainWindow
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.generate.score.music.master import read_wav
from engine.generate.score.timeline import range_cuts, score_spec
from engine.media.reference import clips_for
from engine.project import document, edits, effects, roles, takes, trackedit
from engine.project.document import new_project
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)


@pytest.fixture
def window(engine_window, tmp_path: Path):
    footage = write_video(tmp_path / "footage.mp4", frames=48, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    for start in (0, 20):
        (picture,) = clips_for(footage, RATE, 20, start)[:1]
        edits.append(timeline, {"V1": picture})
    return engine_window(timeline, show=False)


def _menu_action(window: MainWindow, menu: str, text: str):
    bar = window.menuBar()
    found = next(a.menu() for a in bar.actions() if a.text().replace("&", "") == menu)
    return next(a for a in found.actions() if a.text() == text)


def _answer_dialog(window: MainWindow, prompt: str) -> None:
    """What a user does in the dialog: type a prompt, keep Hit the cuts, press Score."""

    def answer() -> None:
        dialog = window.scoring.dialog
        if not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        dialog.prompt.setPlainText(prompt)
        dialog.seed.setValue(11)
        dialog.seed_lock.setChecked(prompt.startswith("tense"))  # the second score draws a new seed
        assert dialog.hit_cuts.isChecked() and dialog.chosen_backend == "composer"
        assert "1 cut)" in dialog.range_label.text()
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)


def _music_clips(session):
    found = []
    for track in roles.role_tracks(session.timeline, roles.MUSIC):
        for slot in trackedit.layout(track, RATE):
            if hasattr(slot.item, "media_reference"):
                found.append((track.name, slot))
    return found


def _decoded_audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray()[0] for f in container.decode(audio=0)]  # planar: the left channel
    return np.concatenate(chunks)


def test_score_music_on_the_marked_range_puts_an_exact_clip_on_a_music_track_and_again_a_take(
    window, qtbot, tmp_path
):
    session = window.context.session
    window.context.playhead.mark_in(10)
    window.context.playhead.mark_out(33)  # frames 10-33: 24 frames, one second, a cut at frame 20
    assert window.scoring.score_range() == (10, 24)
    _answer_dialog(window, "tense cinematic strings")
    _menu_action(window, "Sequence", "Score &Music…").trigger()
    qtbot.waitUntil(lambda: len(_music_clips(session)) == 1, timeout=90000)
    [(name, slot)] = _music_clips(session)
    assert name == "Music" and (slot.start, slot.end) == (10, 34)  # exactly the range
    assert [j.title for j in window.jobs_panel.model.jobs()] == ["Score 00:00:00:10–00:00:01:10"]
    clip = slot.item
    audio, rate = read_wav(Path(clip.media_reference.target_url.removeprefix("file://")))
    assert rate == 48_000 and audio.shape == (48_000, 2)  # 24 frames at 24 fps, to the sample
    assert effects.gain_db(clip) == -12.0
    fade_in, fade_out = effects.fades(clip)
    assert fade_in > 0 and fade_out > 0
    made = takes.takes(clip)[0].provenance
    assert made.task == "music.score" and made.prompt == "tense cinematic strings" and made.seed == 11
    assert made.extra["cut_samples"] == [20_000]  # the cut at frame 20, 10 frames (20,000 samples) in

    # the export has the score, under the picture, in the range and only there
    out = tmp_path / "cut.mp4"
    export_mp4(session.timeline, out, ExportSettings(crf=0, x264_preset="ultrafast"))
    sound = _decoded_audio(out)
    inside = sound[round(11 / RATE * 48_000) : round(32 / RATE * 48_000)]
    assert np.sqrt(np.mean(inside**2)) > 10 ** (-40 / 20)  # the score is heard (at -12 dB)
    assert np.abs(sound[: round(9 / RATE * 48_000)]).max() < 1e-3  # before the range: silence

    # one undo step takes the score and its new track away; redo brings both back
    window.context.actions.action("edit.undo").trigger()
    assert _music_clips(session) == [] and roles.role_tracks(session.timeline, roles.MUSIC) == []
    model = window.bin.model  # the score itself stays in the bin, named after its clip and take
    assert "Score: tense cinematic strings · take 1" in [
        model.index(r, NAME).data() for r in range(model.rowCount())
    ]
    window.context.actions.action("edit.redo").trigger()
    assert len(_music_clips(session)) == 1

    # scoring the same range again makes a take of the same clip
    ident = document.clip_id(clip)
    _answer_dialog(window, "happy folk guitar")
    _menu_action(window, "Sequence", "Score &Music…").trigger()

    def active() -> str:
        return document.find_clip(session.timeline, ident)[1].active_media_reference_key

    qtbot.waitUntil(lambda: active() == "take-2", timeout=90000)
    assert len(_music_clips(session)) == 1
    track, clip = document.find_clip(session.timeline, ident)
    assert trackedit.slot_of(track, clip, RATE).start == 10 and trackedit.duration_frames(clip, RATE) == 24
    again = takes.takes(clip)[1].provenance
    assert again.prompt == "happy folk guitar" and again.seed != 11
    QApplication.processEvents()


def test_the_range_falls_back_to_the_selection_then_the_whole_timeline(window) -> None:
    session = window.context.session
    window.context.playhead.clear_marks()
    window.context.selection.clear()
    assert window.scoring.score_range() == (0, 40)
    second = document.clip_id(document.track(session.timeline, "V1")[1])
    window.context.selection.set([second])
    assert window.scoring.score_range() == (20, 20)
    assert range_cuts(session.timeline, 0, 40) == [20]
    spec = score_spec(session.timeline, 0, 40, {"prompt": "x", "hit_cuts": True})
    assert spec["params"]["samples"] == 80_000 and spec["params"]["cut_samples"] == [40_000]
