"""A Ken Burns move on a still: each frame shows the framing of its moment, exactly."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest
from PIL import Image

from engine.errors import EditError
from engine.media.reference import clips_for
from engine.project import document
from engine.project.document import clip_id, new_project
from engine.project.kenburns import EASE, EFFECT, LINEAR, KenBurns, move_of, remove_ken_burns, set_ken_burns
from engine.render.picture import from_frame
from engine.render.video import Renderer, render_picture

RATE = 30.0
SIZE = (160, 120)
FRAMES = 61  # frame 30 is exactly half-way


@pytest.fixture(scope="module")
def still(tmp_path_factory) -> Path:
    """A 320x240 photo with four coloured quarters and a diagonal ramp, so any crop is recognisable."""
    path = tmp_path_factory.mktemp("kenburns") / "photo.png"
    rgb = np.zeros((240, 320, 3), np.uint8)
    rgb[:120, :160] = (200, 30, 30)
    rgb[:120, 160:] = (30, 200, 30)
    rgb[120:, :160] = (30, 30, 200)
    rgb[120:, 160:] = (220, 220, 40)
    ramp = (np.arange(320)[None, :] + np.arange(240)[:, None]) % 40
    rgb[..., 2] = np.clip(rgb[..., 2].astype(int) + ramp, 0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(path)
    return path


def project_with_still(still: Path) -> tuple[otio.schema.Timeline, str]:
    timeline = new_project(size=SIZE, rate=RATE)
    clip = clips_for(still, RATE, FRAMES)[0]
    document.track(timeline, "V1").append(clip)
    return timeline, clip_id(clip)


def expected(still: Path, box: tuple[int, int, int, int]) -> np.ndarray:
    """The still's pixels in (left, top, right, bottom), read by Pillow, resized to the frame."""
    left, top, right, bottom = box
    pixels = np.asarray(Image.open(still).convert("RGB"))[top:bottom, left:right]
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgb24")
    return from_frame(frame, 0, SIZE).data


def test_the_middle_frame_is_the_still_cropped_at_the_half_way_rectangle(still: Path) -> None:
    timeline, ident = project_with_still(still)
    set_ken_burns(timeline, ident, (0, 0, 1, 1), (0.5, 0.5, 0.5, 0.5), LINEAR)
    with Renderer() as renderer:
        middle = render_picture(timeline, 30, renderer=renderer).data
        first = render_picture(timeline, 0, renderer=renderer).data
        last = render_picture(timeline, FRAMES - 1, renderer=renderer).data
    # half-way from the whole picture to its bottom-right quarter: x, y 0.25 and 0.75 of 320x240
    assert np.array_equal(middle, expected(still, (80, 60, 320, 240)))
    assert np.array_equal(first, expected(still, (0, 0, 320, 240)))
    assert np.array_equal(last, expected(still, (160, 120, 320, 240)))


def test_the_first_frame_matches_the_still_without_a_move_and_the_last_shows_only_the_end_framing(
    still: Path,
) -> None:
    timeline, ident = project_with_still(still)
    plain = render_picture(timeline, 0).data
    set_ken_burns(timeline, ident, (0, 0, 1, 1), (0.5, 0.5, 0.5, 0.5), EASE)
    with Renderer() as renderer:
        assert np.array_equal(render_picture(timeline, 0, renderer=renderer).data, plain)
        last = render_picture(timeline, FRAMES - 1, renderer=renderer).to_rgb()
    red = last[..., 0].astype(int)
    assert red.min() > 180  # the yellow quarter fills the frame: no red, green or blue quarter left


def test_an_eased_move_starts_and_ends_slowly() -> None:
    move = KenBurns((0.0, 0.0, 1.0, 1.0), (0.5, 0.5, 0.5, 0.5), EASE)
    linear = KenBurns(move.start, move.end, LINEAR)
    assert move.rect_at(30, FRAMES) == pytest.approx(linear.rect_at(30, FRAMES))
    assert move.rect_at(6, FRAMES)[0] < linear.rect_at(6, FRAMES)[0]
    assert move.rect_at(0, FRAMES) == move.start and move.rect_at(FRAMES - 1, FRAMES) == move.end
    assert move.rect_at(-5, FRAMES) == move.start  # a dissolve reaching before the clip holds the start


def test_setting_a_move_is_one_undo_step_and_survives_saving(still: Path, tmp_path: Path) -> None:
    timeline, ident = project_with_still(still)
    change = set_ken_burns(timeline, ident, (0, 0, 1, 1), (0.25, 0.25, 0.5, 0.5))
    _, clip = document.find_clip(timeline, ident)
    assert [e.effect_name for e in clip.effects] == [EFFECT]
    saved = tmp_path / "move.otio"
    otio.adapters.write_to_file(timeline, str(saved))
    reopened = otio.adapters.read_from_file(str(saved))
    _, again = document.find_clip(reopened, ident)
    assert move_of(again) == KenBurns((0, 0, 1, 1), (0.25, 0.25, 0.5, 0.5), EASE)
    change.undo()
    _, clip = document.find_clip(timeline, ident)
    assert move_of(clip) is None and list(clip.effects) == []
    change.redo()
    remove_ken_burns(timeline, ident)
    _, clip = document.find_clip(timeline, ident)
    assert move_of(clip) is None


def test_a_framing_outside_the_picture_is_refused_and_changes_nothing(still: Path) -> None:
    timeline, ident = project_with_still(still)
    with pytest.raises(EditError, match="inside the picture"):
        set_ken_burns(timeline, ident, (0.6, 0, 0.6, 1), (0, 0, 1, 1))
    with pytest.raises(EditError, match="width and height above 0"):
        set_ken_burns(timeline, ident, (0, 0, 1, 1), (0, 0, 0, 1))
    with pytest.raises(EditError, match="Easing"):
        set_ken_burns(timeline, ident, (0, 0, 1, 1), (0, 0, 1, 1), "bounce")
    _, clip = document.find_clip(timeline, ident)
    assert list(clip.effects) == []


def test_a_moved_still_under_a_transform_shows_its_framing_placed_by_the_transform(still: Path) -> None:
    from engine.project.transform import set_transform

    timeline, ident = project_with_still(still)
    set_ken_burns(timeline, ident, (0, 0, 1, 1), (0.5, 0.5, 0.5, 0.5), LINEAR)  # ends on the yellow quarter
    set_transform(timeline, ident, scale=0.5)  # the framing shown at half size in the middle
    last = render_picture(timeline, FRAMES - 1).to_rgb().astype(int)
    h, w = SIZE[1], SIZE[0]
    middle = last[h // 2 - 10 : h // 2 + 10, w // 2 - 10 : w // 2 + 10]
    assert middle[..., 0].mean() > 180 and middle[..., 1].mean() > 180  # yellow: the move's end framing
    assert last[:8, :8].mean() < 30  # around it, black: the transform placed it


def centroid_x(rgb: np.ndarray) -> float:
    """Where the bright spot is across the frame, to a fraction of a pixel."""
    weight = rgb[..., 1].astype(float)
    return float((weight.sum(axis=0) * np.arange(rgb.shape[1])).sum() / weight.sum())


def test_a_slow_pan_moves_the_picture_by_the_same_fraction_of_a_pixel_every_frame(tmp_path: Path) -> None:
    # a soft green spot on black; the frame shows half the photo's width at its own scale (1:1),
    # panning 16 source pixels over 61 frames: 4/15 of a pixel per frame, never a whole one
    yy, xx = np.mgrid[0:240, 0:320]
    spot = 255 * np.exp(-((xx - 100.0) ** 2 + (yy - 120.0) ** 2) / (2 * 6.0**2))
    rgb = np.zeros((240, 320, 3), np.uint8)
    rgb[..., 1] = np.round(spot).astype(np.uint8)
    path = tmp_path / "spot.png"
    Image.fromarray(rgb).save(path)
    timeline, ident = project_with_still(path)
    set_ken_burns(timeline, ident, (0.2, 0.25, 0.5, 0.5), (0.25, 0.25, 0.5, 0.5), LINEAR)
    with Renderer() as renderer:
        places = [centroid_x(render_picture(timeline, f, renderer=renderer).to_rgb()) for f in range(0, 20)]
    steps = np.diff(places)
    step = -16 / (FRAMES - 1)
    assert np.allclose(steps, step, atol=0.04), steps  # rounded to whole pixels, most steps were 0 or -1
    assert abs(places[0] - (100 - 64)) < 0.3  # the spot where the first framing puts it
