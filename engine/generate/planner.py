"""The VRAM planner: how a model is placed on the user's card, chosen before the job, not after a crash.

From the memory the device has free (engine.generate.device_memory, which
imports torch; this module does not, so Settings > Models can show a preset's
need) and the preset's footprint (weights by dtype plus working memory for
the asked size and frames), the planner walks
a ladder of plans and takes the first that fits:

1. all on GPU                      (fastest)
2. all on GPU, VAE tiling          (decoding in tiles: the VAE's peak no longer grows with the size)
3. model offload, VAE tiling       (each component moves to the GPU while it runs)
4. group offload, VAE tiling       (a block or two of a component at a time, prefetched)
5. ... with 8-bit weights          (torchao int8 weight-only, where the preset allows and torchao is there)
6. ... at a smaller native size    (the preset's next smaller size it was trained at)

The steps that only cost speed come first; the two that change the picture
(8-bit weights, a smaller size) come last. VAE tiling is taken before any
offload because it costs almost nothing. An out-of-memory error during the
job steps one rung down (engine.generate.fitting).

The user's choices win: CPU offload or VAE tiling switched on in Settings >
Models remove the rungs without them, and a stated `vram_gb` replaces what
the device reports (a card shared with another program). On the CPU there
is nothing to plan: everything runs in system memory.

The offload plans keep the weights in system memory, so they fit only where
the machine's available memory (psutil) holds them; otherwise the ladder
goes on to 8-bit weights, whose offloaded copy is half the size.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from engine.generate.footprint import DENOISERS, GROUP_RESIDENT, MARGIN, OVERHEAD_GB, Footprint

GPU, MODEL, GROUP, CPU = "gpu", "model", "group", "cpu"
PLACEMENT_WORDS = {GPU: "all on GPU", MODEL: "model offload", GROUP: "group offload", CPU: "on the CPU"}
#: The card sizes `shotline models plan` and the planner's tests go through, in GB.
CARD_SIZES = (8, 12, 16, 24, 48, 80)


@dataclass(frozen=True)
class Plan:
    """How one job loads its model, and what that is expected to need."""

    name: str  # the model as a person calls it ("LTX-2.3 distilled")
    placement: str  # GPU, MODEL, GROUP or CPU
    vae_tiling: bool = False
    quantized: bool = False  # the preset's quantizable components as 8-bit weights
    size: tuple[int, int] | None = None  # a smaller generation size (width, height); None: as asked
    need_gb: float | None = None  # the estimate; None where the preset states no footprint
    have_gb: float | None = None  # the device's memory the plan was made for; None: not known
    ram_need_gb: float | None = None  # system memory an offload plan holds the weights in
    ram_have_gb: float | None = None  # the system memory available when planned; None: not known

    @property
    def fits_ram(self) -> bool:
        return self.ram_need_gb is None or self.ram_have_gb is None or self.ram_need_gb <= self.ram_have_gb

    @property
    def fits(self) -> bool:
        gpu = self.need_gb is None or self.have_gb is None or self.need_gb <= self.have_gb
        return gpu and self.fits_ram

    @property
    def step(self) -> str:
        """The plan without the model's name or the figures: "model offload · VAE tiling"."""
        parts = [PLACEMENT_WORDS[self.placement]]
        if self.vae_tiling:
            parts.append("VAE tiling")
        if self.quantized:
            parts.append("8-bit weights")
        if self.size is not None:
            parts.append(f"{self.size[0]}x{self.size[1]}")
        return " · ".join(parts)

    def describe(self) -> str:
        """As the user reads it before the job: "LTX-2.3 distilled · model offload · ~21 GB of 24 GB"."""
        text = f"{self.name} · {self.step}"
        if self.need_gb is not None and self.placement != CPU:
            text += f" · ~{self.need_gb:.0f} GB"
            if self.have_gb is not None:
                text += f" of {self.have_gb:.0f} GB"
                if self.need_gb > self.have_gb:
                    text += " (may not fit)"
        if not self.fits_ram:
            text += f" (needs ~{self.ram_need_gb:.0f} GB of system memory, {self.ram_have_gb:.0f} GB free)"
        return text

    def key(self) -> tuple[Any, ...]:
        """What changes how the weights sit in memory (part of the model pool's key)."""
        return (self.placement, self.vae_tiling, self.quantized)

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.describe(),
            "placement": self.placement,
            "vae_tiling": self.vae_tiling,
            "quantized": self.quantized,
            "size": list(self.size) if self.size else None,
            "need_gb": round(self.need_gb, 1) if self.need_gb is not None else None,
            "have_gb": round(self.have_gb, 1) if self.have_gb is not None else None,
            "ram_need_gb": round(self.ram_need_gb, 1) if self.ram_need_gb is not None else None,
            "ram_have_gb": round(self.ram_have_gb, 1) if self.ram_have_gb is not None else None,
        }


def need_gb(
    footprint: Footprint,
    dtype: str,
    work: tuple[float, ...],
    placement: str,
    vae_tiling: bool = False,
    quantized: bool = False,
) -> float:
    """GiB of GPU memory a plan is expected to peak at for `work` (width, height, frames / seconds)."""
    weights = footprint.weights_gb(dtype, quantized)
    scale = footprint.scale(work)
    denoise = footprint.activation_gb * scale
    decode = min(footprint.vae_tiled_gb, footprint.vae_decode_gb * scale) if vae_tiling else (
        footprint.vae_decode_gb * scale
    )  # fmt: skip

    def working(component: str) -> float:
        """What a component needs besides its weights while it runs."""
        if component in DENOISERS:
            return denoise
        return decode if component == "vae" else 0.0

    if placement == GPU:
        peak = sum(weights.values()) + max(denoise, decode)
    elif placement == MODEL:
        peak = max(weights[c] + working(c) for c in weights)
    elif placement == GROUP:
        peak = GROUP_RESIDENT * max(weights.values()) + max(denoise, decode)
    else:
        return 0.0
    return (peak + OVERHEAD_GB) * MARGIN


def ram_need_gb(footprint: Footprint, dtype: str, placement: str, quantized: bool = False) -> float | None:
    """GiB of system memory an offload plan holds the model's weights in; None for the other plans.

    With model or group offload every component's weights wait in system
    memory between their turns on the GPU: a card that fits the plan is no
    use if the machine cannot hold the model (the process would be killed
    for memory, or swap for minutes).
    """
    if placement not in (MODEL, GROUP):
        return None
    return (sum(footprint.weights_gb(dtype, quantized).values()) + OVERHEAD_GB) * MARGIN


def quantization_available() -> bool:
    """Whether the 8-bit step can be offered: torchao installed (the `quantize` extra)."""
    return importlib.util.find_spec("torchao") is not None


def ladder(
    name: str,
    footprint: Footprint | None,
    dtype: str,
    works: list[tuple[float, ...]],
    have_gb: float | None,
    *,
    cpu_offload: bool = False,
    vae_tiling: bool = False,
    quantize: bool | None = None,
    sizes: list[tuple[int, int] | None] | None = None,
    ram_gb: float | None = None,
) -> list[Plan]:
    """Every plan for this job, in the order they are tried (see the module's docstring).

    `works[0]` is the work as asked; later ones are the same shot at the
    preset's smaller native sizes, `sizes` their (width, height). `have_gb`
    None means the memory is unknown: the plans are listed without choosing.
    `ram_gb` is the system memory available: an offload plan whose weights
    do not fit in it does not fit either (None: not checked).
    """
    quantize = quantization_available() if quantize is None else quantize
    sizes = sizes or [None] * len(works)
    steps: list[tuple[str, bool, bool, int]] = [
        (GPU, False, False, 0),
        (GPU, True, False, 0),
        (MODEL, True, False, 0),
        (GROUP, True, False, 0),
    ]
    can_quantize = quantize and footprint is not None and bool(footprint.quantize)
    if can_quantize:
        steps.append((GROUP, True, True, 0))
    steps += [(GROUP, True, can_quantize, i) for i in range(1, len(works))]
    plans = []
    for placement, tiling, quantized, index in steps:
        if (cpu_offload and placement == GPU) or (vae_tiling and not tiling):
            continue  # the user's own choice rules those out
        need = ram = None
        if footprint is not None:
            need = need_gb(footprint, dtype, works[index], placement, tiling, quantized)
            ram = ram_need_gb(footprint, dtype, placement, quantized)
        size = sizes[index] if index else None
        plans.append(Plan(name, placement, tiling, quantized, size, need, have_gb, ram, ram_gb))
    return plans


def choose(plans: list[Plan]) -> int:
    """The index of the first plan that fits (the last, the least hungry, when none does)."""
    return next((i for i, plan in enumerate(plans) if plan.fits), len(plans) - 1)
