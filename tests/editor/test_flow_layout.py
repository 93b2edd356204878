"""The flow layout the inspector's rows use: side by side while they fit, wrapped when narrow."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from editor.flow_layout import FlowLayout


def _row(qtbot, whole_rows: bool = False) -> tuple[QWidget, list[QPushButton]]:
    row = QWidget()
    qtbot.addWidget(row)
    layout = FlowLayout(row, whole_rows=whole_rows)
    buttons = [QPushButton(text, row) for text in ("Add at playhead", "Remove", "Speed ramp")]
    for button in buttons:
        layout.addWidget(button)
    return row, buttons


def _lines(buttons: list[QPushButton]) -> list[list[str]]:
    tops: dict[int, list[str]] = {}
    for button in buttons:
        tops.setdefault(button.y(), []).append(button.text())
    return [tops[y] for y in sorted(tops)]


def test_a_wide_row_keeps_one_line_and_fills_it(qtbot) -> None:
    row, buttons = _row(qtbot)
    row.resize(row.sizeHint().width() + 60, 40)
    row.show()
    qtbot.waitExposed(row)
    assert _lines(buttons) == [["Add at playhead", "Remove", "Speed ramp"]]
    assert buttons[-1].geometry().right() == row.width() - 1  # the spare width shared out, to the edge


def test_a_narrow_row_wraps_and_asks_for_the_height_of_its_lines(qtbot) -> None:
    row, buttons = _row(qtbot)
    layout = row.layout()
    one_line = layout.heightForWidth(1000)
    narrow = buttons[0].sizeHint().width() + buttons[1].sizeHint().width() + 20
    assert row.minimumSizeHint().width() == max(b.minimumSizeHint().width() for b in buttons)
    row.resize(narrow, layout.heightForWidth(narrow))
    row.show()
    qtbot.waitExposed(row)
    assert _lines(buttons) == [["Add at playhead", "Remove"], ["Speed ramp"]]
    assert layout.heightForWidth(narrow) > one_line
    assert all(b.geometry().right() < narrow and b.width() >= b.minimumSizeHint().width() for b in buttons)


def test_whole_rows_are_all_on_a_line_or_one_a_line(qtbot) -> None:
    row, buttons = _row(qtbot, whole_rows=True)
    narrow = buttons[0].sizeHint().width() + buttons[1].sizeHint().width() + 20  # room for two
    row.resize(narrow, row.layout().heightForWidth(narrow))
    row.show()
    qtbot.waitExposed(row)
    assert _lines(buttons) == [["Add at playhead"], ["Remove"], ["Speed ramp"]]
    row.resize(row.sizeHint().width(), 40)
    qtbot.waitUntil(lambda: len(_lines(buttons)) == 1)
