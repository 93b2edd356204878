"""The viewer's reduced preview of a look is the export's frame scaled down (issue 19).

The viewer usually renders at 1/2 or 1/4 of the project's size. Each test
renders one frame at the project's size (what an export encodes) and at a
reduced size from the same timeline, scales the full render down with
cv2.INTER_AREA, and compares. The source is four flat patches, so with no
look at all the two differ only by how the source was scaled at its patch
edges (bicubic against area): about 0.6 code values of luma on average,
which is the floor every tolerance below sits just above. Grain and the
tracking band's speckle are random per pixel, so for grain the statistic
compared is the noise's spread; the VHS rows (wobble, band, scan lines) are
drawn from the same random numbers at any size, so those compare directly.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import opentimelineio as otio
import pytest
from PIL import Image

from engine.media import proxies
from engine.media.reference import clips_for
from engine.project import edits, looks, transform
from engine.project.document import clip_id, new_project
from engine.render.sources import Sources
from engine.render.video import Renderer, render_picture
from tests.support import mediagen

RATE = 30.0
SIZE = (480, 360)
FRAME = 3
VHS_OFF = {"bleed": 0.0, "scanlines": 0.0, "tracking": 0.0, "wobble": 0.0}


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    """Red | blue over dark grey | light grey: a chroma edge above, a luma edge below."""
    width, height = SIZE
    image = np.zeros((height, width, 3), np.uint8)
    image[: height // 2, : width // 2], image[: height // 2, width // 2 :] = (200, 60, 30), (40, 90, 160)
    image[height // 2 :, : width // 2], image[height // 2 :, width // 2 :] = (60, 60, 60), (220, 220, 220)
    path = tmp_path_factory.mktemp("scale") / "patches.png"
    Image.fromarray(image).save(path)
    return path


def timeline_with(media: Path, kind: str | None = None, params: dict | None = None) -> otio.schema.Timeline:
    timeline = new_project(size=SIZE, rate=RATE)
    (clip,) = clips_for(media, RATE, 10, 0)
    edits.append(timeline, {"V1": clip})
    if kind is not None:
        looks.add_look(timeline, clip_id(clip), kind, params)
    return timeline


def preview_and_scaled_export(
    timeline: otio.schema.Timeline, divisor: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The Y, U, V planes of the preview at 1/`divisor` and of the full render scaled to it."""
    size = (SIZE[0] // divisor, SIZE[1] // divisor)
    full = render_picture(timeline, FRAME).planes
    preview = render_picture(timeline, FRAME, size).planes
    scaled = [
        cv2.resize(plane, (shown.shape[1], shown.shape[0]), interpolation=cv2.INTER_AREA)
        for plane, shown in zip(full, preview, strict=True)
    ]
    return [p.astype(np.float64) for p in preview], [s.astype(np.float64) for s in scaled]


def luma_difference(timeline: otio.schema.Timeline, divisor: int) -> float:
    preview, scaled = preview_and_scaled_export(timeline, divisor)
    return float(np.abs(preview[0] - scaled[0]).mean())


@pytest.mark.parametrize("divisor", [2, 3, 4])
def test_scan_lines_in_a_reduced_preview_are_the_exports_scaled_down(media: Path, divisor: int) -> None:
    timeline = timeline_with(media, "vhs", VHS_OFF | {"scanlines": 0.8})
    full_luma = render_picture(timeline, FRAME).planes[0].astype(int)
    assert full_luma[100, 60] - full_luma[101, 60] > 20  # the export has its stripes, every other row
    # at 1/2 the export's stripes average to an even grey (19 code values off when they were
    # drawn on the preview's own rows); at 1/3 to rows of one and two stripes in three
    assert luma_difference(timeline, divisor) < 1.0


def test_grain_in_a_reduced_preview_is_as_strong_as_the_exports_scaled_down(media: Path) -> None:
    clean = timeline_with(media)
    for size in (1.0, 4.0):  # grain finer than a pixel, and grain a few pixels across
        grainy = timeline_with(media, "grain", {"amount": 0.5, "size": size})
        preview, scaled = preview_and_scaled_export(grainy, 2)
        clean_preview, clean_scaled = preview_and_scaled_export(clean, 2)
        patch = (slice(10, 80), slice(10, 110))  # inside the red patch, away from its edges
        shown = (preview[0] - clean_preview[0])[patch].std()
        exported = (scaled[0] - clean_scaled[0])[patch].std()
        assert exported > 3  # visible grain survives the scaling
        assert shown == pytest.approx(exported, rel=0.1), size


@pytest.mark.parametrize(
    ("kind", "params"),
    [("blur", {"radius": 3.0}), ("vignette", {"amount": 0.8, "softness": 0.5})],
)
def test_blur_and_vignette_in_a_reduced_preview_are_the_exports_scaled_down(
    media: Path, kind: str, params: dict
) -> None:
    timeline = timeline_with(media, kind, params)
    for divisor in (2, 4):
        assert luma_difference(timeline, divisor) < 1.0, divisor


def chroma_edge(planes: list[np.ndarray], divisor: int) -> tuple[slice, slice]:
    """The U and V pixels around the red | blue edge of the upper half."""
    rows, columns = planes[1].shape
    middle = columns // 2
    return slice(2, rows // 2 - 2), slice(middle - 12 // divisor, middle + 16 // divisor)


def transition(plane: np.ndarray) -> float:
    """Where, from the left of `plane`, its rows' mean changes from one colour to the other."""
    row = plane.mean(axis=0)
    return float((row[-1] - row).sum() / (row[-1] - row[0]))


def test_chroma_bleed_in_a_reduced_preview_is_the_exports_scaled_down(media: Path) -> None:
    timeline = timeline_with(media, "vhs", VHS_OFF | {"bleed": 1.0})
    for divisor in (2, 4):
        preview, scaled = preview_and_scaled_export(timeline, divisor)
        clean_preview, clean_scaled = preview_and_scaled_export(timeline_with(media), divisor)
        edge = chroma_edge(preview, divisor)
        for plane in (1, 2):  # U and V across the edge, where the colour smears right
            # the source's bicubic scaling overshoots at this edge, the area scaling does not
            floor = np.abs(clean_preview[plane] - clean_scaled[plane])[edge].mean()
            assert np.abs(preview[plane] - scaled[plane])[edge].mean() < floor + 0.5, (divisor, plane)
            # the smear moves the colour as far right as the export's (it went a whole preview
            # pixel further when the bleed was rounded to the preview's pixels)
            shown, exported = transition(preview[plane][edge]), transition(scaled[plane][edge])
            assert shown == pytest.approx(exported, abs=0.1), (divisor, plane)
            assert exported > transition(clean_scaled[plane][edge]) + 0.2


def test_the_tracking_band_in_a_reduced_preview_is_where_the_export_has_it(media: Path) -> None:
    timeline = timeline_with(media, "vhs", VHS_OFF | {"tracking": 1.0})
    preview, scaled = preview_and_scaled_export(timeline, 2)
    clean_preview, _ = preview_and_scaled_export(timeline_with(media), 2)
    band = np.flatnonzero(np.abs(scaled[0] - clean_preview[0]).max(axis=1) > 20)
    assert len(band) > 5  # the export has a band of speckle in its lower part
    rows = slice(band[0], band[-1] + 1)
    assert np.abs(preview[0][rows] - scaled[0][rows]).mean() < 2.0  # speckle averaged, not redrawn


def edge_positions(luma: np.ndarray, left: int, right: int) -> np.ndarray:
    """Per row, where the dark | light edge between columns `left` and `right` sits (sub-pixel)."""
    window = luma[:, left:right]
    dark, light = 60 * 219 / 255 + 16, 220 * 219 / 255 + 16  # the patches' limited-range luma
    return left + np.clip((light - window) / (light - dark), 0, 1).sum(axis=1)


def test_the_wobble_in_a_reduced_preview_shifts_rows_as_the_export_does(media: Path) -> None:
    wobbly, clean = timeline_with(media, "vhs", VHS_OFF | {"wobble": 1.0}), timeline_with(media)
    half = (SIZE[0] // 2, SIZE[1] // 2)
    rows = slice(SIZE[1] // 2 + 4, SIZE[1] - 4)  # the dark | light edge of the lower half
    preview_rows = slice(rows.start // 2, rows.stop // 2)

    def edges(timeline: otio.schema.Timeline, size: tuple[int, int], rows: slice) -> np.ndarray:
        luma = render_picture(timeline, FRAME, size).planes[0].astype(np.float64)
        middle = size[0] // 2
        return edge_positions(luma[rows], middle - size[0] // 12, middle + size[0] // 12)

    exported = edges(wobbly, SIZE, rows) - edges(clean, SIZE, rows)  # each row's shift, export pixels
    assert np.ptp(exported) > 2  # the export's lines do wobble
    shown = edges(wobbly, half, preview_rows) - edges(clean, half, preview_rows)
    expected = exported.reshape(-1, 2).mean(axis=1) / 2  # two export rows to a preview row
    # preview pixels; drawn on the preview's own rows, each row's jitter differed by about 0.2
    assert np.abs(shown - expected).mean() < 0.05


def test_scan_lines_on_a_moved_clip_previewed_from_its_proxy_are_the_exports_scaled_down(
    tmp_path: Path, monkeypatch
) -> None:
    """A transformed clip's looks run on its source picture before it is placed: the viewer,
    reading the 1/2 proxy, must draw the original's scan lines on it, not the proxy's own."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    video = mediagen.write_video(tmp_path / "grey.mp4", 4, size=SIZE, color=(150, 150, 150))
    proxies.make(video, 2)
    timeline = new_project(size=SIZE, rate=RATE)
    (clip,) = clips_for(video, RATE, 4, 0)
    edits.append(timeline, {"V1": clip})
    transform.set_transform(timeline, clip_id(clip), x=40.0)  # moved: placed from its source picture
    looks.add_look(timeline, clip_id(clip), "vhs", VHS_OFF | {"scanlines": 0.8})
    half = (SIZE[0] // 2, SIZE[1] // 2)
    with (
        Renderer(cache_megabytes=0) as export,
        Renderer(Sources(open_video=lambda p: proxies.open_video(p, 2))) as viewer,
    ):
        assert isinstance(viewer.sources.video(clip), proxies.ProxyDecoder)
        full = render_picture(timeline, 1, renderer=export).planes[0]
        shown = render_picture(timeline, 1, half, renderer=viewer).planes[0].astype(np.float64)
    assert abs(int(full[200, 240]) - int(full[201, 240])) > 20  # the export has its stripes
    scaled = cv2.resize(full, half, interpolation=cv2.INTER_AREA).astype(np.float64)
    # the flat grey under the look, away from the code strip index_frame draws and the edges
    middle = (slice(half[1] // 2, half[1] - 8), slice(half[0] // 4, half[0] - 8))
    assert np.abs(shown - scaled)[middle].mean() < 1.5
