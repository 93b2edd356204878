"""What this machine can compute on, as the engine reports it to its client.

torch is imported here only if it is installed, and only in the engine
process: the editor never pays for it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
from typing import Any


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("shotline", "torch", "diffusers", "transformers", "av", "opentimelineio", "numpy"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def devices() -> list[dict[str, Any]]:
    """Compute devices, best first; always at least the CPU."""
    found: list[dict[str, Any]] = []
    if importlib.util.find_spec("torch") is not None:
        import torch

        if torch.cuda.is_available():
            for index in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(index)
                found.append({"name": f"cuda:{index}", "label": props.name, "memory": props.total_memory})
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            found.append({"name": "mps", "label": "Apple GPU", "memory": None})
    found.append({"name": "cpu", "label": platform.processor() or platform.machine(), "memory": None})
    return found
