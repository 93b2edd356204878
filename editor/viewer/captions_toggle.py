"""View > Show Captions: the dialogue's subtitles over the viewer's picture, as a Burn export draws them.

The words are drawn by the frame worker with the export's burn-in code
(engine.export.captions, engine.render.captions), at the viewer's picture
size with the same proportions, so a subtitle that would wrap, overflow or
hide a face in the export does so here first. The choice is the user's,
kept in the settings like the other view options, not in the project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from editor.context import EditorContext
    from editor.viewer.panel import ViewerPanel

ACTION = "view.show_captions"
SETTING = "viewer/show_captions"


def register(viewer: ViewerPanel, context: EditorContext) -> QAction:
    """Add the checkable action to the View menu and apply the remembered choice."""
    action: QAction

    def toggled() -> None:
        shown = action.isChecked()
        context.settings.set_value(SETTING, shown)
        for monitor in viewer.monitors:
            monitor.worker.set_show_captions(shown)
        viewer.refresh_picture()

    action = context.actions.add(ACTION, "Show &Captions", toggled, "View", "", "captions", checkable=True)
    action.setToolTip("Draw the dialogue's subtitles over the picture, as an export that burns them in")
    remembered = str(context.settings.value(SETTING, "false")).lower() == "true"
    if remembered:
        for monitor in viewer.monitors:
            monitor.worker.set_show_captions(True)
        action.blockSignals(True)
        action.setChecked(True)
        action.blockSignals(False)
    return action
