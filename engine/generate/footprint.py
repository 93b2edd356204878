"""How much GPU memory a model needs: its weights by dtype, and its working memory for the asked work.

The figures live in each preset's `footprint` (resources/models/*.json, with
where they come from), because they are facts about a checkpoint, not code:
billions of parameters per pipeline component (so the weights follow the
dtype the job loads them in), the denoiser's working memory and the VAE's
decoding peak at a reference size and length (`at`), which scale with the
pixels times frames (or the seconds of audio) a job asks for, and which
components keep their quality as 8-bit weights.

These are estimates to choose a plan with, not a promise: a plan that turns
out too big is caught as an out-of-memory error and the job steps down
(engine.generate.fitting), so the estimate errs a little high rather than low.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from engine.errors import GenerateError

GIB = 2**30
#: Bytes a parameter takes, by the dtype its weights are loaded in ("int8": a quantized component).
BYTES = {"bfloat16": 2, "float16": 2, "float32": 4, "int8": 1}
#: Components that run once per denoising step (the ones model offload keeps on the GPU longest).
DENOISERS = frozenset({"transformer", "transformer_2", "unet"})
#: What a process holds besides the model: the CUDA context, cuDNN/cuBLAS workspaces, allocator slack.
OVERHEAD_GB = 1.0
#: Estimates are raised by this much: fragmentation, and figures measured at another size.
MARGIN = 1.1
#: With group offload, the share of the largest component on the GPU at once (a block and the next,
#: prefetched on a CUDA stream).
GROUP_RESIDENT = 0.1


@dataclass(frozen=True)
class Footprint:
    weights_b: dict[str, float]  # billions of parameters, by pipeline component
    activation_gb: float  # the denoiser's working memory at `at`
    vae_decode_gb: float  # decoding's peak at `at`, untiled
    at: tuple[float, ...]  # the reference work: (width, height, frames) for video, (seconds,) for audio
    vae_tiled_gb: float = 1.5  # decoding's peak in tiles (independent of the size)
    quantize: tuple[str, ...] = ()  # components that load as 8-bit weights and keep their quality

    def scale(self, work: tuple[float, ...]) -> float:
        """How much larger `work` is than the reference (pixels x frames, or seconds)."""
        return math.prod(work) / math.prod(self.at)

    def weights_gb(self, dtype: str, quantized: bool = False) -> dict[str, float]:
        """GiB each component's weights take in `dtype` (8-bit for the quantizable ones when `quantized`)."""
        return {
            name: billions * 1e9 * BYTES["int8" if quantized and name in self.quantize else dtype] / GIB
            for name, billions in self.weights_b.items()
        }

    def download_gb(self, dtype: str = "bfloat16") -> float:
        return sum(self.weights_gb(dtype).values())


def parse_footprint(data: Any, where: str) -> Footprint | None:
    """A preset's `footprint` object, checked; None when the preset states none."""
    if data is None:
        return None
    where = f"{where}: footprint"
    if not isinstance(data, dict):
        raise GenerateError(f"{where} must be an object")
    try:
        weights = {str(k): float(v) for k, v in dict(data["weights_b"]).items()}
        footprint = Footprint(
            weights_b=weights,
            activation_gb=float(data["activation_gb"]),
            vae_decode_gb=float(data.get("vae_decode_gb", 0.0)),
            at=tuple(float(v) for v in data["at"]),
            vae_tiled_gb=float(data.get("vae_tiled_gb", 1.5)),
            quantize=tuple(str(c) for c in data.get("quantize") or ()),
        )
    except KeyError as missing:
        raise GenerateError(f"{where}: {missing.args[0]} is missing") from None
    except (TypeError, ValueError) as error:
        raise GenerateError(f"{where}: {error}") from None
    if not weights or any(v <= 0 for v in weights.values()):
        raise GenerateError(f"{where}: weights_b must name components with positive sizes")
    if not footprint.at or any(v <= 0 for v in footprint.at) or footprint.activation_gb < 0:
        raise GenerateError(f"{where}: at must be positive numbers and activation_gb not negative")
    unknown = set(footprint.quantize) - weights.keys()
    if unknown:
        raise GenerateError(f"{where}: quantize names {', '.join(sorted(unknown))}, not in weights_b")
    return footprint
