"""Colour and looks on exported frames: what each look does to the pixels, and that the viewer agrees.

The source is a still of four flat patches (two saturated colours, a grey, a
warm yellow); exports are lossless H.264 (CRF 0), so a decoded frame holds
exactly the pixels the renderer handed to the encoder. Colours are read as
the mean of each patch's middle, as RGB through the viewer's own conversion;
tolerances are in 8-bit code values and stated per check.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest
from PIL import Image

from engine.errors import ExportError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.project import edits, looks, transform
from engine.project.document import clip_id, new_project
from engine.render.picture import Picture
from engine.render.video import Renderer, render_picture

RATE = 30.0
SIZE = (160, 120)
PATCHES = {  # name: (colour, (row slice, column slice) of the patch's middle)
    "red": ((200, 60, 30), (slice(15, 45), slice(20, 60))),
    "blue": ((40, 90, 160), (slice(15, 45), slice(100, 140))),
    "grey": ((110, 110, 110), (slice(75, 105), slice(20, 60))),
    "yellow": ((230, 200, 80), (slice(75, 105), slice(100, 140))),
}
LOSSLESS = ExportSettings(crf=0, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("looks")
    image = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
    image[:60, :80], image[:60, 80:] = PATCHES["red"][0], PATCHES["blue"][0]
    image[60:, :80], image[60:, 80:] = PATCHES["grey"][0], PATCHES["yellow"][0]
    Image.fromarray(image).save(folder / "patches.png")
    write_cube(folder / "identity.cube", lambda rgb: rgb)
    write_cube(folder / "swap.cube", lambda rgb: rgb[:, ::-1])  # red and blue trade places
    (folder / "invert.cube").write_text("LUT_1D_SIZE 2\n1 1 1\n0 0 0\n")
    return folder


def write_cube(path: Path, grade, points: int = 17) -> Path:
    grid = np.linspace(0.0, 1.0, points)
    b, g, r = np.meshgrid(grid, grid, grid, indexing="ij")  # red changes fastest in a .cube
    rgb = grade(np.stack([r, g, b], axis=-1).reshape(-1, 3))
    path.write_text(f"LUT_3D_SIZE {points}\n" + "".join(f"{x:.6f} {y:.6f} {z:.6f}\n" for x, y, z in rgb))
    return path


def edit(media: Path, frames: int = 10) -> tuple[otio.schema.Timeline, str]:
    timeline = new_project(size=SIZE, rate=RATE)
    (clip,) = clips_for(media / "patches.png", RATE, frames, 0)
    edits.append(timeline, {"V1": clip})
    return timeline, clip_id(clip)


def exported(timeline: otio.schema.Timeline, path: Path) -> list[np.ndarray]:
    """Every frame of a lossless export as the flat I420 pixels the encoder received."""
    export_mp4(timeline, path, LOSSLESS)
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="yuv420p").reshape(-1) for f in container.decode(video=0)]


def rgb_of(flat: np.ndarray) -> np.ndarray:
    return Picture(SIZE[0], SIZE[1], flat.copy()).to_rgb()


def colours(flat: np.ndarray) -> dict[str, np.ndarray]:
    rgb = rgb_of(flat).astype(np.float64)
    return {name: rgb[rows, cols].reshape(-1, 3).mean(axis=0) for name, (_, (rows, cols)) in PATCHES.items()}


@pytest.fixture(scope="module")
def plain(media: Path, tmp_path_factory) -> dict[str, np.ndarray]:
    timeline, _ = edit(media)
    return colours(exported(timeline, tmp_path_factory.mktemp("plain") / "plain.mp4")[0])


def test_an_identity_lut_changes_nothing(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_lut(timeline, ident, str(media / "identity.cube"))
    graded = colours(exported(timeline, tmp_path / "identity.mp4")[0])
    for name in PATCHES:  # the 8-bit RGB round trip may move a value by one step
        assert np.abs(graded[name] - plain[name]).max() <= 1.5, name


def test_a_lut_that_swaps_red_and_blue_swaps_them(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_lut(timeline, ident, str(media / "swap.cube"))
    graded = colours(exported(timeline, tmp_path / "swap.mp4")[0])
    for name in PATCHES:
        assert np.abs(graded[name] - plain[name][::-1]).max() <= 3, (name, graded[name], plain[name])


def test_a_1d_lut_applies_per_channel(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_lut(timeline, ident, str(media / "invert.cube"))
    graded = colours(exported(timeline, tmp_path / "invert.mp4")[0])
    for name in PATCHES:
        assert np.abs(graded[name] - (255 - plain[name])).max() <= 3, name


def test_a_lut_at_half_mix_goes_half_way(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_lut(timeline, ident, str(media / "swap.cube"))
    looks.set_params(timeline, ident, 0, {"mix": 0.5})
    graded = colours(exported(timeline, tmp_path / "half.mp4")[0])
    for name in PATCHES:
        expected = (plain[name] + plain[name][::-1]) / 2
        assert np.abs(graded[name] - expected).max() <= 3, name


def linear(code: np.ndarray) -> np.ndarray:
    """Display light of an 8-bit value (BT.1886: a 2.4 power)."""
    return (np.asarray(code) / 255.0) ** 2.4


def test_exposure_plus_one_doubles_linear_light(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_colour(timeline, ident, {"exposure": 1.0})
    graded = colours(exported(timeline, tmp_path / "exposure.mp4")[0])
    for name in PATCHES:
        expected = np.minimum(2 * linear(plain[name]), 1.0) ** (1 / 2.4) * 255
        assert np.abs(graded[name] - expected).max() <= 3, (name, graded[name], expected)
    assert linear(graded["grey"]).mean() == pytest.approx(2 * linear(plain["grey"]).mean(), rel=0.04)


def test_saturation_zero_gives_grey_of_the_same_brightness(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_colour(timeline, ident, {"saturation": 0.0})
    graded = colours(exported(timeline, tmp_path / "grey.mp4")[0])
    weights = np.array([0.2126, 0.7152, 0.0722])
    for name in PATCHES:
        assert np.ptp(graded[name]) <= 2, (name, graded[name])
        assert abs(graded[name].mean() - plain[name] @ weights) <= 3, name


def test_black_and_white_is_grey_and_half_amount_is_half_saturated(
    media: Path, plain, tmp_path: Path
) -> None:
    timeline, ident = edit(media)
    looks.add_look(timeline, ident, "bw")
    assert np.ptp(colours(exported(timeline, tmp_path / "bw.mp4")[0])["red"]) <= 2
    looks.set_params(timeline, ident, 0, {"amount": 0.5})
    half = colours(exported(timeline, tmp_path / "bw-half.mp4")[0])["red"]
    assert np.ptp(half) == pytest.approx(np.ptp(plain["red"]) / 2, abs=4)


def test_warmer_white_balance_raises_red_and_lowers_blue(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    looks.set_colour(timeline, ident, {"temperature": 50.0})
    grey = colours(exported(timeline, tmp_path / "warm.mp4")[0])["grey"]
    assert grey[0] > plain["grey"][0] + 4 and grey[2] < plain["grey"][2] - 4
    assert abs(grey[1] - plain["grey"][1]) <= 2  # green stays (within the 4:2:0 round trip)


def test_lift_gamma_gain_follow_their_formula(media: Path, plain, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    grade = {"lift_r": 0.1, "lift_g": 0.1, "lift_b": 0.1, "gain_r": 0.8, "gain_g": 0.8, "gain_b": 0.8}
    grade |= {"gamma_r": 1.5, "gamma_g": 1.5, "gamma_b": 1.5}
    looks.set_colour(timeline, ident, grade)
    graded = colours(exported(timeline, tmp_path / "lgg.mp4")[0])
    x = plain["grey"] / 255
    expected = (0.8 * (x + 0.1 * (1 - x))) ** (1 / 1.5) * 255
    assert np.abs(graded["grey"] - expected).max() <= 3


def test_grain_is_the_same_in_two_renders_of_a_frame_and_differs_between_frames(media: Path) -> None:
    timeline, ident = edit(media)
    looks.add_look(timeline, ident, "grain", {"amount": 0.5, "size": 1.0})
    with Renderer() as first, Renderer(cache_megabytes=0) as second:
        a = render_picture(timeline, 4, renderer=first).data
        b = render_picture(timeline, 4, renderer=second).data
        c = render_picture(timeline, 5, renderer=first).data
    assert np.array_equal(a, b)
    assert (a != c).mean() > 0.5
    looks.set_enabled(timeline, ident, 0, False)
    clean = render_picture(timeline, 4).data
    luma = SIZE[0] * SIZE[1]
    noise = a[:luma].astype(np.int16) - clean[:luma]
    assert 5 < noise.std() < 25 and abs(noise.mean()) < 2  # visible, zero-mean grain on the luma
    assert np.array_equal(a[luma:], clean[luma:])  # and none in the colour


def test_vignette_darkens_the_corners_and_keeps_the_middle(media: Path) -> None:
    timeline, ident = edit(media)
    clean = rgb_of(render_picture(timeline, 0).data).astype(int)
    looks.add_look(timeline, ident, "vignette", {"amount": 0.8, "softness": 0.5})
    dark = rgb_of(render_picture(timeline, 0).data).astype(int)
    assert (clean[2:6, 2:6] - dark[2:6, 2:6]).mean() > 40
    assert np.abs(clean[55:65, 75:85] - dark[55:65, 75:85]).max() <= 2


def test_blur_softens_the_edge_between_patches(media: Path) -> None:
    timeline, ident = edit(media)
    clean = rgb_of(render_picture(timeline, 0).data).astype(int)
    looks.add_look(timeline, ident, "blur", {"radius": 3.0})
    soft = rgb_of(render_picture(timeline, 0).data).astype(int)
    step = lambda image: np.abs(np.diff(image[30, 70:90, 0])).max()  # noqa: E731 red across the edge
    assert step(soft) < step(clean) / 3
    assert np.abs(soft[30, 30] - clean[30, 30]).max() <= 2  # a flat patch's middle stays


def test_vhs_is_the_same_per_frame_and_moves_between_frames(media: Path) -> None:
    timeline, ident = edit(media)
    looks.add_look(timeline, ident, "vhs", {"bleed": 0.8, "scanlines": 0.8, "tracking": 1.0, "wobble": 1.0})
    with Renderer() as first, Renderer(cache_megabytes=0) as second:
        a = render_picture(timeline, 3, renderer=first)
        b = render_picture(timeline, 3, renderer=second)
        c = render_picture(timeline, 4, renderer=first)
    assert np.array_equal(a.data, b.data)
    assert not np.array_equal(a.data, c.data)
    y = a.planes[0].astype(int)
    assert y[20, 30] - y[21, 30] > 10  # every other line darker: scan lines on a flat patch


def test_disabled_looks_do_nothing(media: Path, tmp_path: Path) -> None:
    timeline, ident = edit(media)
    before = exported(timeline, tmp_path / "before.mp4")
    looks.set_lut(timeline, ident, str(media / "swap.cube"))
    looks.set_colour(timeline, ident, {"exposure": 1.0, "saturation": 0.5})
    for kind in ("grain", "vhs", "vignette", "blur", "bw"):
        looks.add_look(timeline, ident, kind)
    for index in range(len(looks.looks(timeline.find_clips()[0]))):
        looks.set_enabled(timeline, ident, index, False)
    after = exported(timeline, tmp_path / "after.mp4")
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_looks_apply_in_stack_order(media: Path) -> None:
    timeline, ident = edit(media)
    looks.add_look(timeline, ident, "bw")
    looks.set_lut(timeline, ident, str(media / "invert.cube"))  # no colour grade: the LUT goes first
    looks.move_look(timeline, ident, 0, 1)  # black & white first, then the inverting LUT
    kinds = [looks.kind_of(e) for e in looks.looks(timeline.find_clips()[0])]
    assert kinds == ["bw", "lut"]
    rgb = rgb_of(render_picture(timeline, 0).data)[30, 30].astype(int)
    assert np.ptp(rgb) <= 3  # grey, then inverted: still grey
    looks.move_look(timeline, ident, 1, 0)
    assert np.ptp(rgb_of(render_picture(timeline, 0).data)[30, 30].astype(int)) <= 3


class Recorder(Renderer):
    """The export's renderer, keeping every picture it hands to the encoder."""

    def __init__(self) -> None:
        super().__init__(cache_megabytes=0)
        self.pictures: dict[int, np.ndarray] = {}

    def picture(self, timeline, frame, size, fit="fit"):
        picture = super().picture(timeline, frame, size, fit)
        self.pictures[frame] = picture.data.copy()
        return picture


def test_the_viewer_shows_the_exported_frame_with_every_look(media: Path, tmp_path: Path) -> None:
    timeline, ident = edit(media, frames=6)
    looks.set_colour(timeline, ident, {"exposure": 0.5, "temperature": -20.0, "saturation": 1.3})
    looks.set_lut(timeline, ident, str(media / "swap.cube"))
    for kind in ("grain", "vhs", "vignette", "blur", "bw"):
        looks.add_look(timeline, ident, kind, {"amount": 0.4} if kind == "bw" else None)
    recorder = Recorder()
    export_mp4(timeline, tmp_path / "all.mp4", LOSSLESS, renderer=recorder)
    with av.open(str(tmp_path / "all.mp4")) as container:
        decoded = [f.to_ndarray(format="yuv420p").reshape(-1) for f in container.decode(video=0)]
    with Renderer() as viewer:  # the viewer's renderer keeps a frame cache; scrub back over frame 2
        shown = {f: render_picture(timeline, f, renderer=viewer).data.copy() for f in (0, 2, 5, 2)}
    for frame, pixels in shown.items():
        assert np.array_equal(pixels, recorder.pictures[frame]), frame
        assert np.array_equal(pixels, decoded[frame]), frame


def test_vhs_chroma_bleed_smears_sideways_without_wrapping_round(media: Path) -> None:
    timeline, ident = edit(media)
    clean = render_picture(timeline, 0)
    looks.add_look(timeline, ident, "vhs", {"bleed": 1.0, "scanlines": 0.0, "tracking": 0.0, "wobble": 0.0})
    bled = render_picture(timeline, 0)
    u_clean, u_bled = clean.planes[1].astype(int), bled.planes[1].astype(int)
    assert np.abs(u_bled[10:20, 0] - u_clean[10:20, 0]).max() <= 2  # the red patch's edge stays red
    assert np.abs(u_bled[10:20, 38:44] - u_clean[10:20, 38:44]).max() > 10  # the red/blue edge smears
    assert np.array_equal(bled.planes[0], clean.planes[0])  # luma untouched


def test_an_export_whose_lut_has_gone_stops_with_one_line_and_writes_nothing(
    media: Path, tmp_path: Path
) -> None:
    lut = write_cube(tmp_path / "gone.cube", lambda rgb: rgb)
    timeline, ident = edit(media)
    looks.set_lut(timeline, ident, str(lut))
    lut.unlink()
    with pytest.raises(ExportError, match=r"LUT file not found: .*gone\.cube") as raised:
        export_mp4(timeline, tmp_path / "out.mp4", LOSSLESS)
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_looks_come_before_the_transform_on_a_scaled_clip(media: Path) -> None:
    timeline, ident = edit(media)
    transform.set_transform(timeline, ident, scale=0.5)
    looks.add_look(timeline, ident, "bw")
    rgb = rgb_of(render_picture(timeline, 0).data).astype(int)
    middle = rgb[35:50, 45:75]  # the half-size picture's red patch, in the frame's upper middle
    assert np.ptp(middle, axis=-1).max() <= 3 and middle.mean() > 40  # grey, not black
    looks.set_enabled(timeline, ident, 0, False)
    red = rgb_of(render_picture(timeline, 0).data).astype(int)[40, 60]
    assert red[0] - red[2] > 100  # without the look it is red again
