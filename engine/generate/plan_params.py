"""The two job params every model-loading task reads for the VRAM planner: `vram_gb` and `plan`.

`vram_gb` plans for a stated card instead of the one the device reports (a
card shared with another program, or the planner's tests); `plan` is the
rung the user chose in a dialog's plan override ("model offload · VAE
tiling"), checked against the ladder when the job plans
(engine.generate.pipelines.chosen_rung). One parser, so each task's request
refuses them with the same words.
"""

from __future__ import annotations

import math
from typing import Any

from engine.errors import GenerateError


def vram_gb_param(params: dict[str, Any]) -> float | None:
    value = params.get("vram_gb")
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise GenerateError(f"vram_gb must be a number, not {value!r}") from None
    if not math.isfinite(number) or not 1 <= number <= 4096:
        raise GenerateError(f"vram_gb must be the GPU memory in GB, from 1 to 4096, not {value!r}")
    return number


def quality_param(params: dict[str, Any]) -> str:
    """ "draft" (a fast first look: distilled steps or a step cache) or "final" (the default)."""
    quality = params.get("quality") or "final"
    if quality not in ("draft", "final"):
        raise GenerateError(f"quality must be draft or final, not {quality!r}")
    return str(quality)


def plan_param(params: dict[str, Any]) -> str | None:
    plan = params.get("plan")
    if plan is not None and not isinstance(plan, str):
        raise GenerateError('plan must be a plan\'s name, such as "model offload · VAE tiling"')
    return plan or None
