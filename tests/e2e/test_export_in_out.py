"""File > Export of the In/Out range, by the real engine process, and the loudness the export reports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.e2e.test_export_dialog import choose, frame_count, media, open_dialog, window  # noqa: F401

SIZE = (64, 36)


def test_the_in_out_range_exports_exactly_its_frames_and_the_notice_gives_the_loudness(
    window,  # noqa: F811 (the fixture imported above)
    qtbot,
    tmp_path: Path,
) -> None:
    head = window.context.playhead
    head.mark_in(10)
    head.mark_out(29)  # Out is included: 20 frames
    dialog = open_dialog(window, qtbot)
    assert dialog.span.itemText(1) == "In to Out (00:00:00:10 – 00:00:00:29, 20 frames)"
    dialog.span.setCurrentIndex(1)
    out = tmp_path / "part.mp4"
    choose(dialog, qtbot, "project", out)
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.exporter.notice is not None and window.exporter.notice.isVisible(), timeout=30000
    )
    pictures, size, samples = frame_count(out)
    assert (pictures, size) == (20, SIZE)
    assert 32000 <= samples < 32000 + 1024  # 20 frames of sound at 48 kHz
    assert "LUFS integrated (EBU R128)" in window.exporter.notice.informativeText()
    assert "LUFS integrated" in dialog.status.text()


def test_in_to_out_without_marks_is_refused_in_the_dialog(window, qtbot, tmp_path: Path) -> None:  # noqa: F811
    dialog = open_dialog(window, qtbot)
    dialog.span.setCurrentIndex(1)
    choose(dialog, qtbot, "project", tmp_path / "none.mp4")
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    assert dialog.job_id is None and "In and an Out mark" in dialog.status.text()
