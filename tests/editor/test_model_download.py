"""Settings > Models > Download: a preset fetched off the GUI thread with progress; offline in one line."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from editor.preferences.models_tab import ModelsTab
from editor.settings import EditorSettings
from engine.generate.model_download import _reporting


@pytest.fixture
def tab(qtbot, tmp_path, monkeypatch) -> ModelsTab:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    import editor.preferences.model_download as model_download

    monkeypatch.setattr(model_download, "downloaded", lambda model: None)  # nothing in the hub cache yet
    shown = ModelsTab(EditorSettings(tmp_path / "settings.ini"), None)
    qtbot.addWidget(shown)
    shown.resize(1100, 800)
    return shown


def test_download_with_the_hub_offline_says_so_in_one_line_and_the_button_comes_back(tab, qtbot, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    row = tab.row("video.generate", "ltx2")
    qtbot.mouseClick(row.download.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.download.button.isEnabled(), timeout=10000)
    assert row.note.text() == (
        "the Hugging Face hub is offline (HF_HUB_OFFLINE is set): "
        "unset it to download diffusers/LTX-2.3-Distilled-Diffusers"
    )
    assert not row.download.bar.isVisible()


def test_a_download_runs_off_the_gui_thread_and_shows_its_progress(tab, qtbot, monkeypatch, tmp_path):
    import editor.preferences.model_download as model_download

    release = threading.Event()
    threads: list[threading.Thread] = []

    def fake(entry, to=None, progress=None):
        threads.append(threading.current_thread())
        progress(6_000_000_000, 24_000_000_000)  # a quarter of a 24 GB checkpoint
        release.wait(10)
        return tmp_path / "hub" / entry.model

    monkeypatch.setattr(model_download, "download", fake)
    row = tab.row("video.generate", "wan")
    row.combo.setCurrentText("wan2.2-ti2v-5b")
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.mouseClick(row.download.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.download.bar.value() == 250, timeout=10000)
    assert row.download.bar.text() == "6.0 of 24.0 GB" and not row.download.button.isEnabled()
    assert row.note.text().startswith("Downloading Wan 2.2 text/image-to-video 5B: 6.0 of 24.0 GB, about ")
    assert row.note.text().endswith(" left")
    tab.grab().save("/tmp/models-download.png")
    release.set()
    qtbot.waitUntil(lambda: row.download.button.isEnabled(), timeout=10000)
    assert threads and threads[0] is not threading.main_thread()
    assert row.note.text().endswith(
        "downloaded to " + str(tmp_path / "hub" / "Wan-AI/Wan2.2-TI2V-5B-Diffusers")
    )


def test_the_hubs_byte_bars_become_one_progress_figure() -> None:
    heard: list[tuple[int, int]] = []
    bar_class = _reporting(lambda done, total: heard.append((done, total)))
    first = bar_class(total=1000, unit="B")
    second = bar_class(total=3000, unit="B")
    files = bar_class(total=2, unit="it")  # the "Fetching 2 files" bar counts files, not bytes
    first.update(400)
    second.update(1000)
    files.update(1)
    assert heard[:2] == [(400, 4000), (1400, 4000)]


def test_a_download_folder_chosen_in_settings_gets_the_model_and_the_row_loads_it_from_there(
    tab, qtbot, monkeypatch, tmp_path
):
    import editor.preferences.model_download as model_download
    from editor.preferences import models

    asked: list = []

    def fake(entry, to=None, progress=None):
        asked.append(to)
        return to

    monkeypatch.setattr(model_download, "download", fake)
    tab.download_folder.setText(str(tmp_path / "models"))
    row = tab.row("video.generate", "ltx2")
    qtbot.mouseClick(row.download.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.model == str(tmp_path / "models" / "ltx-2.3-distilled"), timeout=10000)
    assert asked == [tmp_path / "models" / "ltx-2.3-distilled"]
    tab.apply()
    assert models.download_folder(tab._settings) == str(tmp_path / "models")
    assert models.chosen_model(tab._settings, "video.generate", "ltx2") == row.model
