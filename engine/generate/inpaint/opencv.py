"""The default `video.inpaint` backend: temporal filling with optical flow, then OpenCV inpainting.

What hides behind a moving object in one frame is usually visible in
another, so a hole is first filled from the clip itself: for each frame the
nearest frames (one back, one ahead, two back...) are aligned to it by
optical flow (DIS), and each hole pixel takes the first aligned frame in
which that place is not masked. Only what no frame reveals falls back to
spatial inpainting (Telea or Navier-Stokes), and that guess is carried
forward by the same alignment, so a static logo over a static background
is filled once and then comes out identical in every frame: no flicker.

Flow inside the holes is unreliable (it tracks the object, not what is
behind it), so it is replaced there by the flow around the hole; motion
under a third of a pixel is taken as none, so a still background is
copied exactly, not resampled. All of it runs on a crop around the hole,
with the flow computed at a few hundred pixels whatever the frame size.
Only the masked region changes: the fill is composited over the source
with the feathered mask.

A still shot whose static mask something moves through (a passer-by
crossing a painted rectangle) is filled from a temporal clean plate
instead (engine.generate.inpaint.clean_plate): every frame shows some of
the background there, and the plate collects it.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

from engine.generate.base import Output, Readiness
from engine.generate.inpaint import TASK, clean_plate
from engine.generate.inpaint.media import ClipWindow, composite, hole_box
from engine.generate.inpaint.request import NAVIER_STOKES, InpaintRequest
from engine.generate.mezzanine import write_video
from engine.jobs.progress import ENCODING, RENDERING, JobContext

#: Frames looked at for each frame, nearest first: back before ahead at each distance.
OFFSETS = tuple(o for d in (1, 2, 3, 4, 6, 8, 12) for o in (-d, d))
REACH = max(abs(o) for o in OFFSETS)
#: The longest side of the crop the flow is computed on.
FLOW_SIDE = 320
#: Flow below this (pixels) is taken as none, so static pixels are copied, not resampled.
STILL = 0.33
#: How far (flow pixels) an object's motion bleeds into the flow around it, and the ring beyond
#: that whose median motion is taken as the motion behind the hole.
SMEAR, RING = 12, 16
#: Median grey-level difference around a hole above which an aligned frame is not trusted.
MISMATCH = 12
#: Spatial inpainting radius (pixels) for what no frame reveals.
INPAINT_RADIUS = 5


class OpenCVInpaintBackend:
    name = TASK.default
    task = TASK.name
    label = TASK.default_label
    gpu = False

    def readiness(self) -> Readiness:
        return Readiness(True, "CPU, nothing to download")

    def run(self, request: InpaintRequest, context: JobContext) -> Output:
        masks = request.masks()
        path = context.workdir / "inpaint.mp4"
        filler = TemporalFiller(request.method)
        stats = {"temporal": 0, "carried": 0, "spatial": 0, "clean_plate": 0}
        with ClipWindow(request, masks) as clip:
            plate = clean_plate.build(clip, request.frames, filler.flag, INPAINT_RADIUS)
        if plate is not None:
            stats["spatial"] = plate.spatial  # filled once, on the plate
            context.log(
                f"opencv: a still shot with a static mask that something moves through: a clean plate "
                f"from {plate.samples} frames ({plate.recovered} pixels seen, {plate.spatial} inpainted)"
            )

        def frames():
            with ClipWindow(request, masks) as clip:
                previous: np.ndarray | None = None
                for index in range(request.frames):
                    context.check_cancelled()
                    context.progress(0.97 * index / request.frames, RENDERING, index + 1, request.frames)
                    if plate is not None:
                        out = plate.frame(clip.frame(index), clip.alpha(index))
                        stats["clean_plate"] += plate.recovered
                    else:
                        out = filler.frame(clip, index, previous, stats)
                    clip.forget_before(index - REACH)
                    previous = out
                    yield out

        write_video(path, frames(), request.rate, request.size)
        context.progress(1.0, ENCODING)
        context.log(
            f"opencv: {stats['temporal']} pixels filled from other frames, {stats['carried']} carried "
            f"from the previous result, {stats['clean_plate']} from the clean plate, "
            f"{stats['spatial']} inpainted ({request.method})"
        )
        provenance = request.provenance(
            masks,
            backend=self.name,
            model_id="",
            method=request.method,
            filled_pixels=stats,
            library_versions={"opencv": cv2.__version__},
        )
        return Output([path], provenance)


class TemporalFiller:
    """Fills one frame's hole from its neighbours, the previous result, then spatially."""

    def __init__(self, method: str) -> None:
        self.flag = cv2.INPAINT_NS if method == NAVIER_STOKES else cv2.INPAINT_TELEA
        self.dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self.flows = 0  # optical flows computed, for the log and the benchmark

    def frame(
        self, clip: ClipWindow, t: int, previous: np.ndarray | None, stats: dict[str, int]
    ) -> np.ndarray:
        source = clip.frame(t)
        alpha = clip.alpha(t)
        hole = alpha > 0
        side = max(source.shape[:2])
        box = hole_box(hole, margin=max(16, min(side // 8, 96)))
        if box is None:
            return source
        x0, y0, x1, y1 = box
        crop = np.s_[y0:y1, x0:x1]
        target = source[crop]
        remaining = hole[crop].copy()
        fill = target.copy()
        holes = Holes(remaining, min(1.0, FLOW_SIDE / max(x1 - x0, y1 - y0)), _gray(target, 1.0))
        motion: dict[int, np.ndarray] = {}

        def motion_to(s: int) -> np.ndarray:
            """Each hole's motion (dx, dy) from frame t to frame s in crop pixels; NaN: not known."""
            if s not in motion:
                step = motion.get(t + (1 if s > t else -1))
                guess = None if step is None or np.isnan(step).any() else step * abs(s - t)
                if guess is not None and not np.any(np.hypot(guess[:, 0], guess[:, 1]) >= STILL):
                    motion[s] = guess  # still camera: no need to measure what cannot have moved
                else:
                    other = clip.frame(s)[crop]
                    motion[s] = holes.motion(self.dis, other, clip.alpha(s)[crop] > 0, guess)
                    self.flows += 1
            return motion[s]

        grid: list[np.ndarray] = []

        def warp(image: np.ndarray, s: int) -> np.ndarray:
            """`image` (at frame s) moved onto frame t; outside it, or where the motion is unknown: 0."""
            shift = np.nan_to_num(_snapped(motion_to(s)), nan=-1e5)  # unknown: sampled from nowhere
            if not shift.any():
                return image  # a still background: copied, never resampled
            if not grid:
                grid.extend(np.mgrid[0 : y1 - y0, 0 : x1 - x0].astype(np.float32))
            map_x, map_y = grid[1] + shift[holes.labels, 0], grid[0] + shift[holes.labels, 1]
            return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)

        for offset in OFFSETS:
            s = t + offset
            if not clip.has(s):
                continue
            # a place counts as seen in frame s when it and its neighbours are unmasked there
            clear = np.where(clip.alpha(s)[crop] > 0, 0, 255).astype(np.uint8)
            seen = warp(cv2.erode(clear, np.ones((3, 3), np.uint8)), s) == 255
            take = remaining & seen
            if take.any():
                fill[take] = warp(clip.frame(s)[crop], s)[take]
                remaining &= ~take
                stats["temporal"] += int(take.sum())
                if not remaining.any():
                    break
        if remaining.any() and previous is not None:
            inside = warp(np.full(remaining.shape, 255, np.uint8), t - 1) == 255
            take = remaining & inside
            if take.any():
                fill[take] = warp(previous[crop], t - 1)[take]
                remaining &= ~take
                stats["carried"] += int(take.sum())
        if remaining.any():
            fill = cv2.inpaint(fill, remaining.astype(np.uint8) * 255, INPAINT_RADIUS, self.flag)
            stats["spatial"] += int(remaining.sum())
        out = source.copy()
        out[crop] = composite(target, fill, alpha[crop])
        return out


class Holes:
    """The separate holes of one frame's crop, and how to measure what moves behind each.

    Flow inside a hole follows the object, not what is behind it, so each
    hole is given one motion: the median flow of a ring of unmasked pixels
    around it. That is exact for a still or panning camera, robust to the
    noise of a few bad vectors, and makes a still background come out
    identical from frame to frame.
    """

    def __init__(self, hole: np.ndarray, scale: float, gray: np.ndarray) -> None:
        self.scale = scale
        self.gray = _scaled(gray, scale)
        self.hole_small = _scaled(hole.astype(np.uint8), scale, cv2.INTER_NEAREST) > 0
        merged = cv2.dilate(hole.astype(np.uint8), np.ones((9, 9), np.uint8))
        count, labels = cv2.connectedComponents(merged)
        self.count = count  # label 0 is outside every hole
        self.labels = labels
        self.labels_small = _scaled(labels.astype(np.uint16), scale, cv2.INTER_NEAREST).astype(np.int32)
        self._nears: dict[int, np.ndarray] = {}

    def _near(self, label: int) -> np.ndarray:
        """The pixels within reach of hole `label` (small scale), the same for every other frame."""
        if label not in self._nears:
            hole = (self.labels_small == label).astype(np.uint8)
            self._nears[label] = cv2.dilate(hole, _disc(SMEAR + RING)) > 0
        return self._nears[label]

    def motion(
        self, dis: cv2.DISOpticalFlow, other_rgb: np.ndarray, other_hole: np.ndarray, guess: np.ndarray | None
    ) -> np.ndarray:
        """(count, 2) motions in full crop pixels; row 0 (outside the holes) is zero, NaN: not known.

        `guess` (the motion one frame away, times the distance) starts the
        flow, so motions beyond the flow's own reach are still found; a
        motion whose ring does not match after moving is not trusted.
        """
        other = _scaled(cv2.cvtColor(other_rgb, cv2.COLOR_RGB2GRAY), self.scale)
        initial = None
        if guess is not None and self.count > 1:
            initial = np.empty((*self.gray.shape, 2), np.float32)
            initial[:] = guess[1:].mean(axis=0) * self.scale
        flow = dis.calc(self.gray, other, initial)
        other_small = _scaled(other_hole.astype(np.uint8), self.scale, cv2.INTER_NEAREST) > 0
        # DIS smears an object's motion a patch or so into what is around it: look beyond that
        unreliable = cv2.dilate((self.hole_small | other_small).astype(np.uint8), _disc(SMEAR))
        shifts = np.zeros((self.count, 2), np.float32)
        for label in range(1, self.count):
            ring = self._near(label) & (unreliable == 0)
            if ring.sum() < 8:
                shifts[label] = np.nan
                continue
            dx, dy = np.median(flow[ring], axis=0)
            moved = cv2.warpAffine(
                other, np.float32([[1, 0, dx], [0, 1, dy]]), other.shape[::-1],
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=0,
            )  # fmt: skip
            height, width = other.shape
            ys, xs = np.nonzero(ring)
            kept = (xs + dx >= 0) & (xs + dx <= width - 1) & (ys + dy >= 0) & (ys + dy <= height - 1)
            if kept.sum() < 8:  # what is around the hole has left the picture: nothing to check with
                shifts[label] = np.nan
                continue
            ys, xs = ys[kept], xs[kept]
            residual = np.median(np.abs(moved[ys, xs].astype(np.int16) - self.gray[ys, xs]))
            shifts[label] = (dx / self.scale, dy / self.scale) if residual <= MISMATCH else np.nan
        return shifts


@cache
def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def _snapped(shifts: np.ndarray) -> np.ndarray:
    """Motion under STILL pixels is none: static pixels are copied exactly, never resampled."""
    out = shifts.copy()
    out[np.hypot(shifts[:, 0], shifts[:, 1]) < STILL] = 0.0
    return out


def _gray(rgb: np.ndarray, scale: float) -> np.ndarray:
    return _scaled(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), scale)


def _scaled(image: np.ndarray, scale: float, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    if scale == 1.0:
        return image
    size = (max(8, round(image.shape[1] * scale)), max(8, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=interpolation)
