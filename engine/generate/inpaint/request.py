"""The request of task `video.inpaint`, checked once, so backends can trust it.

An inpaint job reads a clip's media and a mask (engine.masks.sequence: a PNG
for every frame, or a mask folder) and writes a clip of exactly the same
frames, rate and size in which only the masked region changed. Everything a
user can get wrong (a missing file, a mask that is no mask, frames past the
end of the media) is refused here, before a job is queued, with a message
that says what to fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.plan_params import plan_param, quality_param, vram_gb_param
from engine.generate.video.request import MAX_FRAMES, _float, _int, input_video
from engine.masks.sequence import MANIFEST, MaskError, MaskSequence

TELEA, NAVIER_STOKES = "telea", "ns"


@dataclass(frozen=True)
class InpaintRequest:
    input: str  # the clip's media
    mask: str  # a PNG (white = fill, every frame) or a mask folder
    start: int  # first source frame of the media (0 = its first frame)
    frames: int
    rate: Fraction  # the media's, so the output lines up with the source frame for frame
    width: int
    height: int
    seed: int = 0
    prompt: str = ""
    negative_prompt: str = ""
    steps: int | None = None
    guidance: float | None = None
    model: str | None = None
    method: str = TELEA  # the default backend's spatial fallback: Telea or Navier-Stokes
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False
    vram_gb: float | None = None  # plan for this much GPU memory instead of what the device reports
    plan: str | None = None  # the plan the user chose in the dialog ("model offload · VAE tiling")
    quality: str = "final"  # "draft": distilled steps or a step cache for a fast first look
    media_frames: int = 0  # frames in the whole media: those around the range can show what a hole hides

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def duration(self) -> Fraction:
        return Fraction(self.frames) / self.rate

    def masks(self) -> MaskSequence:
        """The mask, fitted to the media (a single PNG of another size is scaled to it)."""
        try:
            return MaskSequence.load(Path(self.mask), self.size)
        except MaskError as error:
            raise GenerateError(str(error)) from None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> InpaintRequest:
        source, info = input_video(params, "inpaint")
        video = info.video
        assert video is not None
        total = video.frames or (math.floor(info.duration * video.rate) if info.duration else 0)
        if total < 1:
            raise GenerateError(f"The input {Path(source).name} has no frames")
        mask = _checked_mask(params.get("mask"), (video.width, video.height))
        start = _int(params, "start", 0, 0, total - 1)
        assert start is not None
        frames = _int(params, "frames", total - start, 1, MAX_FRAMES)
        assert frames is not None
        if start + frames > total:
            raise GenerateError(
                f"Frames {start}-{start + frames - 1} run past the end of {Path(source).name} "
                f"({total} frames, the last is {total - 1})"
            )
        guidance = _float(params, "guidance")
        method = str(params.get("method") or TELEA).lower()
        if method not in (TELEA, NAVIER_STOKES):
            raise GenerateError(f"method must be {TELEA} or {NAVIER_STOKES}, not {method!r}")
        prompt = params.get("prompt", "")
        if not isinstance(prompt, str):
            raise GenerateError("prompt must be text")
        return cls(
            input=str(Path(source).absolute()),
            mask=str(Path(mask).absolute()),
            start=start,
            frames=frames,
            rate=video.rate,
            width=video.width,
            height=video.height,
            seed=_int(params, "seed", 0, 0, 2**63 - 1) or 0,
            prompt=prompt.strip(),
            negative_prompt=str(params.get("negative_prompt") or ""),
            steps=_int(params, "steps", None, 1, 500),
            guidance=guidance,
            model=str(params["model"]) if params.get("model") else None,
            method=method,
            device=str(params.get("device") or "auto"),
            dtype=str(params.get("dtype") or "auto"),
            cpu_offload=bool(params.get("cpu_offload", False)),
            vae_tiling=bool(params.get("vae_tiling", False)),
            media_frames=total,
            vram_gb=vram_gb_param(params),
            plan=plan_param(params),
            quality=quality_param(params),
        )

    def provenance(self, masks: MaskSequence, **extra: Any) -> dict[str, Any]:
        """The request's part of the new take's provenance (the backend adds model, versions...)."""
        folder = Path(self.mask)
        files = [self.mask] if folder.is_file() else [str(folder / f) for f in masks.file_names()]
        return {
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "steps": self.steps,
            "guidance": self.guidance,
            "references": [self.input],
            "mask": self.mask,
            "mask_files": files,
            "mask_sha256": masks.digest(),
            "mask_feather": masks.feather,
            "mask_invert": masks.invert,
            "input": self.input,
            "start": self.start,
            "width": self.width,
            "height": self.height,
            "frames": self.frames,
            "rate": f"{self.rate.numerator}/{self.rate.denominator}",
            "duration": str(self.duration),
            **extra,
        }


def _checked_mask(value: Any, size: tuple[int, int]) -> str:
    """A mask path that exists and is a mask: refused here, not deep inside a job."""
    if not value:
        raise GenerateError("mask is required: a PNG (white = region to fill) or a mask folder")
    path = Path(str(value))
    if not path.exists():
        raise GenerateError(f"The mask {path} does not exist")
    if path.is_dir() and not (path / MANIFEST).is_file():
        raise GenerateError(f"The folder {path} is not a mask folder (it has no {MANIFEST})")
    try:
        masks = MaskSequence.load(path, size)
    except MaskError as error:
        raise GenerateError(str(error)) from None
    if tuple(masks.size) != size:
        raise GenerateError(
            f"The mask folder {path.name} is for {masks.size[0]}x{masks.size[1]} media, "
            f"the input is {size[0]}x{size[1]}"
        )
    if not masks.keys and not masks.tracked:
        raise GenerateError(f"The mask folder {path.name} holds no painted or tracked mask")
    return str(path)
