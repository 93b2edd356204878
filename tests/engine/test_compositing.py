"""Layering and transform: exported pixels where the transform, opacity and blend mode put them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.project import document, transform
from engine.project.document import clip_id, new_project
from engine.render import framing
from engine.render.video import Renderer, render_picture, video_frame

RATE = 30.0
SIZE = (160, 120)
RED, BLUE, GREY = (200, 40, 40), (40, 60, 200), (128, 128, 128)
WHITE = (235, 235, 235)
LOSSLESS = ExportSettings(crf=0, x264_preset="ultrafast")


def write_still(path: Path, size: tuple[int, int], colour: tuple[int, int, int], marks=()) -> Path:
    """A PNG of one colour with white 8x8 squares centred on `marks` (x, y)."""
    width, height = size
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[:] = colour
    for x, y in marks:
        rgb[y - 4 : y + 4, x - 4 : x + 4] = WHITE
    with av.open(str(path), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height = width, height
        stream.pix_fmt = "rgb24"
        for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compose")
    write_still(folder / "red.png", SIZE, RED)
    write_still(folder / "blue.png", SIZE, BLUE)
    # a grey card with a white mark at its centre and one 40 px right of it
    write_still(folder / "marks.png", SIZE, GREY, marks=[(80, 60), (120, 60)])
    write_still(folder / "phone.png", (108, 192), GREY)  # a vertical phone picture
    return folder


def still(media: Path, name: str, frames: int = 30) -> otio.schema.Clip:
    return clips_for(media / name, RATE, frames)[0]


def two_layers(media: Path, lower: str, upper: str) -> tuple[otio.schema.Timeline, str]:
    """`upper` on V2 over `lower` on V1, both 30 frames; the upper clip's id."""
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(still(media, lower))
    top = still(media, upper)
    document.track(timeline, "V2").append(top)
    return timeline, clip_id(top)


def white_centre(image: np.ndarray) -> tuple[float, float]:
    """(x, y) centre of the white pixels."""
    ys, xs = np.nonzero(image.min(axis=2) > 200)
    assert len(xs), "no white pixels"
    return float(xs.mean()), float(ys.mean())


def at(image: np.ndarray, x: int, y: int) -> np.ndarray:
    return image[y, x].astype(float)


def test_a_half_transparent_clip_shows_the_mix_with_the_track_below(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "red.png")
    transform.set_transform(timeline, top, opacity=0.5)
    image = video_frame(timeline, 10)
    assert np.allclose(image[60, 80], (np.array(RED) + np.array(BLUE)) / 2, atol=3)


def test_an_opaque_full_frame_clip_on_top_needs_nothing_below_decoded(media: Path) -> None:
    timeline, _ = two_layers(media, "blue.png", "red.png")
    with Renderer() as renderer:
        image = video_frame(timeline, 10, renderer=renderer)
        assert np.allclose(image[60, 80], RED, atol=3)
        assert len(renderer.sources._video) == 1  # V1's file was never opened


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("add", lambda a, b: np.minimum(a + b, 255)),
        ("multiply", lambda a, b: a * b / 255),
        ("screen", lambda a, b: 255 - (255 - a) * (255 - b) / 255),
        ("normal", lambda a, b: b),
    ],
)
def test_blend_modes_combine_the_clip_with_the_track_below(media: Path, mode: str, expected) -> None:
    timeline, top = two_layers(media, "blue.png", "red.png")
    transform.set_transform(timeline, top, blend=mode)
    image = video_frame(timeline, 10)
    assert np.allclose(at(image, 80, 60), expected(np.array(BLUE, float), np.array(RED, float)), atol=4)


def test_position_moves_the_picture_and_uncovers_the_track_below(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "marks.png")
    transform.set_transform(timeline, top, x=-40.0, y=20.0)
    image = video_frame(timeline, 0)
    # the centre mark moves from (80, 60) to (40, 80); the other one from (120, 60) to (80, 80)
    assert np.allclose(at(image, 40, 80), WHITE, atol=6) and np.allclose(at(image, 80, 80), WHITE, atol=6)
    assert np.allclose(at(image, 150, 60), BLUE, atol=4)  # the right 40 columns show V1
    assert np.allclose(at(image, 60, 5), BLUE, atol=4)  # and the top 20 rows
    assert np.allclose(at(image, 60, 60), GREY, atol=4)


def test_scale_shrinks_about_the_centre(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "marks.png")
    transform.set_transform(timeline, top, scale=0.5)
    image = video_frame(timeline, 0)
    # the picture is the middle 80x60; the second mark, 40 px right, is now 20 px right
    assert np.allclose(at(image, 100, 60), WHITE, atol=8)
    assert np.allclose(at(image, 30, 60), BLUE, atol=4) and np.allclose(at(image, 80, 20), BLUE, atol=4)
    assert np.allclose(at(image, 50, 40), GREY, atol=4)


def test_rotation_turns_clockwise_about_the_centre(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "marks.png")
    transform.set_transform(timeline, top, rotation=90.0)
    image = video_frame(timeline, 0)
    # the mark 40 px right of centre ends up 40 px below it; the corners show V1
    assert np.allclose(at(image, 80, 100), WHITE, atol=8)
    assert np.allclose(at(image, 5, 5), BLUE, atol=4)


def test_crop_cuts_a_side_away_and_leaves_the_rest_in_place(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "marks.png")
    transform.set_transform(timeline, top, crop_left=0.25, crop_bottom=0.5)
    image = video_frame(timeline, 0)
    assert np.allclose(at(image, 20, 30), BLUE, atol=4)  # left quarter cut
    assert np.allclose(at(image, 100, 100), BLUE, atol=4)  # bottom half cut
    assert np.allclose(at(image, 60, 30), GREY, atol=4)
    assert np.allclose(at(image, 120, 56), WHITE, atol=8)  # the mark still at its place


def test_a_keyframed_move_is_at_the_interpolated_place_in_between(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "marks.png")
    transform.add_keyframe(timeline, top, 0)
    transform.set_transform(timeline, top, at=20, x=40.0)
    assert [k.frame for k in transform.keyframes(document.find_clip(timeline, top)[1])] == [0, 20]
    with Renderer() as renderer:
        start = white_centre(video_frame(timeline, 0, renderer=renderer)[:, :110])
        middle = video_frame(timeline, 10, renderer=renderer)
        end = white_centre(video_frame(timeline, 25, renderer=renderer)[:, :130])  # held after the last
    assert abs(start[0] - 79.5) < 1
    assert np.allclose(at(middle, 100, 60), WHITE, atol=8)  # half way: 20 px right
    assert abs(end[0] - 119.5) < 1
    # ease in/out: a quarter of the way through time is 15.6 % of the way (smoothstep)
    transform.add_keyframe(timeline, top, 0, interp="ease")
    eased = white_centre(video_frame(timeline, 5)[:, :100])
    assert abs(eased[0] - (79.5 + 40 * 0.15625)) < 1


def test_fill_and_fit_frame_have_exact_scales(media: Path) -> None:
    assert transform.fill_scale((1080, 1920), (1920, 1080)) == Fraction(256, 81)
    assert transform.fill_scale((1920, 1080), (1080, 1920)) == Fraction(256, 81)
    assert transform.fill_scale((1920, 1080), (3840, 2160)) == 1
    timeline = new_project(size=(192, 108))
    phone = still(media, "phone.png")
    document.track(timeline, "V1").append(phone)
    ident = clip_id(phone)
    change = transform.reframe(timeline, ident, "fill", (108, 192))
    assert change.result == Fraction(256, 81)
    filled = video_frame(timeline, 0)
    assert filled.min() > 100  # grey edge to edge: nothing of the frame left empty
    transform.reframe(timeline, ident, "fit", (108, 192))
    fitted = video_frame(timeline, 0)
    # pillarboxed: 108x192 at 0.5625 is 60.75 px wide in the middle of 192
    assert not fitted[:, :64].any() and not fitted[:, 129:].any()
    assert fitted[:, 68:124].min() > 100
    change.undo()  # undo of Fill restores the untransformed clip
    assert transform.transform_effect(document.find_clip(timeline, ident)[1]) is None


def test_bad_transform_values_are_refused_with_a_clear_message(media: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "red.png")
    with pytest.raises(EditError, match="opacity must be between 0 and 1"):
        transform.set_transform(timeline, top, opacity=1.5)
    with pytest.raises(EditError, match="Blend mode must be one of"):
        transform.set_transform(timeline, top, blend="dodge")
    with pytest.raises(EditError, match="leave nothing"):
        transform.set_transform(timeline, top, crop_left=0.6, crop_right=0.5)


def test_exported_frames_are_the_viewers_composed_frames(media: Path, tmp_path: Path) -> None:
    timeline, top = two_layers(media, "blue.png", "marks.png")
    transform.add_keyframe(timeline, top, 0)
    transform.set_transform(timeline, top, at=29, x=30.0, rotation=20.0, scale=0.7, opacity=0.8)
    transform.set_transform(timeline, top, blend="screen")
    export_mp4(timeline, tmp_path / "out.mp4", LOSSLESS)
    with av.open(str(tmp_path / "out.mp4")) as container:
        written = [frame.to_ndarray().reshape(-1) for frame in container.decode(video=0)]
    with Renderer() as renderer:
        for n in (0, 15, 29):
            assert np.array_equal(written[n], render_picture(timeline, n, renderer=renderer).data), n


def test_fill_frame_reads_the_picture_size_from_the_clips_media(media: Path) -> None:
    timeline = new_project(size=(192, 108))
    phone = still(media, "phone.png")
    document.track(timeline, "V1").append(phone)
    change = framing.reframe_clip(timeline, clip_id(phone), "fill")
    assert change.result == Fraction(256, 81)
    assert transform.placement_at(document.find_clip(timeline, clip_id(phone))[1], 0).scale == 256 / 81
