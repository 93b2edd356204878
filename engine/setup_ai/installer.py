"""Creating, repairing and removing the AI engine's environment, one named step at a time.

The environment is made with uv (fast, and it brings a Python when the
machine has none) or, when uv is missing, with `python -m venv` and pip. Into
it go the chosen torch build first, from its own index, so nothing pulls
the registry's CUDA build by accident, then Shotline itself (editable, from
source.py's folder) with its `ai` extra; torch is then already satisfied.
Every command and its output go to the log, which stays after a failure,
and a failure names the step that failed.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import engine
from engine.errors import ShotlineError
from engine.setup_ai import record as records
from engine.setup_ai import verify
from engine.setup_ai.source import frozen, shotline_source
from engine.setup_ai.torch_build import TorchBuild

#: The Python a bundle asks uv for (a source install uses its own).
PYTHON_REQUEST = ">=3.11"
#: Module names the check imports, and the distributions that provide them.
DISTRIBUTIONS = {
    "torch": "torch",
    "diffusers": "diffusers",
    "transformers": "transformers",
    "safetensors": "safetensors",
    "accelerate": "accelerate",
    "engine": "shotline",
}

Progress = Callable[[int, int, str], None]  # step number (from 1), steps, what it does


def find_uv() -> Path | None:
    """uv: inside the bundle, from the `uv` package of this environment, or on PATH."""
    name = "uv.exe" if sys.platform == "win32" else "uv"
    if frozen():
        bundled = Path(getattr(sys, "_MEIPASS", "")) / name
        if bundled.is_file():
            return bundled
    else:
        try:
            import uv

            return Path(uv.find_uv_bin())
        except (ImportError, FileNotFoundError):
            pass
    found = shutil.which("uv")
    return Path(found) if found else None


def system_python() -> str:
    """A Python 3.11+ to make a venv with, when there is no uv (a bundle has no interpreter of its own)."""
    if not frozen():
        return sys.executable
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found is None:
            continue
        ok = (
            subprocess.run(
                [found, "-c", "import sys; sys.exit(sys.version_info < (3, 11))"], capture_output=True
            ).returncode
            == 0
        )
        if ok:
            return found
    raise ShotlineError("uv is missing and no Python 3.11 or newer is installed: install either, then retry")


@dataclass
class Installer:
    build: TorchBuild
    base: Path = field(default_factory=records.home)
    torch_source: str | None = None  # a mirror's index URL or a folder of wheels, instead of PyTorch's index
    progress: Progress = lambda _n, _total, _text: None
    uv: Path | None = field(default_factory=find_uv)

    def __post_init__(self) -> None:
        self.env = records.env_dir(self.base)
        self.python = records.python_of(self.env)
        self.log_path = records.log_file(self.base)
        self._log_handle = None

    # what it does --------------------------------------------------------------------------

    def tool(self) -> str:
        if self.uv is not None:
            return f"uv ({self.uv})"
        return "python -m venv and pip (uv is not installed: installing it makes this faster)"

    def torch_args(self) -> list[str]:
        source = self.torch_source
        if source and Path(source).expanduser().is_dir():
            return ["--find-links", str(Path(source).expanduser())]
        if source:
            return ["--index-url", source]
        return ["--index-url", self.build.index_url] if self.build.index_url else []

    def setup(self) -> records.Record:
        """A new environment, whatever was there, installed and verified."""
        steps = [
            ("create the environment", self._create),
            (f"install {self.build.spec} ({self.build.variant or 'default build'})", self._install_torch),
            ("install Shotline's AI packages", self._install_ai),
            ("check what imports", self._check_imports),
            ("start the engine from it", self._engine_answers),
            ("run a tiny model through the engine", self._tiny_pipeline),
        ]
        return self._run(steps)

    def repair(self) -> records.Record:
        """Re-verify; reinstall what is broken (torch, the AI packages) or, without a Python, everything."""
        if not self.python.is_file():
            self._open_log()
            self._log(f"no Python at {self.python}: setting up anew")
            return self.setup()
        self._open_log()
        self._log(f"repair: checking {self.env}")
        found = verify.imports(self.python, self._log)
        steps = []
        if not found.torch_ok or not found.variant_ok(self.build.device) or self._recorded_variant_differs():
            steps.append(
                (
                    f"reinstall {self.build.spec} ({self.build.variant or 'default build'})",
                    lambda: self._install_torch(reinstall=True),
                )
            )
        broken = [DISTRIBUTIONS[name] for name in found.broken if name != "torch"]
        steps.append(
            (
                "reinstall " + (", ".join(broken) if broken else "missing AI packages"),
                lambda: self._install_ai(reinstall=broken),
            )
        )
        steps += [
            ("check what imports", self._check_imports),
            ("start the engine from it", self._engine_answers),
            ("run a tiny model through the engine", self._tiny_pipeline),
        ]
        return self._run(steps, fresh_log=False)

    def reset(self) -> bool:
        """Remove the environment, its record and log; whether there was anything to remove."""
        existed = self.base.exists()
        shutil.rmtree(self.base, ignore_errors=True)
        if self.base.exists():
            raise ShotlineError(
                f"{self.base} could not be removed completely: close Shotline's engine and retry"
            )
        return existed

    # running --------------------------------------------------------------------------------

    def _run(self, steps: list, fresh_log: bool = True) -> records.Record:
        if fresh_log:
            self._open_log()
        total = len(steps)
        try:
            for number, (what, action) in enumerate(steps, start=1):
                self.progress(number, total, what)
                self._log(f"== step {number}/{total}: {what}")
                started = time.monotonic()
                try:
                    action()
                    self._log(f"== step {number}/{total} took {time.monotonic() - started:.0f} s")
                except ShotlineError as error:
                    self._log(f"FAILED: {error}")
                    raise ShotlineError(
                        f"step {number} of {total} ({what}) failed: {error}. The log is {self.log_path}"
                    ) from None
            made = records.Record(
                python=str(self.python),
                torch=self._found.found.get("torch", ""),
                device=self.build.device,
                variant=self.build.variant,
                shotline=engine.__version__,
                verified=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            )
            records.write_record(made, self.base)
            self._log(f"set up: {made}")
            return made
        finally:
            self._close_log()

    def _create(self) -> None:
        shutil.rmtree(self.env, ignore_errors=True)
        records.record_file(self.base).unlink(missing_ok=True)  # not set up until verified again
        if self.uv is not None:
            python = sys.executable if not frozen() else PYTHON_REQUEST
            self._call([str(self.uv), "venv", str(self.env), "--python", python])
        else:
            self._log("uv is not installed: using python -m venv and pip")
            self._call([system_python(), "-m", "venv", str(self.env)])
        if not self.python.is_file():
            raise ShotlineError(f"the environment has no Python at {self.python}")

    def _install(self, args: list[str], reinstall: list[str] | None = None) -> None:
        if self.uv is not None:
            extra = [a for name in (reinstall or []) for a in ("--reinstall-package", name)]
            self._call([str(self.uv), "pip", "install", "--python", str(self.python), *extra, *args])
        else:
            pip = [str(self.python), "-m", "pip", "install", "--disable-pip-version-check"]
            if reinstall:
                self._call([*pip, "--force-reinstall", "--no-deps", *args])
            self._call([*pip, *args])

    def _install_torch(self, reinstall: bool = False) -> None:
        self._install([self.build.spec, *self.torch_args()], reinstall=["torch"] if reinstall else None)

    def _install_ai(self, reinstall: list[str] | None = None) -> None:
        source = shotline_source()
        self._install(["-e", f"{source}[ai]"], reinstall=reinstall or None)

    def _check_imports(self) -> None:
        self._found = verify.imports(self.python, self._log)
        if self._found.broken:
            name, why = next(iter(self._found.broken.items()))
            raise ShotlineError(f"{name} does not import: {why}")
        if not self._found.variant_ok(self.build.device):
            raise ShotlineError(f"torch {self._found.found['torch']} is not the {self.build.device} build")
        if self.build.device in ("cuda", "rocm", "mps") and not self._found.gpu:
            raise ShotlineError(
                f"torch {self._found.found['torch']} does not see the GPU ({self.build.device})"
            )

    def _engine_answers(self) -> None:
        verify.engine_answers(self.python, self._log)

    def _tiny_pipeline(self) -> None:
        video = verify.tiny_pipeline(self.python, self.build.device, self._log)
        self._log(f"the engine rendered {video}")
        shutil.rmtree(video.parent, ignore_errors=True)

    def _recorded_variant_differs(self) -> bool:
        made = records.read_record(self.base)
        return made is not None and made.variant != self.build.variant

    def _call(self, command: list[str]) -> None:
        verify.run(command, self._log, timeout=3600)

    # the log ---------------------------------------------------------------------------------

    def _open_log(self) -> None:
        if self._log_handle is None:
            self.base.mkdir(parents=True, exist_ok=True)
            self._log_handle = self.log_path.open("w", encoding="utf-8")

    def _close_log(self) -> None:
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def _log(self, text: str) -> None:
        if self._log_handle is not None:
            self._log_handle.write(text + "\n")
            self._log_handle.flush()
