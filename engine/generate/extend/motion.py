"""The default `video.extend` backend: continue the shot's own motion, on any CPU, with no download.

A shot that is a second short usually needs "more of the same": the pan
keeps panning, the car keeps driving. So the last frames' optical flow
(OpenCV Farneback, on a downscaled copy so 1080p stays quick) gives each
pixel a velocity, and every new frame moves the last frame's pixels further
along it, slowing down (damped) so an extrapolated move eases out instead of
running away. Pixels are pushed forward (splatted) with moving ones drawn
over still ones, so a moving object keeps its shape instead of smearing;
what it uncovers is filled from the background the earlier frames showed,
blended in over a soft edge so the seam does not tear. (Blending whole
frames with their predecessors was tried: it smears every moving edge.)
A shot with no motion worth continuing is held on its last frame, bit for
bit (freeze), and the provenance says which of the two happened, so the
user knows what they got.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine.generate.base import Output, Readiness
from engine.generate.extend import TASK
from engine.generate.extend.request import HOLD, ExtendRequest, extend_video
from engine.jobs.progress import RENDERING, JobContext

#: Velocity kept from one new frame to the next: the move eases out over about a second.
DAMPING = 0.93
#: Below this speed (pixels per frame, at the 95th percentile) a shot counts as static.
STATIC_SPEED = 0.3
#: Flow is estimated at most this wide; the velocity is scaled back up.
FLOW_WIDTH = 480
#: Width (pixels) of the soft edge where the uncovered background meets moved pixels.
FEATHER = 3
MOTION, FREEZE = "motion", "freeze"


class MotionExtendBackend:
    name = TASK.default
    task = TASK.name
    label = TASK.default_label
    gpu = False

    def readiness(self) -> Readiness:
        return Readiness(True, "CPU, nothing to download")

    def run(self, request: ExtendRequest, context: JobContext) -> Output:
        facts: dict = {}

        def continuation(shown: list[np.ndarray]) -> list[np.ndarray] | str:
            made, how = continue_motion(shown, request.frames, context)
            facts.update(how)
            return made

        path = context.workdir / "extend-motion.mp4"
        written = extend_video(request, context, path, continuation)
        provenance = request.provenance(backend=self.name, model_id="", **facts, **written)
        return Output([path], provenance)


def _gray(rgb: np.ndarray, scale: float) -> np.ndarray:
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale != 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return gray


def velocity(previous: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Per-pixel motion of `last` (pixels per frame, (h, w, 2) float32 as x, y)."""
    h, w = last.shape[:2]
    scale = min(1.0, FLOW_WIDTH / w)
    a, b = _gray(previous, scale), _gray(last, scale)
    # flow from the last frame back to the one before: where each pixel of `last` came from
    back = cv2.calcOpticalFlowFarneback(b, a, None, 0.5, 3, 15, 3, 5, 1.2, 0)
    if scale != 1.0:
        back = cv2.resize(back, (w, h), interpolation=cv2.INTER_LINEAR) / scale
    return (-back).astype(np.float32)


def background(shown: list[np.ndarray]) -> np.ndarray:
    """What is behind moving things: the per-pixel median of the context frames.

    All of them: a thing is only left out of the median where it covers a
    pixel in fewer than half the frames, so fewer frames leave more of it in.
    """
    stacked = np.sort(np.stack(shown), axis=0)  # uint8 stays uint8: an eighth of np.median's memory
    return stacked[len(shown) // 2]


class Splatter:
    """Pushes the last frame's pixels along its motion; what is fixed for every new frame is made once.

    The drawing order (slowest first, so the fastest pixel wins a target it
    shares) is the same for every new frame, because each frame scales the
    same velocities; sorting 2 million pixels once rather than per frame is
    most of the difference between 1 and 5 frames a second at 1080p.
    """

    def __init__(self, picture: np.ndarray, motion: np.ndarray, fill: np.ndarray) -> None:
        h, w = picture.shape[:2]
        self.size = (h, w)
        self.fill = fill
        flat = motion.reshape(-1, 2)
        order = np.argsort(np.hypot(flat[:, 0], flat[:, 1]), kind="stable")
        # everything per pixel, in drawing order, so a frame is arithmetic and one scatter
        ys, xs = np.divmod(order, w)
        self.xs, self.ys = xs.astype(np.float32), ys.astype(np.float32)
        self.dx, self.dy = np.ascontiguousarray(flat[order, 0]), np.ascontiguousarray(flat[order, 1])
        self.pixels = picture.reshape(-1, picture.shape[2])[order]

    def frame(self, travelled: float) -> np.ndarray:
        """The picture with every pixel moved `travelled` times its velocity; holes get the fill."""
        h, w = self.size
        tx = np.rint(self.xs + self.dx * np.float32(travelled)).astype(np.int32)
        ty = np.rint(self.ys + self.dy * np.float32(travelled)).astype(np.int32)
        inside = (tx >= 0) & (tx < w) & (ty >= 0) & (ty < h)
        target = (ty * w + tx)[inside]
        out = self.fill.copy()
        written = np.zeros((h, w), bool)
        # numpy writes repeated targets in order, so the fastest pixel (last) wins
        out.reshape(-1, out.shape[2])[target] = self.pixels[inside]
        written.reshape(-1)[target] = True
        holes = ~written
        if not holes.any():
            return out
        # a pixel missed only by rounding (stretching motion) takes its neighbours, not the background
        lone = holes & (cv2.blur(written.astype(np.float32), (3, 3)) > 0.5)
        out[lone] = cv2.medianBlur(out, 3)[lone]
        holes &= ~lone
        # the uncovered background fades in over a soft edge instead of a hard seam
        soft = cv2.GaussianBlur(holes.astype(np.float32), (2 * FEATHER + 1, 2 * FEATHER + 1), 0)
        edge = (soft > 0) & ~holes
        weight = soft[edge][:, None]
        out[edge] = (out[edge] * (1 - weight) + self.fill[edge] * weight + 0.5).astype(np.uint8)
        return out


def continue_motion(
    shown: list[np.ndarray], count: int, context: JobContext | None = None
) -> tuple[list[np.ndarray] | str, dict]:
    """`count` new frames after `shown` (nearest last), or HOLD for a freeze; and how they were made."""
    last = shown[-1]
    if len(shown) < 2:
        return HOLD, {"method": FREEZE, "reason": "one frame: no motion"}
    motion = velocity(shown[-2], last)
    speed = float(np.percentile(np.hypot(motion[..., 0], motion[..., 1]), 95))
    if speed < STATIC_SPEED:
        return HOLD, {"method": FREEZE, "reason": "static shot", "speed": round(speed, 3)}
    splatter = Splatter(last, motion, background(shown))
    made: list[np.ndarray] = []
    travelled = 0.0
    for n in range(1, count + 1):
        if context is not None:
            context.check_cancelled()
            context.progress(0.8 * n / count, RENDERING, n, count)
        travelled += DAMPING**n
        made.append(splatter.frame(travelled))
    facts = {"method": MOTION, "speed": round(speed, 3), "damping": DAMPING}
    return made, facts
