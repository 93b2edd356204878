"""Preferences as a user edits them: rebinding a shortcut in the keymap editor (the new key works at
once and after a restart), conflicts refused, search and reset, and the viewer/autosave values."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from editor.actions import ActionRegistry
from editor.main_window import MainWindow
from editor.preferences import values
from editor.preferences.dialog import PreferencesDialog
from editor.preferences.keymap_editor import KeymapEditor
from editor.settings import EditorSettings
from tests.support.projectkit import Messages, blade, press, small_cut, v1

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def messages(monkeypatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def settings_path(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "settings.ini"


def make_window(qtbot, settings_path: Path) -> MainWindow:
    window = MainWindow(settings=EditorSettings(settings_path))
    qtbot.addWidget(window)
    window.show()
    window.show_timeline(small_cut(), None)
    return window


def open_preferences(window: MainWindow, qtbot) -> PreferencesDialog:
    press(window, Qt.Key.Key_Comma, CTRL)
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def type_shortcut(editor: KeymapEditor, action_id: str, qtbot, key: Qt.Key, modifiers=CTRL) -> None:
    field = editor.editor_for(action_id)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, key, modifiers)


def click(dialog: PreferencesDialog, qtbot, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def test_a_rebound_shortcut_triggers_its_command_now_and_after_a_restart(qtbot, settings_path) -> None:
    window = make_window(qtbot, settings_path)
    dialog = open_preferences(window, qtbot)
    listed = {dialog.keymap.table.item(row, 1).text() for row in range(dialog.keymap.table.rowCount())}
    assert {"New Project", "Open", "Save", "Save As", "Quit", "Undo", "Preferences", "Zoom to Fit"} <= listed
    assert "Open Recent" not in listed  # a submenu has no shortcut

    type_shortcut(dialog.keymap, "edit.undo", qtbot, Qt.Key.Key_U)
    assert dialog.keymap.pending()["edit.undo"] == "Ctrl+U"
    assert window.context.actions.shortcut("edit.undo") == "Ctrl+Z"  # nothing changes before OK
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()

    blade(window, 10)
    press(window, Qt.Key.Key_Z, CTRL)  # the old key does nothing now
    assert len(v1(window)) == 3
    press(window, Qt.Key.Key_U, CTRL)
    assert v1(window) == [("A", 0, 30), ("B", 30, 75)]
    assert window.context.settings.keymap() == {"edit.undo": "Ctrl+U"}
    window.close()

    again = make_window(qtbot, settings_path)
    assert again.context.actions.shortcut("edit.undo") == "Ctrl+U"
    blade(again, 10)
    press(again, Qt.Key.Key_U, CTRL)
    assert v1(again) == [("A", 0, 30), ("B", 30, 75)]


def test_a_key_given_to_two_commands_is_refused_until_one_changes(qtbot, settings_path, messages) -> None:
    window = make_window(qtbot, settings_path)
    dialog = open_preferences(window, qtbot)
    keymap = dialog.keymap
    type_shortcut(keymap, "edit.undo", qtbot, Qt.Key.Key_S)  # Ctrl+S is Save's
    assert keymap.conflicts() == {"Ctrl+S": ["file.save", "edit.undo"]}
    assert keymap.conflict_label.isVisible() and "Save" in keymap.conflict_label.text()

    click(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    assert messages.shown[-1][1] == "Shortcut conflicts" and "Undo" in messages.shown[-1][2]
    assert dialog.isVisible()
    assert window.context.actions.shortcut("edit.undo") == "Ctrl+Z" and window.context.settings.keymap() == {}

    row = next(r for r in range(keymap.table.rowCount()) if keymap.table.item(r, 1).text() == "Undo")
    reset = keymap.table.cellWidget(row, 3)
    assert isinstance(reset, QPushButton)
    qtbot.mouseClick(reset, Qt.MouseButton.LeftButton)  # that row back to its default
    assert keymap.conflicts() == {} and not keymap.conflict_label.isVisible()
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible() and window.context.actions.shortcut("edit.undo") == "Ctrl+Z"


def test_search_finds_commands_and_reset_all_restores_the_defaults(qtbot, settings_path) -> None:
    window = make_window(qtbot, settings_path)
    dialog = open_preferences(window, qtbot)
    keymap, table = dialog.keymap, dialog.keymap.table
    qtbot.keyClicks(keymap.search, "save")
    shown = [table.item(r, 1).text() for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert shown == ["Save", "Save As", "Save Bundle"]
    keymap.search.clear()
    qtbot.keyClicks(keymap.search, "ctrl+shift+z")  # by shortcut too
    assert [table.item(r, 1).text() for r in range(table.rowCount()) if not table.isRowHidden(r)] == ["Redo"]
    keymap.search.clear()

    type_shortcut(keymap, "view.fit", qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.NoModifier)
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Apply)
    assert window.context.actions.shortcut("view.fit") == "F"
    assert window.context.settings.keymap() == {"view.fit": "F"}
    qtbot.mouseClick(keymap.reset_all, Qt.MouseButton.LeftButton)
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    assert window.context.actions.shortcut("view.fit") == "Shift+Z"
    assert window.context.settings.keymap() == {}


def test_preview_resolution_and_autosave_interval_are_stored(qtbot, settings_path) -> None:
    window = make_window(qtbot, settings_path)
    settings = window.context.settings
    assert values.preview_resolution(settings) == "half" and values.autosave_seconds(settings) == 5.0
    dialog = open_preferences(window, qtbot)
    dialog.tabs.setCurrentIndex(1)
    dialog.preview.setCurrentIndex(dialog.preview.findData("quarter"))
    dialog.autosave.selectAll()
    qtbot.keyClicks(dialog.autosave, "12")
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    stored = EditorSettings(settings_path)
    assert values.preview_resolution(stored) == "quarter" and values.autosave_seconds(stored) == 12.0

    settings.set_value("viewer/preview_resolution", "huge")  # hand-edited or from a newer version
    settings.set_value("autosave/interval_seconds", "soon")
    assert values.preview_resolution(settings) == "half" and values.autosave_seconds(settings) == 5.0
    with pytest.raises(ValueError):
        values.set_preview_resolution(settings, "huge")


def test_a_submenu_in_the_registry_is_laid_out_but_has_no_shortcut(qtbot) -> None:
    registry = ActionRegistry()
    registry.add("file.save", "Save", lambda: None, "File", "Ctrl+S")
    submenu = registry.add_submenu("file.recent", "Open Recent", "File")
    submenu.addAction("one.otio")
    assert [e.action_id for e in registry.entries("File")] == ["file.save", "file.recent"]
    assert registry.entries("File")[1].action.menu() is submenu
    assert [e.action_id for e in registry.commands()] == ["file.save"]
    assert registry.conflicts({"file.save": "Ctrl+S"}) == {}
    registry.add("edit.undo", "Undo", lambda: None, "Edit", "Ctrl+Z")
    assert registry.conflicts({"edit.undo": "Ctrl+S"}) == {"Ctrl+S": ["file.save", "edit.undo"]}
    assert registry.shortcut("edit.undo") == "Ctrl+Z"  # only asked, not applied
    with pytest.raises(ValueError):
        registry.add_submenu("file.recent", "Again", "File")


def test_the_viewer_starts_at_the_preferred_preview_resolution_and_its_menu_sets_that_preference(
    qtbot, settings_path
) -> None:
    EditorSettings(settings_path).set_value("viewer/resolution", "1/4")  # the viewer's own key, before
    window = make_window(qtbot, settings_path)
    viewer = window.viewer
    assert [m.resolution.currentText() for m in viewer.monitors] == ["1/4", "1/4"]  # the old choice kept
    dialog = open_preferences(window, qtbot)
    assert dialog.preview.currentData() == "quarter"
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Cancel)
    qtbot.waitUntil(lambda: window.findChild(PreferencesDialog) is None)  # closed and gone

    viewer.resolution.setCurrentText("Full")  # in the viewer's menu
    assert viewer.source_monitor.resolution.currentText() == "Full"  # one setting for both monitors
    stored = EditorSettings(settings_path)
    assert values.preview_resolution(stored) == "full" and stored.value("viewer/resolution") is None
    dialog = open_preferences(window, qtbot)
    assert dialog.preview.currentData() == "full"  # what the viewer chose is the preference
    dialog.preview.setCurrentIndex(dialog.preview.findData("auto"))
    click(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    assert values.preview_resolution(EditorSettings(settings_path)) == "auto"
    assert viewer.resolution.currentText() == "Full"  # an open viewer keeps what it shows
    viewer.shutdown()

    second = make_window(qtbot, settings_path)  # a new viewer starts with the preference
    assert [m.resolution.currentText() for m in second.viewer.monitors] == ["Auto", "Auto"]
    second.viewer.shutdown()
