"""The user's preferences as typed values, over the settings file.

Panels read these when they need them (the viewer its preview size when it
renders, autosave its interval when it schedules a write), so a change in
the preferences dialog takes effect without a restart and without signals.
"""

from __future__ import annotations

from editor.settings import EditorSettings

#: Preview sizes the viewer offers, with the factor each divides the frame size by (0: Auto, the
#: smallest that still has a pixel for every pixel of the picture on screen).
PREVIEW_RESOLUTIONS = {"auto": 0, "full": 1, "half": 2, "quarter": 4}
#: How the viewer's combo and the Preferences dialog name them.
PREVIEW_LABELS = {"auto": "Auto", "full": "Full", "half": "1/2", "quarter": "1/4"}
DEFAULT_PREVIEW = "half"
PREVIEW_KEY = "viewer/preview_resolution"
#: Where the viewer's combo kept its own choice (by label) before it and Preferences shared one key.
OLD_PREVIEW_KEY = "viewer/resolution"
DEFAULT_AUTOSAVE_SECONDS = 5.0
AUTOSAVE_RANGE = (0.05, 600.0)  # tests use a fraction of a second; a user is offered 1 s to 10 min


def preview_resolution(settings: EditorSettings) -> str:
    """The preview size a viewer starts with, and the one last chosen in its combo: one setting.

    A settings file from before the two were one has only the combo's label under
    the old key; that choice is read rather than lost (and moved to the new key at
    the next choice)."""
    value = settings.value(PREVIEW_KEY)
    if value is None:
        by_label = {label: key for key, label in PREVIEW_LABELS.items()}
        value = by_label.get(str(settings.value(OLD_PREVIEW_KEY, "")), DEFAULT_PREVIEW)
    value = str(value)
    return value if value in PREVIEW_RESOLUTIONS else DEFAULT_PREVIEW


def set_preview_resolution(settings: EditorSettings, value: str) -> None:
    if value not in PREVIEW_RESOLUTIONS:
        raise ValueError(f"No preview resolution called {value}")
    settings.set_value(PREVIEW_KEY, value)
    settings.remove(OLD_PREVIEW_KEY)  # one setting in the file, as in the editor


def autosave_seconds(settings: EditorSettings) -> float:
    """Seconds from an edit to its journal write (a damaged value falls back to the default)."""
    try:
        value = float(settings.value("autosave/interval_seconds", DEFAULT_AUTOSAVE_SECONDS))
    except (TypeError, ValueError):
        return DEFAULT_AUTOSAVE_SECONDS
    low, high = AUTOSAVE_RANGE
    return min(max(value, low), high) if value == value else DEFAULT_AUTOSAVE_SECONDS


def set_autosave_seconds(settings: EditorSettings, seconds: float) -> None:
    low, high = AUTOSAVE_RANGE
    settings.set_value("autosave/interval_seconds", min(max(float(seconds), low), high))
