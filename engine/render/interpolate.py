"""Pictures between two source frames, for slow motion smoother than repeated frames.

Frame blending is a cross-fade of the two neighbours (ghosting, never
tearing). Optical flow estimates how each pixel moves from the first frame
to the second (OpenCV's DIS flow on the luma plane) and warps both frames
part-way along it before mixing them, so motion lands in between rather
than doubling. Both work on the compositor's own YUV planes: the chroma
planes follow the luma flow at half size.
"""

from __future__ import annotations

import numpy as np

from engine.project import timewarp
from engine.render.picture import Picture, mix


def between(first: Picture, second: Picture, t: float, method: str) -> Picture:
    """The picture a fraction `t` (0..1) of the way from `first` to `second`."""
    if method == timewarp.FLOW:
        return flow(first, second, t)
    if method == timewarp.BLEND:
        return mix([(first, 1.0 - t), (second, t)], (first.width, first.height))
    return first


def flow(first: Picture, second: Picture, t: float) -> Picture:
    import cv2  # loaded only for optical-flow slow motion

    a_planes, b_planes = first.planes, second.planes
    estimator = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
    motion = estimator.calc(np.ascontiguousarray(a_planes[0]), np.ascontiguousarray(b_planes[0]), None)
    out = []
    for index, (a, b) in enumerate(zip(a_planes, b_planes, strict=True)):
        h, w = a.shape
        field = motion if index == 0 else cv2.resize(motion, (w, h), interpolation=cv2.INTER_LINEAR) / 2.0
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        fx, fy = field[..., 0], field[..., 1]
        a_warped = cv2.remap(a, xs - t * fx, ys - t * fy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        b_warped = cv2.remap(
            b, xs + (1 - t) * fx, ys + (1 - t) * fy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        mixed = (1.0 - t) * a_warped.astype(np.float32) + t * b_warped.astype(np.float32)
        out.append(np.clip(mixed + 0.5, 0, 255).astype(np.uint8).reshape(-1))
    return Picture(first.width, first.height, np.concatenate(out))


def between_rgb(first: np.ndarray, second: np.ndarray, t: float, method: str) -> np.ndarray:
    """`between` for the compositor's source pictures (RGB or RGBA uint8 at the source's size):
    a clip with a transform gets the same in-between frames as one shown plainly."""
    if method not in (timewarp.BLEND, timewarp.FLOW) or first.shape != second.shape:
        return first
    if method == timewarp.BLEND:
        mixed = (1.0 - t) * first.astype(np.float32) + t * second.astype(np.float32)
        return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    import cv2  # loaded only for optical-flow slow motion

    luma = [
        cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY) for image in (first, second)
    ]
    estimator = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
    motion = estimator.calc(luma[0], luma[1], None)
    h, w = first.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    fx, fy = motion[..., 0], motion[..., 1]
    a = cv2.remap(first, xs - t * fx, ys - t * fy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    b = cv2.remap(
        second, xs + (1 - t) * fx, ys + (1 - t) * fy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    mixed = (1.0 - t) * a.astype(np.float32) + t * b.astype(np.float32)
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
