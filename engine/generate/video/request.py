"""The request of task `video.generate`, checked once, so backends can trust it.

Job specs arrive as JSON from the editor, the command line or any other
client: everything is validated here into exact types (the rate as a
Fraction, frames as an int) with messages that say what to fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.errors import GenerateError, MediaError
from engine.generate.reference_images import Reference, parse_references
from engine.media.probe import MediaInfo, probe
from engine.project.mediapaths import file_identity

FIT, CROP = "fit", "crop"
MAX_FRAMES = 10_000


def parse_rate(value: Any) -> Fraction:
    """A frame rate from 30, 29.97, "30000/1001" or "25"; the NTSC rates come out exact."""
    try:
        if isinstance(value, str) and "/" in value:
            rate = Fraction(value)
        else:
            number = float(value)
            ntsc = {23.976: Fraction(24000, 1001), 29.97: Fraction(30000, 1001), 59.94: Fraction(60000, 1001)}
            rate = next((exact for approx, exact in ntsc.items() if abs(number - approx) < 0.01), None)
            rate = rate or Fraction(value if isinstance(value, int) else str(value)).limit_denominator(1001)
    except (ValueError, ZeroDivisionError, TypeError):
        raise GenerateError(f"Frame rate {value!r} is not a number such as 24, 29.97 or 30000/1001") from None
    if not 1 <= rate <= 240:
        raise GenerateError(f"Frame rate {value} is outside 1-240 fps")
    return rate


def parse_size(value: Any) -> tuple[int, int]:
    """(width, height) from "1920x1080" or a pair; both even, as 4:2:0 video needs."""
    try:
        if isinstance(value, str):
            width, height = (int(v) for v in value.lower().split("x"))
        else:
            width, height = (int(v) for v in value)
    except (ValueError, TypeError):
        raise GenerateError(f"Size {value!r} is not WIDTHxHEIGHT, such as 1920x1080") from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192) or width % 2 or height % 2:
        raise GenerateError(f"Size {width}x{height} must be even, from 16 to 8192 pixels each way")
    return width, height


def input_video(params: dict[str, Any], verb: str) -> tuple[str, MediaInfo]:
    """The `input` clip a job works on (inpaint, extend), refused in words unless it is a readable video."""
    source = params.get("input")
    if not source:
        raise GenerateError(f"input is required: the clip's media file to {verb}")
    source = str(source)
    if not Path(source).is_file():
        raise GenerateError(f"The input {source} does not exist")
    try:
        info = probe(source)
    except MediaError as error:
        raise GenerateError(f"The input cannot be read: {error}") from None
    if info.kind != "video" or info.video is None:
        raise GenerateError(f"The input {Path(source).name} has no moving picture to {verb}")
    return source, info


def _float(params: dict[str, Any], key: str) -> float | None:
    """An optional number such as guidance; None when not given."""
    value = params.get(key)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise GenerateError(f"{key} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise GenerateError(f"{key} must be a finite number, not {value!r}")
    return number


def _int(params: dict[str, Any], key: str, default: int | None, low: int, high: int) -> int | None:
    """An optional whole number within bounds; null or absent is the default."""
    value = params.get(key)
    if value is None:
        value = default
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GenerateError(f"{key} must be a whole number")
    try:
        number = int(value)
        exact = number == float(value)
    except (ValueError, OverflowError):  # "x", NaN, an infinity, a number past a float's range
        raise GenerateError(f"{key} must be a whole number from {low} to {high}, not {value!r}") from None
    if not exact or not low <= number <= high:
        raise GenerateError(f"{key} must be a whole number from {low} to {high}, not {value}")
    return number


@dataclass(frozen=True)
class VideoRequest:
    prompt: str
    frames: int
    rate: Fraction
    width: int
    height: int
    seed: int
    negative_prompt: str = ""
    steps: int | None = None
    guidance: float | None = None
    image: str | None = None  # a reference picture for image-to-video (or the animatic's background)
    fit: str = CROP  # how a model's native size is conformed to the project's
    model: str | None = None  # a hub id or a local folder; None: the backend's preset
    shot: str = ""  # a label for the shot ("Shot 4"), shown on animatic cards
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False
    last_image: str | None = None  # a picture to end on (the next shot's first frame)
    vram_gb: float | None = None  # plan for this much GPU memory instead of what the device reports
    plan: str | None = None  # the plan the user chose in the dialog ("model offload · VAE tiling")
    quality: str = "final"  # "draft": distilled steps or a step cache for a fast first look
    references: tuple[Reference, ...] = ()  # the Cast's pictures, for a model that takes them (VACE)

    @property
    def duration(self) -> Fraction:
        return Fraction(self.frames) / self.rate

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> VideoRequest:
        prompt = params.get("prompt", "")
        if not isinstance(prompt, str):
            raise GenerateError("prompt must be text")
        frames = _int(params, "frames", None, 1, MAX_FRAMES)
        if frames is None:
            raise GenerateError("frames is required: how many frames the shot has")
        width, height = parse_size(params.get("size") or (params.get("width"), params.get("height")))
        seed = _int(params, "seed", 0, 0, 2**63 - 1)
        steps = _int(params, "steps", None, 1, 500)
        guidance = _float(params, "guidance")
        image = params.get("image")
        if image is not None:
            image = str(image)
            if not Path(image).is_file():
                raise GenerateError(f"The reference image {image} does not exist")
        last_image = params.get("last_image")
        if last_image is not None:
            last_image = str(last_image)
            if not Path(last_image).is_file():
                raise GenerateError(f"The last image {last_image} does not exist")
        vram_gb = _float(params, "vram_gb")
        if vram_gb is not None and not 1 <= vram_gb <= 4096:
            raise GenerateError(f"vram_gb must be the GPU memory in GB, from 1 to 4096, not {vram_gb:g}")
        plan = params.get("plan")
        if plan is not None and not isinstance(plan, str):
            raise GenerateError('plan must be a plan\'s name, such as "model offload · VAE tiling"')
        quality = params.get("quality", "final")
        if quality not in ("draft", "final"):
            raise GenerateError(f"quality must be draft or final, not {quality!r}")
        fit = params.get("fit", CROP)
        if fit not in (FIT, CROP):
            raise GenerateError(f"fit must be {FIT} or {CROP}, not {fit!r}")
        return cls(
            prompt=prompt.strip(),
            frames=frames,
            rate=parse_rate(params.get("rate", params.get("fps", 30))),
            width=width,
            height=height,
            seed=seed or 0,
            negative_prompt=str(params.get("negative_prompt") or ""),
            steps=steps,
            guidance=guidance,
            image=image,
            fit=fit,
            model=str(params["model"]) if params.get("model") else None,
            shot=str(params.get("shot") or ""),
            device=str(params.get("device") or "auto"),
            dtype=str(params.get("dtype") or "auto"),
            cpu_offload=bool(params.get("cpu_offload", False)),
            vae_tiling=bool(params.get("vae_tiling", False)),
            last_image=last_image,
            vram_gb=vram_gb,
            plan=plan or None,
            quality=quality,
            references=parse_references(params.get("references")),
        )

    def provenance(self, **extra: Any) -> dict[str, Any]:
        """The request's part of a take's provenance (the backend adds model, versions...)."""
        return {
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "steps": self.steps,
            "guidance": self.guidance,
            "references": [p for p in (self.image, self.last_image) if p],
            "last_image": self.last_image,
            "width": self.width,
            "height": self.height,
            "frames": self.frames,
            "rate": f"{self.rate.numerator}/{self.rate.denominator}",
            "duration": str(self.duration),
            **self._reference_facts(),
            **extra,
        }

    def _reference_facts(self) -> dict[str, Any]:
        """The Cast's pictures the model was given (none: nothing recorded, as before they existed)."""
        if not self.references:
            return {}
        return {
            "reference_images": [r.path for r in self.references],
            "reference_files": [{"name": r.name, **file_identity(r.path)} for r in self.references],
        }
