"""Paint out a logo from the editor: Mask mode, Inpaint Shot, the real engine process, a new take, export.

The user selects a trimmed clip, paints a rectangle over a broadcast logo in
the viewer, clicks Inpaint in the mask bar and accepts the dialog (OpenCV,
the backend that needs no download). The engine fills the logo from the
frames where the background shows; the clip gets a new active take with the
frames it shows, undo and redo switch takes, and the export has no logo.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer

from editor.main_window import MainWindow
from editor.masks.target import media_rect
from engine.export.mp4 import export_mp4
from engine.export.presets import preset
from engine.playback.audio_output import AudioUnavailable
from engine.project import document, edits, takes
from engine.project.clips import media_clip, media_reference
from engine.project.document import new_project
from engine.project.masks import mask_of
from engine.project.provenance import read as provenance_of
from engine.project.times import tr
from tests.support.inpaintclip import decode, write_clip

RATE = 24.0
SIZE = (160, 90)
FIRST, SHOWN = 4, 24  # the clip shows media frames 4..27 of 32
LOGO_MAE = 9.0  # as tests/engine/test_inpaint.py: the fill against the true background under the logo


@pytest.fixture
def film(tmp_path: Path):
    clip = write_clip(tmp_path / "broadcast.mp4", SIZE, 32, Fraction(24))
    timeline = new_project("logo", rate=RATE, size=SIZE)
    reference = media_reference(clip.path.as_uri(), tr(0, 32, RATE))
    edits.append(timeline, {"V1": media_clip("Broadcast", reference, RATE, SHOWN, FIRST)})
    return clip, timeline


@pytest.fixture
def window(engine_window, film):
    _, timeline = film
    win = engine_window(timeline, saved=False, size=(1200, 800))
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    yield win
    win.masks.shutdown()


def _at(win: MainWindow, x: float, y: float) -> QPoint:
    """Where media pixel (x, y) is in the viewer."""
    shown = media_rect(win.viewer.picture.picture_rect(), SIZE, SIZE)
    return QPointF(
        shown.x() + (x + 0.5) * shown.width() / SIZE[0], shown.y() + (y + 0.5) * shown.height() / SIZE[1]
    ).toPoint()


def _accept_the_dialog(win: MainWindow, qtbot, seen: list[str]) -> None:
    """When the Inpaint dialog opens, note its backend and click Inpaint, as a user would."""
    dialog = win.inpaint.dialog
    if not dialog.isVisible():
        QTimer.singleShot(50, lambda: _accept_the_dialog(win, qtbot, seen))
        return
    seen.append(dialog.backend.currentData())
    dialog.accept()


def test_painting_out_a_logo_makes_a_clean_take_that_undo_switches_and_export_shows(
    qtbot, window, film, tmp_path
) -> None:
    clip, _ = film
    win = window
    ident = document.clip_id(document.track(win.timeline, "V1")[0])
    win.context.selection.set([ident])
    win.context.actions.action("view.mask_mode").trigger()
    qtbot.waitUntil(lambda: win.masks.masks is not None and win.viewer.picture.image is not None)
    qtbot.mouseClick(win.masks.bar.tool_buttons["rectangle"], Qt.MouseButton.LeftButton)
    ys, xs = np.nonzero(clip.logo)
    corners = [(xs.min() - 2, ys.min() - 2), (xs.max() + 2, ys.max() + 2)]
    picture = win.viewer.picture
    qtbot.mousePress(picture, Qt.MouseButton.LeftButton, pos=_at(win, *corners[0]))
    qtbot.mouseMove(picture, _at(win, *corners[1]))
    qtbot.mouseRelease(picture, Qt.MouseButton.LeftButton, pos=_at(win, *corners[1]))
    painted = win.masks.masks.mask_at(0)
    assert painted[clip.logo > 0].min() == 255 and painted.mean() < 255 * 0.1

    seen: list[str] = []
    QTimer.singleShot(50, lambda: _accept_the_dialog(win, qtbot, seen))
    qtbot.mouseClick(win.masks.bar.inpaint, Qt.MouseButton.LeftButton)
    found = lambda: document.find_clip(win.timeline, ident)[1]  # noqa: E731
    qtbot.waitUntil(lambda: found().active_media_reference_key == "take-2", timeout=120000)
    assert seen == ["opencv"]
    assert [j.title for j in win.jobs_panel.model.jobs()] == [f"Inpaint {found().name}"]
    assert win.context.session.undo_stack.undoText() == "Switch to take-2"
    bin_item = win.bin.model.item(Path(found().media_reference.target_url.removeprefix("file://")))
    assert bin_item is not None and bin_item.imported  # in the bin for good, not only while a clip uses it
    assert bin_item.name == f"{found().name} · take 2"
    made = provenance_of(found().media_reference)
    assert made.task == "video.inpaint" and made.backend == "opencv" and made.frames == SHOWN
    assert Path(made.mask) == win.masks.store.root / mask_of(found())  # the mask that made it
    assert made.extra["mask_sha256"] == win.masks.masks.digest() and made.extra["start"] == FIRST

    take = Path(found().media_reference.target_url.removeprefix("file://"))
    frames, rate, size = decode(take)
    assert (len(frames), rate, size) == (SHOWN, Fraction(24), SIZE)
    under, outside = clip.logo > 0, painted == 0
    decoded_source, _, _ = decode(clip.path)
    for n, frame in enumerate(frames):  # the take's frame n is media frame FIRST + n, without the logo
        truth, source = clip.backgrounds[FIRST + n], decoded_source[FIRST + n]
        assert np.abs(frame[under].astype(int) - truth[under]).mean() < LOGO_MAE, n
        assert np.abs(frame[outside].astype(int) - source[outside]).mean() < 1.5, n  # encoding noise

    undo, redo = win.context.actions.action("edit.undo"), win.context.actions.action("edit.redo")
    undo.trigger()
    assert found().active_media_reference_key == "take-1" and len(takes.takes(found())) == 2
    redo.trigger()
    assert found().active_media_reference_key == "take-2"

    out = tmp_path / "clean.mp4"
    export_mp4(win.timeline, out, preset("project"))
    exported, _, _ = decode(out)
    assert len(exported) == SHOWN
    middle = exported[SHOWN // 2]
    assert np.abs(middle[under].astype(int) - clip.backgrounds[FIRST + SHOWN // 2][under]).mean() < LOGO_MAE
