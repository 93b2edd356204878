"""Which PyTorch build runs on a machine, and why: the choice `setup-ai` makes and `--dry-run` prints.

PyTorch publishes one wheel per accelerator on its own package indexes: a
CUDA build per CUDA version (the NVIDIA driver must run that CUDA), ROCm
builds for AMD on Linux, a CPU build. On Linux the package registry's plain
`torch` is the CUDA build (gigabytes), so a machine without an NVIDIA GPU
must get the CPU index; on macOS the plain wheel is the one with Metal
(mps); on Windows it is the CPU build.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ShotlineError
from engine.setup_ai.gpu import Gpu, version_text

#: The PyTorch release the AI engine is set up with.
TORCH_VERSION = "2.13.0"
INDEX = "https://download.pytorch.org/whl"
#: The CUDA builds of TORCH_VERSION, newest first, and the CUDA each needs.
CUDA_BUILDS = (("cu130", (13, 0)), ("cu128", (12, 8)), ("cu126", (12, 6)))
#: The ROCm builds of TORCH_VERSION (Linux only), newest first.
ROCM_BUILDS = (("rocm6.4", (6, 4)), ("rocm6.3", (6, 3)))
#: CUDA's minor-version compatibility: any 12.x runtime runs on a driver that runs 12.0.
MINOR_COMPATIBLE_DRIVER = "525.60"


@dataclass(frozen=True)
class TorchBuild:
    device: str  # what the engine will run on: "cuda", "rocm", "mps" or "cpu"
    variant: str  # "cu128", "rocm6.4", "cpu", or "" for the registry's default wheel
    index_url: str | None  # PyTorch's index for this variant; None: the package registry's
    reasons: tuple[str, ...]

    @property
    def spec(self) -> str:
        return f"torch=={TORCH_VERSION}"

    def install_line(self) -> str:
        index = f" --index-url {self.index_url}" if self.index_url else ""
        return f"{self.spec}{index}"


def choose(gpu: Gpu) -> TorchBuild:
    """The build for `gpu`, with the reasons in words a user can check."""
    found = gpu.describe()
    if gpu.system == "Darwin":
        if gpu.machine != "arm64":
            raise ShotlineError(
                "PyTorch publishes no builds for Intel Macs since version 2.2, so the AI engine "
                "cannot be set up on this Mac; the no-download backends work without it"
            )
        return TorchBuild(
            "mps",
            "",
            None,
            (
                f"{found}",
                "macOS on Apple silicon: the package registry's torch wheel runs on the GPU "
                "through Metal (mps)",
            ),
        )
    if gpu.vendor == "nvidia":
        return _nvidia(gpu, found)
    if gpu.vendor == "amd":
        return _amd(gpu, found)
    return _cpu(gpu, (found, "no supported GPU: the CPU build (AI models are very slow without a GPU)"))


def _nvidia(gpu: Gpu, found: str) -> TorchBuild:
    if gpu.cuda is None:
        return _cpu(gpu, (found, "the driver's CUDA version is unknown: the CPU build"))
    cuda = version_text(gpu.cuda)
    for variant, needs in CUDA_BUILDS:
        if gpu.cuda >= needs:
            return TorchBuild(
                "cuda",
                variant,
                f"{INDEX}/{variant}",
                (
                    found,
                    f"the driver runs CUDA up to {cuda}: the newest CUDA build of torch {TORCH_VERSION} "
                    f"it runs is {variant} (CUDA {version_text(needs)})",
                ),
            )
    oldest, needs = CUDA_BUILDS[-1]
    if gpu.cuda[0] == needs[0]:
        return TorchBuild(
            "cuda",
            oldest,
            f"{INDEX}/{oldest}",
            (
                found,
                f"the driver runs CUDA up to {cuda}, older than every CUDA build of torch {TORCH_VERSION}; "
                f"{oldest} runs on it through CUDA's minor-version compatibility "
                f"(driver {MINOR_COMPATIBLE_DRIVER} or newer). Updating the driver to 560 or newer "
                f"gives full CUDA {version_text(needs)} support",
            ),
        )
    return _cpu(
        gpu,
        (
            found,
            f"the driver runs CUDA only up to {cuda}; torch {TORCH_VERSION} needs CUDA {needs[0]} "
            f"(driver {MINOR_COMPATIBLE_DRIVER} or newer). Installing the CPU build: update the NVIDIA "
            "driver, then run `shotline setup-ai --repair` to switch to the GPU build",
        ),
    )


def _amd(gpu: Gpu, found: str) -> TorchBuild:
    if gpu.system != "Linux":
        return _cpu(gpu, (found, "PyTorch's ROCm builds exist for Linux only: the CPU build"))
    if gpu.rocm is None:
        variant, needs = ROCM_BUILDS[0]
        why = (
            f"ROCm's version is unknown: the newest ROCm build, {variant} (it brings its own ROCm libraries)"
        )
    else:
        variant, needs = next(((v, n) for v, n in ROCM_BUILDS if gpu.rocm >= n), ROCM_BUILDS[-1])
        why = (
            f"ROCm {version_text(gpu.rocm)} is installed: "
            f"the ROCm build {variant} (ROCm {version_text(needs)})"
        )
        if gpu.rocm < needs:
            why += f", the oldest of torch {TORCH_VERSION}'s; update ROCm if it does not start"
    return TorchBuild("rocm", variant, f"{INDEX}/{variant}", (found, why))


def _cpu(gpu: Gpu, reasons: tuple[str, ...]) -> TorchBuild:
    if gpu.system == "Linux":
        # the registry's plain torch on Linux is the CUDA build and would pull gigabytes of CUDA
        return TorchBuild(
            "cpu",
            "cpu",
            f"{INDEX}/cpu",
            (*reasons, "on Linux from PyTorch's CPU index, so no CUDA libraries are downloaded"),
        )
    return TorchBuild(
        "cpu", "", None, (*reasons, f"the package registry's torch wheel for {gpu.system} is the CPU build")
    )
