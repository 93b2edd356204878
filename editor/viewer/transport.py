"""The viewer's commands in the action registry, with Premiere's keys.

Transport and navigation go in View, marks and three-point edits in
Sequence. Every command acts on the monitor last clicked or focused (source
or timeline; in tabs, the one shown), as Premiere's keys act on the monitor
that has focus; Insert and Overwrite always edit from the source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from editor.actions import ActionRegistry

if TYPE_CHECKING:
    from editor.viewer.panel import ViewerPanel

#: (id, menu text, menu, default key, section); the slot is the panel's method of the same name.
COMMANDS = (
    ("play", "&Play/Pause", "View", "Space", "transport"),
    ("shuttle_back", "Shuttle &Backwards (J)", "View", "J", "transport"),
    ("stop", "&Stop (K)", "View", "K", "transport"),
    ("shuttle_forward", "Shuttle &Forwards (L)", "View", "L", "transport"),
    ("step_back", "Step Back One Frame", "View", "Left", "navigate"),
    ("step_forward", "Step Forward One Frame", "View", "Right", "navigate"),
    ("step_back_10", "Step Back 10 Frames", "View", "Shift+Left", "navigate"),
    ("step_forward_10", "Step Forward 10 Frames", "View", "Shift+Right", "navigate"),
    ("go_start", "Go to Start", "View", "Home", "navigate"),
    ("go_end", "Go to End", "View", "End", "navigate"),
    ("previous_cut", "Go to Previous Edit Point", "View", "Up", "navigate"),
    ("next_cut", "Go to Next Edit Point", "View", "Down", "navigate"),
    ("toggle_mode", "Toggle Source/Timeline Viewer", "View", "", "viewer"),
    ("mark_in", "Mark &In", "Sequence", "I", "marks"),
    ("mark_out", "Mark &Out", "Sequence", "O", "marks"),
    ("clear_marks", "Clear In and Out", "Sequence", "Ctrl+Shift+X", "marks"),
    ("insert", "&Insert from Source", "Sequence", ",", "source"),
    ("overwrite", "O&verwrite from Source", "Sequence", ".", "source"),
)


def register(viewer: ViewerPanel, actions: ActionRegistry) -> None:
    for name, text, menu, key, section in COMMANDS:
        actions.add(f"viewer.{name}", text, getattr(viewer, name), menu, key, section)
