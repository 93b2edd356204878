"""The window with the real engine: one fixture for every test that drives both, as a user does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import opentimelineio as otio
import pytest

from editor.main_window import MainWindow
from editor.settings import EditorSettings
from engine.project import persistence

ENGINE_START = 60_000  # ms: a cold engine imports numpy, PyAV and OpenCV on a loaded CI machine


@pytest.fixture
def engine_window(qtbot, tmp_path: Path, monkeypatch) -> Iterator[Callable[..., MainWindow]]:
    """`engine_window(timeline)` opens the editor on it, saved as film.otio, with the engine answering.

    Everything Shotline keeps (caches, settings) goes to the test's own
    folder. Options: `show` (the window on screen, as most gestures need),
    `size`, `saved` (False: shown unsaved, as a new project is). The engine
    has answered `initialize` when it returns; windows are closed and
    engines stopped at the end of the test.
    """
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    opened: list[MainWindow] = []

    def open_window(
        timeline: otio.schema.Timeline,
        *,
        show: bool = True,
        size: tuple[int, int] | None = None,
        saved: bool = True,
        settings: EditorSettings | None = None,
    ) -> MainWindow:
        window = MainWindow(settings=settings or EditorSettings(tmp_path / "settings.ini"))
        qtbot.addWidget(window)
        opened.append(window)
        if size is not None:
            window.resize(*size)
        if saved:
            project = tmp_path / "film.otio"
            persistence.save(timeline, project)
            assert window.open_project(project)
        else:
            window.show_timeline(timeline, None)
        if show:
            window.show()
            qtbot.waitExposed(window)
        with qtbot.waitSignal(window.engine.started, timeout=ENGINE_START):
            window.engine.start()
        qtbot.waitUntil(lambda: bool(window.jobs.engine_info()), timeout=ENGINE_START)
        return window

    yield open_window
    for window in opened:
        window.viewer.shutdown()
        window.engine.stop()
