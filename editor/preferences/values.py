"""The user's preferences as typed values, over the settings file.

Panels read these when they need them (the viewer its preview size when it
renders, autosave its interval when it schedules a write), so a change in
the preferences dialog takes effect without a restart and without signals.
"""

from __future__ import annotations

from editor.settings import EditorSettings

#: Preview sizes the viewer offers, with the factor each divides the frame size by.
PREVIEW_RESOLUTIONS = {"full": 1, "half": 2, "quarter": 4}
DEFAULT_PREVIEW = "half"
DEFAULT_AUTOSAVE_SECONDS = 5.0
AUTOSAVE_RANGE = (0.05, 600.0)  # tests use a fraction of a second; a user is offered 1 s to 10 min


def preview_resolution(settings: EditorSettings) -> str:
    value = str(settings.value("viewer/preview_resolution", DEFAULT_PREVIEW))
    return value if value in PREVIEW_RESOLUTIONS else DEFAULT_PREVIEW


def set_preview_resolution(settings: EditorSettings, value: str) -> None:
    if value not in PREVIEW_RESOLUTIONS:
        raise ValueError(f"No preview resolution called {value}")
    settings.set_value("viewer/preview_resolution", value)


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
