"""The GUI thread keeps answering while the viewer plays a two-track timeline."""

from __future__ import annotations

from pathlib import Path

from editor.main_window import MainWindow
from tests.bench.gui_stall import play_and_measure, two_track_timeline


def test_playback_never_stalls_the_gui_thread(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_timeline(two_track_timeline(tmp_path, (128, 72), shots=2, seconds=2), None)
    window.show()
    qtbot.waitExposed(window)
    gaps, shown = play_and_measure(window, 2.5)
    window.viewer.shutdown()
    assert len(gaps) > 50 and max(gaps) < 0.25, f"worst GUI gap {max(gaps) * 1000:.0f} ms"
    assert len(shown) > 10 and shown == sorted(shown) and shown[-1] >= 45  # it played, forward, in time
