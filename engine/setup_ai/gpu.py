"""What accelerator this machine has: NVIDIA (driver and the CUDA version it supports), AMD ROCm, Apple, none.

NVIDIA is asked through NVML (the nvidia-ml-py binding, when installed) and
otherwise through `nvidia-smi`, which every NVIDIA driver installs; the
driver's CUDA version is what decides which PyTorch build can run. AMD GPUs
count only on Linux with ROCm's kernel driver (/dev/kfd). Apple means an
Apple-silicon Mac (Metal, "mps"). `--gpu` states a machine instead, so a
user (and the tests) can ask what would be installed elsewhere.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import ShotlineError

#: The first driver of each CUDA version on Linux (NVIDIA's CUDA release notes, table 3).
CUDA_OF_DRIVER = (
    ((580, 65), (13, 0)),
    ((575, 51), (12, 9)),
    ((570, 26), (12, 8)),
    ((560, 28), (12, 6)),
    ((555, 42), (12, 5)),
    ((550, 54), (12, 4)),
    ((545, 23), (12, 3)),
    ((535, 54), (12, 2)),
    ((530, 30), (12, 1)),
    ((525, 60), (12, 0)),
    ((520, 61), (11, 8)),
    ((515, 43), (11, 7)),
    ((510, 39), (11, 6)),
    ((495, 29), (11, 5)),
    ((470, 42), (11, 4)),
    ((450, 36), (11, 0)),
)


@dataclass(frozen=True)
class Gpu:
    """The accelerator the AI engine would run on; vendor "none" is the CPU."""

    vendor: str  # "nvidia", "amd", "apple" or "none"
    name: str = ""
    driver: str = ""  # NVIDIA's driver version, e.g. "550.54.14"
    cuda: tuple[int, int] | None = None  # the newest CUDA the NVIDIA driver runs
    rocm: tuple[int, int] | None = None  # the installed ROCm version, when known
    memory_gb: float | None = None
    system: str = field(default_factory=platform.system)  # "Linux", "Windows", "Darwin"
    machine: str = field(default_factory=lambda: platform.machine().lower())
    stated: bool = False  # from --gpu, not detected

    def describe(self) -> str:
        parts = [
            self.name
            or {"nvidia": "NVIDIA GPU", "amd": "AMD GPU", "apple": "Apple GPU"}.get(self.vendor, "no GPU")
        ]
        if self.memory_gb:
            parts.append(f"{self.memory_gb:.0f} GB")
        if self.driver:
            parts.append(f"driver {self.driver}")
        if self.cuda:
            parts.append(f"CUDA {version_text(self.cuda)}")
        if self.rocm:
            parts.append(f"ROCm {version_text(self.rocm)}")
        where = f"{self.system} {self.machine}"
        return f"{', '.join(parts)} ({'stated' if self.stated else 'found'}; {where})"


def version_text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def cuda_of_driver(driver: str) -> tuple[int, int] | None:
    """The newest CUDA a Linux/Windows NVIDIA driver runs, from its version ("550", "550.54.14")."""
    numbers = [int(n) for n in re.findall(r"\d+", driver)[:2]]
    if not numbers:
        return None
    key = (numbers[0], numbers[1] if len(numbers) > 1 else 999)  # "550" means the 550 series' newest
    return next((cuda for first, cuda in CUDA_OF_DRIVER if key >= first), None)


# stated ---------------------------------------------------------------------------------


def parse_stated(text: str) -> Gpu:
    """A machine in words: "nvidia driver 550", "nvidia cuda 12.8", "amd rocm 6.4", "apple", "none"."""
    words = text.lower().replace(",", " ").split()
    if not words:
        raise ShotlineError("--gpu needs a description such as 'nvidia driver 550', 'amd', 'apple' or 'none'")
    vendor = words[0]

    def after(key: str) -> str | None:
        return words[words.index(key) + 1] if key in words[:-1] else None

    if vendor in ("nvidia", "cuda"):
        driver = after("driver") or ""
        cuda_text = after("cuda")
        cuda = _version(cuda_text) if cuda_text else cuda_of_driver(driver) if driver else None
        if driver and cuda is None:
            raise ShotlineError(f"--gpu: {driver!r} is not an NVIDIA driver version such as 550 or 570.86")
        if cuda_text and cuda is None:
            raise ShotlineError(f"--gpu: {cuda_text!r} is not a CUDA version such as 12.8")
        if cuda is None:
            raise ShotlineError("--gpu: say which driver, e.g. 'nvidia driver 550' or 'nvidia cuda 12.8'")
        system = "Windows" if "windows" in words else "Linux"
        return Gpu("nvidia", driver=driver, cuda=cuda, system=system, machine="x86_64", stated=True)
    if vendor in ("amd", "rocm", "radeon"):
        rocm_text = after("rocm")
        rocm = _version(rocm_text) if rocm_text else None
        system = "Windows" if "windows" in words else "Linux"
        return Gpu("amd", rocm=rocm, system=system, machine="x86_64", stated=True)
    if vendor in ("apple", "mps", "mac", "macos"):
        machine = "x86_64" if "intel" in words else "arm64"
        return Gpu("apple" if machine == "arm64" else "none", system="Darwin", machine=machine, stated=True)
    if vendor in ("none", "cpu", "no"):
        system = {"windows": "Windows", "mac": "Darwin", "macos": "Darwin"}.get(
            next((w for w in words if w in ("windows", "mac", "macos", "linux")), "linux"), "Linux"
        )
        return Gpu("none", system=system, machine="arm64" if system == "Darwin" else "x86_64", stated=True)
    raise ShotlineError(f"--gpu: unknown GPU {words[0]!r}: say nvidia, amd, apple or none")


def _version(text: str | None) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.\d+)*", text or "")
    return (int(match[1]), int(match[2] or 0)) if match else None


# detected -------------------------------------------------------------------------------


def detect() -> Gpu:
    """This machine's accelerator, asked of the drivers (never of torch, which may not be installed)."""
    system = platform.system()
    if system == "Darwin":
        return Gpu("apple" if platform.machine().lower() == "arm64" else "none")
    return _nvidia_nvml() or _nvidia_smi() or (_amd_rocm() if system == "Linux" else None) or Gpu("none")


def _nvidia_nvml() -> Gpu | None:
    try:
        import pynvml  # nvidia-ml-py, when the user has it
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:  # no driver: NVMLError_LibraryNotFound / DriverNotLoaded
        return None
    try:
        if pynvml.nvmlDeviceGetCount() == 0:
            return None
        handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        name = pynvml.nvmlDeviceGetName(handle)
        driver = pynvml.nvmlSystemGetDriverVersion()
        code = pynvml.nvmlSystemGetCudaDriverVersion()  # e.g. 12040
        memory = pynvml.nvmlDeviceGetMemoryInfo(handle).total / 2**30
    except Exception:
        return None
    finally:
        pynvml.nvmlShutdown()
    return Gpu(
        "nvidia",
        name=_text(name),
        driver=_text(driver),
        cuda=(code // 1000, code % 1000 // 10),
        memory_gb=memory,
    )


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _nvidia_smi() -> Gpu | None:
    program = shutil.which("nvidia-smi")
    if program is None:
        return None
    try:
        listing = subprocess.run(
            [program, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
        header = subprocess.run([program], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    first = next((line for line in listing.splitlines() if line.strip()), "")
    fields = [f.strip() for f in first.split(",")]
    if len(fields) < 3:
        return None
    name, driver, memory = fields[:3]
    found = re.search(r"CUDA Version:\s*(\d+)\.(\d+)", header)
    cuda = (int(found[1]), int(found[2])) if found else cuda_of_driver(driver)
    try:
        memory_gb = float(memory) / 1024
    except ValueError:
        memory_gb = None
    return Gpu("nvidia", name=name, driver=driver, cuda=cuda, memory_gb=memory_gb)


def _amd_rocm() -> Gpu | None:
    if not Path("/dev/kfd").exists():  # ROCm's kernel driver: without it no ROCm build can run
        return None
    rocm = None
    version_file = Path(os.environ.get("ROCM_PATH", "/opt/rocm")) / ".info" / "version"
    if version_file.is_file():
        rocm = _version(".".join(re.findall(r"\d+", version_file.read_text())[:2]))
    name = ""
    smi = shutil.which("rocm-smi")
    if smi is not None:
        try:
            shown = subprocess.run(
                [smi, "--showproductname"], capture_output=True, text=True, timeout=20
            ).stdout
            found = re.search(r"Card (?:series|SKU|model):\s*(.+)", shown)
            name = found[1].strip() if found else ""
        except (OSError, subprocess.SubprocessError):
            pass
    return Gpu("amd", name=name, rocm=rocm)
