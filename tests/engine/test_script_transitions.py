"""Screenplay transitions in the cut: DISSOLVE TO: a dissolve, FADE IN:/FADE OUT. fades, CUT TO: a cut."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from engine.cli.main import main
from engine.project import document, persistence, trackedit
from engine.project.document import VIDEO
from engine.project.placeholders import is_placeholder
from engine.render import plan
from engine.render.video import Renderer, video_frame

RATE = 24
SCRIPT = """\
FADE IN:

EXT. PIER - DAWN

Mara walks to the end of the pier and looks out at the grey water.

DISSOLVE TO:

EXT. SEA - DAY

A small boat rocks on the swell, far out.

CUT TO:

INT. LAMP ROOM - NIGHT

Tom lights the lamp.

FADE OUT.
"""


def imported(tmp_path: Path) -> tuple[Path, otio.schema.Timeline]:
    script = tmp_path / "pier.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    project = tmp_path / "pier.otio"
    assert main(["script", str(script), "-o", str(project), "--size", "160x90", "--fps", str(RATE)]) == 0
    return project, persistence.load(project).timeline


def picture_items(timeline: otio.schema.Timeline) -> list[otio.core.Item]:
    return list(next(t for t in document.tracks(timeline) if t.kind == VIDEO))


def test_the_screenplays_transitions_are_a_dissolve_a_cut_and_fades(tmp_path: Path) -> None:
    _, timeline = imported(tmp_path)
    items = picture_items(timeline)
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Clip", "Transition", "Clip", "Clip"]  # dissolve into shot 2, a cut into shot 3
    dissolve = items[1]
    assert dissolve.name == "Cross Dissolve"
    assert (dissolve.in_offset.value, dissolve.out_offset.value) == (RATE // 2, RATE // 2)
    first, second, third = items[0], items[2], items[3]
    assert first.metadata["shotline"]["fade_in"] == RATE  # FADE IN: one second up from black
    assert third.metadata["shotline"]["fade_out"] == RATE  # FADE OUT. one second down to black
    assert "fade_out" not in first.metadata["shotline"] and "fade_in" not in third.metadata["shotline"]
    assert second.metadata["shotline"]["transition"] == "DISSOLVE TO:"


def test_the_dissolve_blends_the_two_panels_and_the_fades_go_to_black(tmp_path: Path) -> None:
    _, timeline = imported(tmp_path)
    track = next(t for t in document.tracks(timeline) if t.kind == VIDEO)
    cut = trackedit.layout(track, RATE)[1].start  # where shot 2 starts (the transition takes no time)
    layers = plan.video_layers(timeline, cut)
    assert [round(layer.weight, 3) for layer in layers] == [round(1 - 12.5 / 24, 3), round(12.5 / 24, 3)]
    with Renderer() as renderer:
        before = video_frame(timeline, cut - RATE, renderer=renderer).astype(int)
        after = video_frame(timeline, cut + RATE, renderer=renderer).astype(int)
        middle = video_frame(timeline, cut, renderer=renderer).astype(int)
        assert video_frame(timeline, 0, renderer=renderer).mean() < 30  # the fade in starts near black
        end = trackedit.timeline_end(timeline, RATE)
        assert video_frame(timeline, end - 1, renderer=renderer).mean() < 30  # the fade out ends near black
    expected = before * (1 - 12.5 / 24) + after * (12.5 / 24)
    assert np.abs(middle - expected).mean() < 3.0


@pytest.mark.slow
def test_generate_all_gives_dissolving_shots_the_handles_their_dissolve_needs(tmp_path: Path, capsys) -> None:
    project, _ = imported(tmp_path)
    assert main(["generate-all", str(project), "--task", "video.generate"]) == 0
    capsys.readouterr()
    timeline = persistence.load(project).timeline
    items = picture_items(timeline)
    assert [type(i).__name__ for i in items] == ["Clip", "Transition", "Clip", "Clip"]
    first, dissolve, second = items[0], items[1], items[2]
    assert not is_placeholder(first) and not is_placeholder(second)
    assert trackedit.has_handles(dissolve, first, second, RATE) is None
    assert trackedit.source_frames(second, RATE)[0] == RATE // 2  # the take starts after its head handle
