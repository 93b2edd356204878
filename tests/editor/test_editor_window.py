"""The editor window as a user first meets it: the demo project, and a broken file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from editor.app import open_demo
from editor.main_window import MainWindow
from engine.project import document


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.mark.slow
def test_first_start_shows_the_demo_project_with_a_populated_timeline(window, qtbot) -> None:
    open_demo(window)
    # at once: the cut, with a progress bar while its shots are made
    names = [c.name for c in document.track(window.timeline, "V1") if c.schema_name() == "Clip"]
    assert names == ["Dawn", "City", "Sea"]
    assert window.demo_progress.isVisible() or not window.isVisible()
    assert window.statusBar().currentMessage().startswith("Preparing the demo project")
    qtbot.waitUntil(lambda: window.demo_progress.value() > 0, timeout=60000)
    qtbot.waitUntil(
        lambda: window.timeline is not None and len(document.track(window.timeline, "V1")) > 0, timeout=60000
    )
    qtbot.waitUntil(lambda: window.windowTitle() == "Shotline demo.otio[*] — Shotline", timeout=60000)
    assert not window.isWindowModified()
    names = [c.name for c in document.track(window.timeline, "V1") if c.name and c.schema_name() == "Clip"]
    assert names == ["Dawn", "City", "Sea"]
    assert "1920x1080" in window.statusBar().currentMessage()
    # the view draws the rows of every track under the ruler
    assert [t.name for t, _, _ in window.timeline_view.rows()] == ["V2", "V1", "A1", "A2"]
    image = window.timeline_view.grab().toImage()
    _, top, _ = window.timeline_view.rows()[1]
    x = int(window.timeline_view.geometry_.x_of(60))
    assert image.pixelColor(x, int(top + 6)).name() == "#4a6fa5"  # a video clip (its label band) is there


@pytest.mark.slow
def test_a_later_start_opens_the_made_demo_directly(window, qtbot) -> None:
    from engine.demo import demo_project

    made = demo_project()
    open_demo(window)
    assert window.context.session.path == made  # opened before the window's first event
    assert window.windowTitle() == "Shotline demo.otio[*] — Shotline"


def test_opening_a_broken_file_shows_a_message_not_a_traceback(window, tmp_path: Path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(f"{title}: {text}"))
    broken = tmp_path / "broken.otio"
    broken.write_text('{"OTIO_SCHEMA": "Timeline.1", "tracks": 5')
    assert window.open_project(broken) is False
    assert shown and shown[0].startswith("Cannot open project: broken.otio is damaged")
