"""How much GPU memory this process can use, asked of torch (or NVML) before a model loads.

Apart from the planner (engine.generate.planner), which is pure arithmetic
the editor may import, because this module imports torch.
"""

from __future__ import annotations

from engine.generate.footprint import GIB


def device_memory_gb(device: str) -> float | None:
    """GiB this process can use on `device`: free memory plus what its own allocator holds.

    What the engine's allocator holds (a model left loaded by the last job)
    counts as available: the model pool lets it go before loading another.
    torch's figure first, NVML's (nvidia-ml-py) where torch cannot say; None
    on the CPU or when neither can tell.
    """
    if device == "cpu":
        return None
    try:
        import torch
    except ImportError:
        return None
    if device.startswith("cuda"):
        index = int(device.partition(":")[2] or 0)
        try:
            free, _total = torch.cuda.mem_get_info(index)
            return (free + torch.cuda.memory_reserved(index)) / GIB
        except (RuntimeError, AssertionError, AttributeError):
            return _nvml_free_gb(index)
    if device == "mps":
        mps = getattr(torch, "mps", None)
        recommended = getattr(mps, "recommended_max_memory", None)
        allocated = getattr(mps, "driver_allocated_memory", None)
        if recommended is not None and allocated is not None:
            return (recommended() - allocated()) / GIB
    return None


def _nvml_free_gb(index: int) -> float | None:
    try:
        import pynvml  # nvidia-ml-py
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        return pynvml.nvmlDeviceGetMemoryInfo(handle).free / GIB
    except Exception:  # no driver, no such device: unknown, not an error
        return None


def system_memory_gb() -> float | None:
    """GiB of system memory available now (psutil): where offload plans keep the weights. None: unknown."""
    try:
        import psutil
    except ImportError:
        return None
    return psutil.virtual_memory().available / GIB
