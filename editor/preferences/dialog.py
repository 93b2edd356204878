"""Edit > Preferences: the keymap, the viewer's preview size, the autosave interval, and the models.

Apply writes the settings and changes the live window at once (shortcuts
through the action registry; autosave reads its interval when it next needs
it). The preview resolution is the one setting the viewer's Resolution menu
also writes: a new viewer starts with it, an open one keeps what it shows.
A keymap with conflicts is refused with a message that names them, and the
dialog stays open so they can be fixed; so is a model folder the engine
would refuse (editor.preferences.models_tab).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.engine_client import EngineClient
from editor.preferences import values
from editor.preferences.engines_tab import EnginesTab
from editor.preferences.keymap_editor import KeymapEditor
from editor.preferences.models_tab import ModelsTab


class PreferencesDialog(QDialog):
    def __init__(
        self, context: EditorContext, parent: QWidget | None = None, engine: EngineClient | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PreferencesDialog")
        self.setWindowTitle("Preferences")
        self.resize(820, 640)
        self._context = context
        settings = context.settings
        self.keymap = KeymapEditor(context.actions, self)
        general = QWidget(self)
        form = QFormLayout(general)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.preview = QComboBox(general)
        for key, label in values.PREVIEW_LABELS.items():
            self.preview.addItem(label, key)
        self.preview.setCurrentIndex(self.preview.findData(values.preview_resolution(settings)))
        self.preview.setToolTip(
            "The preview size a new viewer starts with; the viewer's own menu changes this same setting"
        )
        form.addRow("Default preview resolution", self.preview)
        self._preview_shown = self.preview.currentData()
        self.autosave = QSpinBox(general)
        self.autosave.setRange(1, 600)
        self.autosave.setSuffix(" s")
        self.autosave.setValue(max(1, round(values.autosave_seconds(settings))))
        self.autosave.setToolTip("How long after an edit the crash-recovery journal is written")
        form.addRow("Autosave recovery journal after", self.autosave)
        self._autosave_shown = self.autosave.value()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.keymap, "Keyboard Shortcuts")
        self.tabs.addTab(general, "General")
        self.models = ModelsTab(settings, engine, self)
        self.tabs.addTab(self.models, "Models")
        self.engines = EnginesTab(settings, engine, self)
        self.tabs.addTab(self.engines, "Engines")
        buttons = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(buttons.Ok | buttons.Cancel | buttons.Apply, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(buttons.Apply).clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    def apply(self) -> bool:
        """Save and use the preferences; False (and a message) when the keymap has conflicts."""
        conflicts = self.keymap.describe_conflicts()
        if conflicts:
            self.tabs.setCurrentWidget(self.keymap)
            QMessageBox.warning(
                self,
                "Shortcut conflicts",
                f"These keys are given to more than one command:\n{conflicts}\n\n"
                "Change one of each before applying.",
            )
            return False
        problems = self.models.problems()
        if problems:
            self.tabs.setCurrentWidget(self.models)
            QMessageBox.warning(
                self,
                "Model folder refused",
                f"The engine would refuse these models:\n{problems}\n\n"
                "Choose another folder, a hub id, or leave the field empty for the default.",
            )
            return False
        context = self._context
        keys = self.keymap.changed_from_defaults()
        context.settings.set_keymap(keys)
        context.actions.apply_keymap(keys)
        if self.preview.currentData() != self._preview_shown:  # the viewer's own choice since is kept
            values.set_preview_resolution(context.settings, self.preview.currentData())
            self._preview_shown = self.preview.currentData()
        if self.autosave.value() != self._autosave_shown:  # keep a finer value set outside the dialog
            values.set_autosave_seconds(context.settings, self.autosave.value())
            self._autosave_shown = self.autosave.value()
        self.models.apply()
        self.engines.apply()
        context.status.show("Preferences applied")
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()


def register_preferences(parent: QWidget, context: EditorContext, engine: EngineClient | None = None) -> None:
    """Edit > Preferences… (Ctrl+,), opened window-modal without blocking the event loop.

    `engine` is asked nothing: its last `initialize` answer fills the Models tab."""

    def show() -> None:
        existing = parent.findChild(PreferencesDialog)
        if existing is not None and existing.isVisible():
            existing.raise_()
            return
        dialog = PreferencesDialog(context, parent, engine)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    context.actions.add("edit.preferences", "&Preferences…", show, "Edit", "Ctrl+,", "preferences")
