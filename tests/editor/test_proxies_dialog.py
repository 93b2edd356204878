"""Project > Proxies: turning proxies on makes them for heavy footage and the viewer plays them."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.main_window import MainWindow
from editor.proxies.dialog import ProxiesDialog
from engine.media import proxies
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.document import new_project
from tests.editor.test_viewer import to_array
from tests.support import mediagen

pytestmark = pytest.mark.slow  # proxies are made in a spawned worker process


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    yield win
    win.viewer.shutdown()
    win.context.proxies.close()


def cut_of(tmp_path: Path, name: str, gop: int) -> tuple[object, Path]:
    clip = mediagen.write_video(tmp_path / name, 30, size=(320, 180), gop=gop)
    timeline = new_project("proxied", rate=30.0, size=(320, 180))
    edits.append(timeline, placements(source_timeline(clip, 30.0, (320, 180)), 0, 30))
    return timeline, clip


def open_dialog(window) -> ProxiesDialog:
    window.context.actions.action("project.proxies").trigger()
    assert window.proxies.dialog is not None and window.proxies.dialog.isVisible()
    return window.proxies.dialog


def shown_index(window) -> int:
    return mediagen.read_index(to_array(window.viewer.picture.image))


def test_turning_proxies_on_makes_them_for_long_gop_footage_and_the_viewer_shows_them(
    window, qtbot, tmp_path
):
    timeline, clip = cut_of(tmp_path, "camera.mp4", gop=30)
    window.show_timeline(timeline, None)
    dialog = open_dialog(window)
    assert not dialog.enabled.isChecked()
    dialog.enabled.setChecked(True)
    qtbot.waitUntil(lambda: proxies.existing(clip, proxies.DEFAULT_DIVISOR) is not None, timeout=60000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Proxies ready", timeout=10000)
    window.context.playhead.move_to(12)
    qtbot.waitUntil(lambda: window.viewer.picture.frame == 12 and window.viewer.picture.image is not None)
    assert shown_index(window) == 12  # the proxy's frame 12 is the original's frame 12
    assert window.context.settings.value("proxies/enabled") == "true"  # remembered for the next session
    qtbot.waitUntil(lambda: dialog.disk.text().startswith("1 proxy on disk"))


def test_create_for_selected_makes_a_proxy_even_of_light_footage_and_delete_all_removes_it(
    window, qtbot, tmp_path
):
    timeline, clip = cut_of(tmp_path, "light.mp4", gop=1)
    window.show_timeline(timeline, None)
    dialog = open_dialog(window)
    dialog.size.setCurrentIndex(dialog.size.findData(4))
    dialog.create_selected.click()
    assert dialog.status.text() == "Select clips in the bin or the timeline first"
    window.context.selection.set([c.metadata["shotline"]["id"] for c in timeline.find_clips()])
    dialog.create_selected.click()
    qtbot.waitUntil(lambda: proxies.existing(clip, 4) is not None, timeout=60000)
    assert proxies.existing(clip, 2) is None
    dialog.delete_all.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Deleted"), timeout=10000)
    assert proxies.disk_use() == (0, 0)
    qtbot.waitUntil(lambda: dialog.disk.text().startswith("0 proxies on disk"))
