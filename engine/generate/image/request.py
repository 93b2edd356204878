"""The request of tasks `image.generate` and `image.edit`, checked once, so backends can trust it.

A still is its prompt, its exact size and its seed, and for image.edit the
reference pictures it is made from ("the same character, in this new
scene"), each with the name of what it shows (a Cast member). Each
reference is recorded in the provenance with its file's identity (path and
content hash), so a take made from a picture that has since changed can be
found and called stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import GenerateError
from engine.generate.plan_params import plan_param, vram_gb_param
from engine.generate.reference_images import MAX_REFERENCES, Reference, parse_references
from engine.generate.video.request import _float, _int, parse_size
from engine.project.mediapaths import file_identity


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    width: int
    height: int
    seed: int = 0
    negative_prompt: str = ""
    steps: int | None = None
    guidance: float | None = None
    references: tuple[Reference, ...] = ()
    model: str | None = None  # a preset name, hub id or local folder; None: the backend's preset
    shot: str = ""  # a label for the still ("Shot 4"), shown on storyboard panels
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False
    vram_gb: float | None = None  # plan for this much GPU memory instead of what the device reports
    plan: str | None = None  # the plan the user chose in the dialog ("model offload · VAE tiling")

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ImageRequest:
        prompt = params.get("prompt", "")
        if not isinstance(prompt, str):
            raise GenerateError("prompt must be text")
        size = params.get("size") or (params.get("width"), params.get("height"))
        if size == (None, None):
            raise GenerateError("size is required: WIDTHxHEIGHT of the still, such as 1920x1080")
        width, height = parse_size(size)
        return cls(
            prompt=prompt.strip(),
            width=width,
            height=height,
            seed=_int(params, "seed", 0, 0, 2**63 - 1) or 0,
            negative_prompt=str(params.get("negative_prompt") or ""),
            steps=_int(params, "steps", None, 1, 500),
            guidance=_float(params, "guidance"),
            references=parse_references(params.get("references")),
            model=str(params["model"]) if params.get("model") else None,
            shot=str(params.get("shot") or ""),
            device=str(params.get("device") or "auto"),
            dtype=str(params.get("dtype") or "auto"),
            cpu_offload=bool(params.get("cpu_offload", False)),
            vae_tiling=bool(params.get("vae_tiling", False)),
            vram_gb=vram_gb_param(params),
            plan=plan_param(params),
        )

    @classmethod
    def edit_from_params(cls, params: dict[str, Any]) -> ImageRequest:
        """image.edit: the same request, which must name at least one reference."""
        request = cls.from_params(params)
        if not request.references:
            raise GenerateError("image.edit needs at least one reference image (references)")
        return request

    def provenance(self, **extra: Any) -> dict[str, Any]:
        """The request's part of a take's provenance: with each reference's name and file identity."""
        return {
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "steps": self.steps,
            "guidance": self.guidance,
            "references": [r.path for r in self.references],
            "reference_files": [{"name": r.name, **file_identity(r.path)} for r in self.references],
            "width": self.width,
            "height": self.height,
            **extra,
        }


__all__ = ["MAX_REFERENCES", "ImageRequest", "Reference", "parse_references"]
