"""The issue's case in the editor: an Insert from the source viewer keeps the score and overlay in sync."""

from __future__ import annotations

from engine.project import document, edits
from engine.project.times import rt
from tests.editor.test_three_point import COMMA, lengths, mark_source, open_source, press, win  # noqa: F401
from tests.support.editing import shot


def starts(window, track: str) -> list[tuple[str, int]]:
    """(name, first frame) of each clip on a track."""
    out, at = [], 0
    for item in document.track(window.context.session.timeline, track):
        if item.schema_name() == "Clip":
            out.append((item.name, at))
        at += round(item.source_range.duration.value)
    return out


def test_an_insert_from_the_source_moves_the_score_and_the_overlay_and_one_undo_restores(
    win,  # noqa: F811 (the fixture imported above)
    qtbot,
    tmp_path,
) -> None:
    session = win.context.session
    session.apply(edits.overwrite, rt(20, 30.0), {"A2": shot("score", 30, audio=True)})
    before = otio_of(win)
    open_source(qtbot, win, tmp_path / "blue.mp4")
    mark_source(qtbot, win, 3, 6)  # four frames
    win.context.playhead.mark_in(12)
    press(qtbot, win, COMMA)
    assert lengths(win, "V1") == [("red", 12), ("blue", 4), ("red", 18), ("blue", 20)]
    assert starts(win, "V2") == [("red", 44)]  # the overlay was at 40: still over the same picture
    assert starts(win, "A2") == [("score", 24)]  # the score was at 20
    assert session.undo_stack.undoText() == "Insert"
    session.undo_stack.undo()
    assert otio_of(win) == before


def otio_of(window) -> str:
    return window.context.session.timeline.to_json_string()
