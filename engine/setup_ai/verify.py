"""Proving an AI environment works: its engine starts, and a tiny model runs through it.

Three checks, each a process of the environment's own Python, each with the
reason it failed: what imports (torch and its build, the AI packages, the
engine), whether `python -m engine` answers `initialize` over JSON-RPC, and
whether the engine loads a tiny random-weight model from a folder with
`from_pretrained(..., use_safetensors=True)` and renders frames with it on
the device the build was chosen for. The last is what users' jobs do.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.errors import ShotlineError

#: Run in the environment: the versions of what imports, and what does not.
IMPORTS = """
import importlib, json
found, broken = {}, {}
for name in ("torch", "diffusers", "transformers", "safetensors", "accelerate", "engine"):
    try:
        module = importlib.import_module(name)
        found[name] = getattr(module, "__version__", "")
    except Exception as error:
        broken[name] = f"{type(error).__name__}: {error}"[:300]
gpu = ""
if "torch" in found:
    import torch
    gpu = "cuda" if torch.cuda.is_available() else ""
    if not gpu and getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        gpu = "mps"
    found["torch.cuda"] = torch.version.cuda or ""
    found["torch.hip"] = getattr(torch.version, "hip", None) or ""
print(json.dumps({"found": found, "broken": broken, "gpu": gpu}))
"""

Log = Callable[[str], None]


@dataclass(frozen=True)
class Imports:
    found: dict[str, str]
    broken: dict[str, str]
    gpu: str  # "cuda", "mps" or "": what torch sees

    @property
    def torch_ok(self) -> bool:
        return "torch" in self.found

    def variant_ok(self, device: str) -> bool:
        """Whether the torch installed is the build chosen (a CPU build where CUDA was wanted is not)."""
        if device == "cuda":
            return bool(self.found.get("torch.cuda"))
        if device == "rocm":
            return bool(self.found.get("torch.hip"))
        return True


def run(command: list[str], log: Log, timeout: float, cwd: Path | None = None) -> str:
    """Run a step's process, its output to the log; its stdout, or ShotlineError with the last lines."""
    log("$ " + " ".join(command))
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=cwd, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise ShotlineError(f"{Path(command[0]).name} did not finish within {timeout:.0f} s") from None
    except OSError as error:
        raise ShotlineError(f"{command[0]} cannot run: {error.strerror or error}") from None
    for text in (done.stdout, done.stderr):
        if text.strip():
            log(text.rstrip())
    if done.returncode != 0:
        last = next((line for line in reversed(done.stderr.splitlines()) if line.strip()), "")
        raise ShotlineError(f"{Path(command[0]).name} exited with status {done.returncode}: {last[:300]}")
    return done.stdout


def imports(python: Path, log: Log) -> Imports:
    with tempfile.TemporaryDirectory(prefix="shotline-verify-") as cwd:  # no checkout shadows the engine
        out = run([str(python), "-c", IMPORTS], log, timeout=300, cwd=Path(cwd))
    try:
        data = json.loads(out.strip().splitlines()[-1])
        return Imports(data["found"], data["broken"], data["gpu"])
    except (ValueError, KeyError, IndexError):
        raise ShotlineError("the environment's Python did not say what it imports") from None


def engine_answers(python: Path, log: Log) -> dict:
    """The engine's `initialize` answer, from `python -m engine` over JSON-RPC on stdin/stdout."""
    requests = "".join(
        json.dumps({"jsonrpc": "2.0", "id": n, "method": m, "params": {}}) + "\n"
        for n, m in ((1, "initialize"), (2, "shutdown"))
    )
    command = [str(python), "-m", "engine"]
    log("$ " + " ".join(command) + "  (initialize, shutdown)")
    with tempfile.TemporaryDirectory(prefix="shotline-verify-") as cwd:
        try:
            done = subprocess.run(
                command, input=requests, capture_output=True, text=True, timeout=300, cwd=cwd
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ShotlineError(f"the engine did not start: {error}") from None
    if done.stderr.strip():
        log(done.stderr.rstrip())
    for line in done.stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("id") == 1 and isinstance(message.get("result"), dict):
            log("initialize: " + json.dumps({k: message["result"].get(k) for k in ("versions", "devices")}))
            return message["result"]
    raise ShotlineError(f"the engine did not answer initialize (exit status {done.returncode})")


def tiny_pipeline(python: Path, device: str, log: Log) -> Path:
    """A tiny Wan model built in the environment and rendered by its engine; the video it made."""
    engine_device = {"rocm": "cuda", "cuda": "cuda", "mps": "mps"}.get(device, "cpu")
    work = Path(tempfile.mkdtemp(prefix="shotline-verify-"))
    model, video = work / "tiny-wan", work / "tiny.mp4"
    run([str(python), "-m", "engine.setup_ai.tiny_model", str(model)], log, timeout=600, cwd=work)
    run(
        [
            str(python),
            "-m",
            "engine",
            "generate",
            "--backend",
            "wan",
            "--model",
            str(model),
            "--device",
            engine_device,
            "--dtype",
            "float32",
            "--frames",
            "5",
            "--fps",
            "8",
            "--size",
            "64x64",
            "--steps",
            "2",
            "--prompt",
            "a lighthouse at dusk",
            "--cache-dir",
            str(work / "cache"),
            "-o",
            str(video),
        ],
        log,
        timeout=900,
        cwd=work,
    )
    if not video.is_file() or video.stat().st_size == 0:
        raise ShotlineError("the engine finished the tiny model's job but wrote no video")
    return video
