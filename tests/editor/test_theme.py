"""The dark theme: a control that cannot be used right now must look it (the export dialog mid-export)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from editor.app import RESOURCES


def _text_colour_count(button: QPushButton) -> int:
    """How many pixels of the button are as bright as enabled text (the theme's #d6d6d6 or brighter)."""
    image = button.grab().toImage()
    bright = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            bright += min(colour.red(), colour.green(), colour.blue()) >= 0xC8
    return bright


def test_a_disabled_button_is_dimmed_by_the_dark_theme(qtbot, qapp) -> None:
    qapp.setStyleSheet((RESOURCES / "styles" / "dark.qss").read_text(encoding="utf-8"))
    try:
        button = QPushButton("Export")
        qtbot.addWidget(button)
        button.resize(120, 30)
        assert _text_colour_count(button) > 20  # its label in the theme's light grey
        button.setEnabled(False)
        assert _text_colour_count(button) == 0  # greyed: nothing is drawn as bright as usable text
    finally:
        qapp.setStyleSheet("")
