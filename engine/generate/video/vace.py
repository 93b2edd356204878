"""Wan VACE as a `video.generate` backend: a shot from its keyframe that also sees the Cast's pictures.

Image-to-video keeps a face only as long as the first frame shows it; VACE
(Wan 2.1 VACE, WanVACEPipeline) also takes reference images, which it
encodes ahead of the shot's frames and attends to throughout, so a
character who turns away or walks out and back keeps their face. The
shot's first picture (its keyframe) and, when asked, its last (the next
shot's first) are given the way VACE takes any known frame: in its control
video, with the mask black there (keep) and white elsewhere (make), the
frames between grey, as its authors' own tools do. Without either picture
it makes the shot from the prompt and the references alone.

Everything else (loading, the model pool, planning, conforming to the
shot's exact frames, rate and size, provenance) is the Wan backend's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.pipelines import _reference
from engine.generate.presets import VideoPreset
from engine.generate.video.choices import VACE_BACKEND
from engine.generate.video.diffusers import DiffusersVideoBackend
from engine.generate.video.request import VideoRequest

NAME = VACE_BACKEND
#: Grey (0.5) marks frames VACE is to make.
FILL = 127


class VaceVideoBackend(DiffusersVideoBackend):
    """Text- or image-to-video with Wan VACE, conditioned on the shot's Cast pictures."""

    def check_anchors(self, preset: VideoPreset, request: VideoRequest) -> None:
        """VACE takes a first picture, a last one, both or neither: nothing to refuse."""

    def for_anchors(self, pipe: Any, preset: VideoPreset, request: VideoRequest) -> Any:
        return pipe  # one pipeline class for every way of asking

    def anchor_arguments(
        self, pipe: Any, request: VideoRequest, size: tuple[int, int], count: int
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if request.image or request.last_image:
            found |= known_frames(request, size, count)
        if request.references:
            found["reference_images"] = [_picture(r.path) for r in request.references]
        return found


def known_frames(request: VideoRequest, size: tuple[int, int], count: int) -> dict[str, Any]:
    """VACE's control video and mask: the first (and last) picture kept, the frames between made."""
    from PIL import Image

    grey = Image.new("RGB", size, (FILL,) * 3)
    keep, make = Image.new("L", size, 0), Image.new("L", size, 255)
    video, mask = [grey] * count, [make] * count
    if request.image:
        video[0], mask[0] = _reference(request.image, size), keep
    if request.last_image:
        video[-1], mask[-1] = _reference(request.last_image, size), keep
    return {"video": video, "mask": mask}


def _picture(path: str) -> Any:
    """A reference as it is: VACE fits each into the frame itself (padded, never cropped)."""
    from PIL import Image

    try:
        with Image.open(path) as opened:
            return opened.convert("RGB")
    except OSError as error:
        raise GenerateError(f"The reference image {Path(path).name} cannot be read: {error}") from None


def vace_backends() -> list[VaceVideoBackend]:
    """The registry's `wan-vace` backend of video.generate."""
    return [VaceVideoBackend(NAME, "Wan VACE, Cast reference images (diffusers, GPU)", needs=("ftfy",))]
