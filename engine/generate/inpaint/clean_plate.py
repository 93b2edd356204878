"""A temporal clean plate: what a static mask hides, recovered from the frames where nothing covers it.

The common removal in a locked-off shot: a passer-by walks through a
rectangle the user painted once. The rectangle is masked in every frame,
so no other frame "reveals" it in the flow filler's sense, and a spatial
fill would smear the whole rectangle in every frame. But each pixel of the
rectangle shows the background in most frames: only while the passer-by
crosses it does it change. So per pixel the background is the temporal
median of the source, refined to the frames that agree with that median
and in which the pixel is still (the passer-by's frames differ from it, and
move); only a pixel no frame shows that way (something stood on it the
whole time) is filled spatially, once, so the plate does not flicker.

It applies only when it can be right: the mask is the same in every frame,
the camera is still (what is around the hole does not change), and
something inside the hole does move at some point. A static mask over
content that never changes (a broadcast logo) is the content to remove,
not background; that is left to the flow filler (engine.generate.inpaint.opencv).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine.generate.inpaint.media import ClipWindow, composite, hole_box

#: At most this many frames are sampled (evenly) to build the plate.
SAMPLES = 64
#: And no more than this many bytes of them.
BUDGET = 256 * 2**20
#: A pixel agrees with the background when no channel is further than this (0..255) from it.
TOLERANCE = 24
#: The share of the hole's pixels that must change at some point for the hole to have a moving thing.
MOVING_SHARE = 0.01
#: What is around the hole changes by more than this (median grey level) when the camera moves.
STILL_CAMERA = 6.0
#: A mask counts as static when this share of its pixels is the same in every sampled frame.
SAME_MASK = 0.995


@dataclass(frozen=True)
class CleanPlate:
    """The background under a static hole: `fill` for the crop `box`, and how its pixels were found."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    fill: np.ndarray  # RGB of the crop: the plate, spatially completed where no frame showed it
    recovered: int  # hole pixels taken from other frames
    spatial: int  # hole pixels no frame showed (filled spatially, once)
    samples: int  # frames the plate was made from

    def frame(self, source: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        """`source` with the plate composited into the hole by the (feathered) mask."""
        x0, y0, x1, y1 = self.box
        crop = np.s_[y0:y1, x0:x1]
        out = source.copy()
        out[crop] = composite(source[crop], self.fill, alpha[crop])
        return out


def build(clip: ClipWindow, frames: int, flag: int, radius: int) -> CleanPlate | None:
    """The clean plate for the request's clip, or None when the shot is not one it is right for.

    Reads every frame once (forward), keeping an even sample; `flag` and
    `radius` are the spatial inpainting used for what no frame shows.
    """
    first = clip.alpha(0) > 0
    box = hole_box(first, margin=8)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    crop = np.s_[y0:y1, x0:x1]
    hole = first[crop]
    per_frame = (y1 - y0) * (x1 - x0) * 3
    count = max(3, min(SAMPLES, frames, BUDGET // max(1, per_frame)))
    wanted = set(np.linspace(0, frames - 1, count).round().astype(int).tolist())
    if len(wanted) < 3:
        return None
    stack = []
    for index in range(frames):
        if index in wanted:
            if np.mean((clip.alpha(index)[crop] > 0) == hole) < SAME_MASK:
                return None  # the mask moves: the flow filler follows it
            stack.append(clip.frame(index)[crop])
        clip.forget_before(index)
    pictures = np.stack(stack)  # (n, h, w, 3)
    ring = (cv2.dilate(hole.astype(np.uint8), np.ones((9, 9), np.uint8)) == 0) & ~hole
    gray = pictures.astype(np.float32).mean(axis=3)
    if ring.any() and np.median(np.abs(gray - np.median(gray, axis=0))[:, ring]) > STILL_CAMERA:
        return None  # the camera moves: there is no one background to find
    median = np.median(pictures, axis=0)
    off = np.abs(pictures.astype(np.int16) - median.astype(np.int16)).max(axis=3)  # (n, h, w)
    if np.mean((off > TOLERANCE).any(axis=0)[hole]) < MOVING_SHARE:
        return None  # nothing in the hole ever moves: it is the thing to remove (a logo)
    steps = np.abs(np.diff(pictures.astype(np.int16), axis=0)).max(axis=3)  # (n-1, h, w)
    moving = np.zeros(off.shape, bool)
    moving[:-1] |= steps > TOLERANCE
    moving[1:] |= steps > TOLERANCE
    background = (off <= TOLERANCE) & ~moving
    seen = background.sum(axis=0)
    total = (pictures.astype(np.float32) * background[..., None]).sum(axis=0)
    plate = np.where(seen[..., None] > 0, total / np.maximum(seen, 1)[..., None], median)
    plate = np.clip(np.round(plate), 0, 255).astype(np.uint8)
    unknown = hole & (seen == 0)
    if unknown.any():
        plate = cv2.inpaint(plate, unknown.astype(np.uint8) * 255, radius, flag)
    return CleanPlate(box, plate, int((hole & ~unknown).sum()), int(unknown.sum()), len(stack))
