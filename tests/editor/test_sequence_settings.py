"""File > New asks the sequence settings; Sequence > Settings… changes them later, one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from editor.main_window import MainWindow
from editor.project import sequence_dialog
from engine.project import document, edits
from engine.project.document import ProjectSettings
from tests.support.editing import project, shot


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    yield win
    win.viewer.shutdown()


def test_the_dialog_offers_the_presets_and_fills_in_a_chosen_one(qtbot) -> None:
    dialog = sequence_dialog.SequenceSettingsDialog(ProjectSettings(30.0, 1920, 1080), new=True)
    qtbot.addWidget(dialog)
    assert dialog.size_preset.currentText() == "1080p HD (1920x1080)"
    presets = [dialog.size_preset.itemText(i) for i in range(dialog.size_preset.count())]
    assert presets == [
        "1080p HD (1920x1080)",
        "4K UHD (3840x2160)",
        "Vertical 1080x1920",
        "Square 1080x1080",
        "Custom",
    ]
    rates = [dialog.rate.itemData(i) for i in range(dialog.rate.count())]
    assert rates == ["23.976", "24", "25", "29.97", "30", "50", "60"]
    dialog.size_preset.setCurrentIndex(2)
    dialog.rate.setCurrentIndex(rates.index("29.97"))
    dialog.sample_rate.setCurrentIndex(dialog.sample_rate.findData(44100))
    assert dialog.values() == ((1080, 1920), "29.97", 44100)
    dialog.width_box.setValue(1000)  # a typed size is Custom
    assert dialog.size_preset.currentText() == "Custom"
    dialog.show()
    dialog.grab().save("/tmp/finish-new-dialog.png")


def test_file_new_makes_the_chosen_sequence_and_starts_at_frame_0(window, monkeypatch) -> None:
    window.context.playhead.move_to(40)
    monkeypatch.setattr(sequence_dialog, "ask", lambda parent, current, new: ((1080, 1920), "25", 44100))
    window.context.actions.action("file.new").trigger()
    s = document.settings(window.timeline)
    assert (s.width, s.height, s.rate, s.sample_rate) == (1080, 1920, 25.0, 44100)
    assert window.context.playhead.frame == 0
    monkeypatch.setattr(sequence_dialog, "ask", lambda parent, current, new: None)  # Cancel: nothing changes
    before = window.timeline
    window.context.actions.action("file.new").trigger()
    assert window.timeline is before


def test_sequence_settings_conforms_the_cuts_says_what_moved_and_undoes_in_one_step(
    window, monkeypatch
) -> None:
    timeline = project()
    for length in (30, 15, 55):
        edits.append(timeline, {"V1": shot(f"s{length}", length)})
    window.show_timeline(timeline, None)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(sequence_dialog, "ask", lambda parent, current, new: ((1080, 1080), "25", 48000))
    assert "sequence.settings" in [e.action_id for e in window.context.actions.entries("Sequence")]
    window.context.actions.action("sequence.settings").trigger()
    s = document.settings(window.timeline)
    assert (s.width, s.height, s.rate) == (1080, 1080, 25.0)
    assert len(shown) == 1 and "1 cut(s) moved" in shown[0] and "V1 s55" in shown[0]
    window.context.session.undo_stack.undo()
    s = document.settings(window.timeline)
    assert (s.width, s.height, s.rate) == (1920, 1080, 30.0)
    assert [int(i.source_range.duration.value) for i in document.track(window.timeline, "V1")] == [30, 15, 55]


def test_the_settings_dialog_warns_before_a_rate_change(qtbot) -> None:
    dialog = sequence_dialog.SequenceSettingsDialog(ProjectSettings(30.0, 1920, 1080), new=False)
    qtbot.addWidget(dialog)
    assert "nothing on the timeline moves" in dialog.note.text()
    dialog.rate.setCurrentIndex(dialog.rate.findData("24"))
    assert "conforms every cut" in dialog.note.text()
    dialog.show()
    dialog.grab().save("/tmp/finish-sequence-settings.png")
