"""Track mask: carry painted keys through a clip's frames by following the content under them.

Each painted key is followed forward until the next key (a correction takes
over from its own frame), and the first key is also followed backward to the
start of the range, so one painted frame covers the whole clip. Following
means: corners inside the mask are tracked frame to frame with pyramidal
Lucas-Kanade optical flow (checked forward and backward), and a similarity
transform (move, turn, scale) is fitted to them with RANSAC; with too few
corners (a flat object) the median of dense Farneback flow under the mask
moves it instead. The transforms are chained from the key and the key itself
is warped once per frame, so resampling never accumulates and a mask does
not erode or bloat over a long shot.

Optical flow runs on frames scaled down to `WORK_WIDTH` (tracking needs
motion, not detail); masks are warped at the media's own size.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from engine.masks.sequence import MaskError, MaskSequence
from engine.media.probe import probe
from engine.media.video import VideoDecoder, upright_rgb

WORK_WIDTH = 480
MIN_POINTS = 6
#: A corner whose backward track lands further than this from where it started is a mistrack.
MAX_ROUND_TRIP_PX = 1.0

Progress = Callable[[float], None]
Cancel = Callable[[], bool]


def track_mask(
    media_path: Path,
    masks: MaskSequence,
    start: int,
    count: int,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> bool:
    """Fill `masks.tracked` for media frames [start, start + count) from the keys.

    Returns False (leaving `masks` unchanged) when `cancel()` said stop;
    tracked frames outside the range are kept.
    """
    if not masks.keys:
        raise MaskError("Paint a mask on one frame before tracking it")
    if count <= 0:
        return True
    frames = _read_frames(Path(media_path), masks.size, start, count, cancel)
    if frames is None:
        return False
    inside = sorted(k for k in masks.keys if start <= k < start + count)
    if not inside:  # the keys lie outside the range: follow the nearest one from the range's edge
        nearest = max((k for k in masks.keys if k < start), default=None)
        anchor = start if nearest is not None else start + count - 1
        seeds = {anchor: masks.hard_mask_at(anchor)}
    else:
        seeds = {k: masks.keys[k] for k in inside}
    order = sorted(seeds)
    tracked: dict[int, np.ndarray] = {}
    runs: list[tuple[int, int, int]] = []  # (key, first frame after it, end exclusive / step)
    for i, key in enumerate(order):
        end = order[i + 1] if i + 1 < len(order) else start + count
        runs.append((key, end, 1))
    runs.append((order[0], start - 1, -1))
    total = max(1, count - len(order))
    done = 0
    for key, end, step in runs:
        chain = np.eye(3)
        for frame in range(key + step, end, step):
            if cancel is not None and cancel():
                return False
            move = _step(frames[frame - step - start], frames[frame - start], _warp(seeds[key], chain))
            chain = move @ chain
            tracked[frame] = _warp(seeds[key], chain)
            done += 1
            if progress is not None:
                progress(min(1.0, done / total))
    if not inside:
        tracked[order[0]] = seeds[order[0]]
    masks.tracked.update(tracked)
    return True


def _read_frames(
    path: Path, size: tuple[int, int], start: int, count: int, cancel: Cancel | None
) -> list[np.ndarray] | None:
    """Grey frames [start, start + count) at the working size (the range is clamped to the media)."""
    info = probe(path)
    if info.video is None:
        raise MaskError(f"{path.name} has no picture to track a mask through")
    if (info.video.width, info.video.height) != tuple(size):
        raise MaskError(
            f"The mask is {size[0]}x{size[1]} but {path.name} is {info.video.width}x{info.video.height}"
        )
    rate = Fraction(info.video.rate)
    work = _work_size(size)
    frames = []
    with VideoDecoder(path) as decoder:
        for index in range(start, start + count):
            if cancel is not None and cancel():
                return None
            picture = upright_rgb(decoder.frame_at(Fraction(index) / rate), decoder.rotation, work)
            frames.append(cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY))
    return frames


def _work_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    if width <= WORK_WIDTH:
        return width, height
    return WORK_WIDTH, max(2, round(height * WORK_WIDTH / width))


def _warp(mask: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    if np.allclose(matrix, np.eye(3)):
        return mask
    height, width = mask.shape
    moved = cv2.warpAffine(mask, matrix[:2], (width, height), flags=cv2.INTER_LINEAR)
    return np.where(moved >= 128, 255, 0).astype(np.uint8)


def _step(before: np.ndarray, after: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The 3x3 transform (in mask pixels) that carries what is under `mask` from `before` to `after`."""
    height, width = before.shape
    scale = width / mask.shape[1]
    small = cv2.resize(mask, (width, height), interpolation=cv2.INTER_NEAREST)
    if not small.any():
        return np.eye(3)
    region = cv2.dilate(small, np.ones((3, 3), np.uint8))
    corners = cv2.goodFeaturesToTrack(before, 200, 0.01, 3, mask=region)
    candidates = [
        _from_corners(before, after, corners) if corners is not None else None,
        _from_template(before, after, small),
    ]
    found = [move for move in candidates if move is not None]
    if not found:
        found = [_from_dense_flow(before, after, small)]
    move = min(found, key=lambda m: _residual(before, after, small, m))
    to_work = np.diag([scale, scale, 1.0])
    return np.linalg.inv(to_work) @ move @ to_work


def _from_corners(before: np.ndarray, after: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    if len(corners) < MIN_POINTS:
        return None
    ahead, ok, _ = cv2.calcOpticalFlowPyrLK(before, after, corners, None, winSize=(15, 15), maxLevel=3)
    back, ok_back, _ = cv2.calcOpticalFlowPyrLK(after, before, ahead, None, winSize=(15, 15), maxLevel=3)
    round_trip = np.linalg.norm((back - corners).reshape(-1, 2), axis=1)
    good = (ok.ravel() == 1) & (ok_back.ravel() == 1) & (round_trip < MAX_ROUND_TRIP_PX)
    if good.sum() < MIN_POINTS:
        return None
    fitted, _inliers = cv2.estimateAffinePartial2D(
        corners[good], ahead[good], method=cv2.RANSAC, ransacReprojThreshold=1.5
    )
    if fitted is None:
        return None
    return np.vstack([fitted, [0.0, 0.0, 1.0]])


def _from_template(before: np.ndarray, after: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """The shift that best lays the masked pixels of `before` onto `after` (masked template matching).

    Finds a flat object (a sign, a logo) whose only corners are its own
    few edges, where corners of the background around it outvote it in the
    corner fit and dense flow sees no motion inside it.
    """
    ys, xs = np.nonzero(mask)
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    reach = max(8, (right - left + bottom - top) // 2)
    height, width = before.shape
    s_top, s_left = max(0, top - reach), max(0, left - reach)
    s_bottom, s_right = min(height, bottom + reach), min(width, right + reach)
    template = before[top:bottom, left:right]
    search = after[s_top:s_bottom, s_left:s_right]
    if search.shape[0] < template.shape[0] or search.shape[1] < template.shape[1]:
        return None
    scores = cv2.matchTemplate(search, template, cv2.TM_SQDIFF, mask=mask[top:bottom, left:right])
    _low, _high, (x, y), _ = cv2.minMaxLoc(np.nan_to_num(scores, nan=np.inf))
    dx, dy = s_left + x - left, s_top + y - top
    return np.array([[1.0, 0.0, float(dx)], [0.0, 1.0, float(dy)], [0.0, 0.0, 1.0]])


def _residual(before: np.ndarray, after: np.ndarray, mask: np.ndarray, move: np.ndarray) -> float:
    """How badly `move` explains the pixels under the mask: mean absolute difference after moving them."""
    height, width = before.shape
    moved = cv2.warpAffine(before, move[:2], (width, height), flags=cv2.INTER_LINEAR)
    where = cv2.warpAffine(mask, move[:2], (width, height), flags=cv2.INTER_NEAREST) > 0
    if not where.any():
        return float("inf")
    return float(np.abs(moved[where].astype(np.int16) - after[where].astype(np.int16)).mean())


def _from_dense_flow(before: np.ndarray, after: np.ndarray, mask: np.ndarray) -> np.ndarray:
    flow = cv2.calcOpticalFlowFarneback(before, after, None, 0.5, 4, 21, 3, 5, 1.1, 0)
    under = mask > 0
    dx, dy = np.median(flow[..., 0][under]), np.median(flow[..., 1][under])
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])
