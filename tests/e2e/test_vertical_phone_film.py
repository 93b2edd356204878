"""Issue 19's finish line: a vertical phone film made the way an editor makes one, and exported.

File > New at the vertical preset, two landscape phone clips imported and cut in from the source
viewer, filled to the tall frame and one panned, a lower third typed in the inspector, a speed ramp
from Ctrl+R, a grade, a .cube LUT and the VHS look, then File > Export to an mp4 that the real
engine process writes. The file is then checked against what the editor's own viewer shows.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from editor.bin.items import State
from editor.main_window import MainWindow
from editor.timeline import speed_commands
from engine.project import document, looks, ramp_curve, titles, transform
from engine.project.document import clip_id, new_project
from tests.editor.test_viewer import to_array
from tests.support.export_steps import export_through_dialog
from tests.support.mediagen import write_video

WAIT = 20_000  # ms: a 1080x1920 frame rendered on a loaded CI machine
FRAMES = 30  # each phone clip: one second at 30 fps
STREET, BEACH = (200, 120, 60), (60, 110, 170)  # the clips' flat colours (RGB)
YELLOW = "#ffcc00"


def choose_in_modal(act) -> None:
    """Answer the next modal dialog as the user would, once it is on screen."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        act(dialog)

    QTimer.singleShot(0, answer)


def activate(qtbot, window: MainWindow) -> None:
    """Bring the window to the front: after a modal dialog none is, and shortcuts would go nowhere."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def clips(window: MainWindow, track: str) -> list:
    return list(document.track(window.timeline, track).find_clips())


def viewer_frame(qtbot, window: MainWindow, frame: int) -> np.ndarray:
    """What the viewer shows at `frame`, at full resolution."""
    picture = window.viewer.picture
    window.context.playhead.move_to(frame)
    qtbot.waitUntil(
        lambda: picture.frame == frame and picture.image is not None and picture.image.width() == 1080,
        timeout=WAIT,
    )
    return to_array(picture.image)


@pytest.mark.slow
def test_an_editor_finishes_a_vertical_phone_film_and_exports_it(
    engine_window, qtbot, tmp_path: Path, monkeypatch
) -> None:
    street = write_video(tmp_path / "street.mp4", FRAMES, size=(1920, 1080), color=STREET, tone_hz=440)
    # held the other way up: stored upside down with the phone's 180-degree display rotation
    beach = write_video(
        tmp_path / "beach.mp4", FRAMES, size=(1920, 1080), color=BEACH, tone_hz=660, rotation=180
    )
    window = engine_window(new_project("Untitled"), saved=False, size=(1500, 900))

    # 1. File > New, the Vertical preset at 30 fps, Create
    def vertical(dialog) -> None:
        dialog.size_preset.setCurrentIndex(dialog.size_preset.findText("Vertical 1080x1920"))
        dialog.rate.setCurrentIndex(dialog.rate.findData("30"))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    choose_in_modal(vertical)
    window.context.actions.action("file.new").trigger()
    s = document.settings(window.timeline)
    assert (s.width, s.height, s.rate) == (1080, 1920, 30.0)

    # 2. File > Import both clips (the file chooser answered, as tests/editor/test_bin_panel.py does),
    # then each: Enter in the bin opens it in the source viewer, "." overwrites it in at the playhead
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(street), str(beach)], ""))
    window.context.actions.action("file.import").trigger()
    qtbot.waitUntil(
        lambda: all(window.bin.model.item(p).state is State.READY for p in (street, beach)), timeout=WAIT
    )
    activate(qtbot, window)
    for path in (street, beach):
        window.bin.select([path])
        qtbot.keyClick(window.bin.view, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda path=path: window.viewer.source_path == path, timeout=WAIT)
        qtbot.keyClick(window.viewer.picture, Qt.Key.Key_Period)
    assert [c.name for c in clips(window, "V1")] == ["street", "beach"]
    assert [c.name for c in clips(window, "A1")] == ["street", "beach"]
    street_id, beach_id = (clip_id(c) for c in clips(window, "V1"))

    # 3. Both selected, Clip > Fill Frame; then the street shot panned left in the inspector.
    # Selecting sets the window's selection, as a click on the clips does (and the other e2e tests do)
    window.context.selection.set([street_id, beach_id])
    window.context.actions.action("clip.fill_frame").trigger()
    for ident in (street_id, beach_id):
        scale = transform.placement_at(document.find_clip(window.timeline, ident)[1], 0).scale
        assert scale == pytest.approx(1920 / 1080 / (1080 / 1920))  # height filled, sides cropped
    window.context.selection.set([street_id])
    type_into(qtbot, window.inspector.transform.fields["x"], "-300")
    assert transform.placement_at(document.find_clip(window.timeline, street_id)[1], 0).x == -300.0

    # 4. Graphics > Lower Third at the start, its words typed in the inspector, yellow
    window.context.playhead.move_to(0)
    window.context.actions.action("graphics.lower_third").trigger()
    title_id = window.context.selection.ids[0]
    box = window.inspector.title
    assert box.isVisible() and box.clip_id == title_id
    box.text.setFocus()
    box.text.selectAll()
    qtbot.keyClicks(box.text, "SUMMER")
    box.colours["color"].pick(YELLOW)  # what the colour dialog's OK does
    qtbot.waitUntil(
        lambda: titles.title_settings(document.find_clip(window.timeline, title_id)[1])["text"] == "SUMMER",
        timeout=5000,
    )

    # 5. The street shot selected, Ctrl+R, "Speed ramp", ripple, OK
    window.context.selection.set([street_id])

    def ramp(dialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData(speed_commands.RAMP))
        dialog.ripple.setChecked(True)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    choose_in_modal(ramp)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    ramped = document.find_clip(window.timeline, street_id)[1]
    assert [float(k.percent) for k in ramp_curve.keyframes(ramped)] == [100.0, 30.0, 100.0]
    street_frames = round(ramped.source_range.duration.value)
    assert street_frames > FRAMES
    film = street_frames + FRAMES
    for track in ("V1", "A1"):  # the street's sound ramps with it and the beach moves on (ripple)
        assert [round(c.source_range.duration.value) for c in clips(window, track)] == [street_frames, FRAMES]

    # the lower third runs on past the cut: Add Edit at the cut's end on its track, the rest deleted
    window.context.playhead.move_to(film)
    window.context.actions.action("timeline.add_edit").trigger()
    title_track = document.find_clip(window.timeline, title_id)[0]
    tail = [clip_id(c) for c in title_track.find_clips() if clip_id(c) != title_id]
    window.context.selection.set(tail)
    window.context.actions.action("timeline.lift").trigger()
    assert round(window.timeline.duration().to_frames()) == film, "the film ends where the cut ends"

    # 6. The beach shot graded: warmer and richer, a LUT that trades red and blue, the VHS look
    window.context.selection.set([beach_id])
    colour = window.inspector.colour
    type_into(qtbot, colour.fields["saturation"].box, "1.4")
    type_into(qtbot, colour.fields["temperature"].box, "25")
    lut = tmp_path / "swap.cube"
    lut.write_text(
        "LUT_3D_SIZE 2\n" + "".join(f"{b} {g} {r}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1))
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(lut), ""))
    colour.choose.click()
    effects = window.inspector.effects
    next(a for a in effects.add_menu.actions() if a.objectName() == "effects-add-vhs").trigger()
    beach_clip = document.find_clip(window.timeline, beach_id)[1]
    stack = looks.looks(beach_clip)
    assert [looks.kind_of(e) for e in stack] == ["colour", "lut", "vhs"]
    grade = stack[0].metadata["shotline"]
    assert grade["saturation"] == 1.4 and grade["temperature"] == 25.0

    # 7. File > Export, keeping the preset it offers a vertical project
    out = tmp_path / "summer.mp4"
    export_through_dialog(qtbot, window, out, preset=None)
    assert window.exporter.dialog.preset.currentText() == "vertical"
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (1080, 1920)
        pictures = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    with av.open(str(out)) as container:
        seconds = sum(frame.samples for frame in container.decode(audio=0)) / 48000
    assert len(pictures) == film
    assert seconds == pytest.approx(film / 30, abs=0.05)

    # the exported frames are the viewer's frames: the same renderer, once through H.264, which at
    # the preset's CRF 20 moves a pixel by under 4 levels on average (as in test_looks_export.py)
    window.viewer.tabs.setCurrentIndex(1)  # the viewer's Timeline tab
    window.viewer.resolution.setCurrentText("Full")
    in_street, in_beach = street_frames // 2, street_frames + FRAMES // 2
    for frame in (3, in_street, in_beach, film - 1):
        shown = viewer_frame(qtbot, window, frame).astype(int)
        difference = np.abs(pictures[frame].astype(int) - shown).mean()
        assert difference < 4, f"frame {frame} differs from the viewer by {difference:.1f} on average"

    for frame in (in_street, in_beach):
        picture = pictures[frame].astype(int)
        # filled: the source's code strip (its top quarter) is the frame's top quarter, so the picture
        # spans the full height, the right way up (the beach shot's rotation applied); below it the
        # shot's colour reaches both edges and the bottom: no bars anywhere
        assert strip_end(picture) == pytest.approx(1920 // 4, abs=4)
        brightest = picture[1920 // 4 + 8 :].max(axis=2)  # a bar is black in every channel
        assert brightest[:, :8].min() > 60 and brightest[:, -8:].min() > 60 and brightest[-8:].min() > 60
        # the lower third's yellow words are in the bottom of the frame, and only there
        yellow = (picture[..., 0] > 190) & (picture[..., 1] > 160) & (picture[..., 2] < 90)
        assert yellow[1400:1700, :600].sum() > 2000
        assert not yellow[:1400].any()

    street_row, beach_row = (pictures[f][1000, 540].astype(int) for f in (in_street, in_beach))
    assert street_row == pytest.approx(STREET, abs=8)  # the street shot is ungraded
    assert beach_row[0] > beach_row[2] + 60  # the blue beach came out warm: the LUT traded red and blue
    # VHS scan lines: every other row of the beach shot darkened. The look is applied to the shot at
    # its own 1080 rows before Fill scales it to 1920 (effects before motion, as Premiere orders
    # them), so the stripes repeat every 2 source rows = 3.56 frame rows; the street shot has none
    assert stripes(pictures[in_street]) is None
    assert stripes(pictures[in_beach]) == pytest.approx(1080 / (2 * 1920), abs=0.005)


def strip_end(picture: np.ndarray) -> int:
    """The first row below the top where the picture turns to the shot's flat colour."""
    dark_or_white = (picture.max(axis=2) < 40) | (picture.min(axis=2) > 215)
    rows = dark_or_white.mean(axis=1) > 0.9
    return int(np.argmin(rows))


def stripes(picture: np.ndarray) -> float | None:
    """The frequency (cycles per row) of horizontal stripes in a flat middle band, None if flat."""
    luma = picture[600:1300, 100:980].astype(float) @ (0.2126, 0.7152, 0.0722)
    rows = luma.mean(axis=1)
    spectrum = np.abs(np.fft.rfft(rows - rows.mean()))
    peak = int(spectrum.argmax())
    if spectrum[peak] < 100 * (np.median(spectrum) + 1):
        return None
    return peak / len(rows)
