"""Which backends load a model, the presets each offers, and which load options each reads.

Settings > Models in the editor lists these before the engine has started
and without importing torch, so this module only reads the presets' JSON
files. The same table tells the editor which of the user's load options
(device, dtype, CPU offload, VAE tiling) a job may carry: a backend that
loads no model (animatic, storyboard, opencv, motion, composer, espeak, piper) is not
here and is sent none of them, so it runs exactly as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from engine.errors import GenerateError
from engine.generate.footprint import parse_footprint
from engine.generate.planner import ladder
from engine.generate.presets import MODELS_DIR, read_presets

DEVICE, DTYPE, CPU_OFFLOAD, VAE_TILING = "device", "dtype", "cpu_offload", "vae_tiling"
#: Every load option, in the order Settings > Models shows them.
LOAD_OPTIONS = (DEVICE, DTYPE, CPU_OFFLOAD, VAE_TILING)
DEVICES = ("auto", "cuda", "mps", "cpu")
DTYPES = ("auto", "bfloat16", "float16", "float32")
#: What a diffusers pipeline's loader reads (engine.generate.video.diffusers._load).
DIFFUSERS = LOAD_OPTIONS


@dataclass(frozen=True)
class ModelPreset:
    name: str  # as the presets file names it; a job may send it as its model
    model: str  # the hub id it loads
    label: str
    default: bool = False
    licence: str = ""
    vram_gb: float | None = None  # all on the GPU, for its usual shot
    least_vram_gb: float | None = None  # with the plan that needs least at its own size
    download_gb: float | None = None

    @property
    def facts(self) -> str:
        """Under a preset in Settings > Models: "Apache-2.0 · 19 GB VRAM (5 GB with offload) · 18 GB"."""
        parts = [self.licence or "licence not stated"]
        if self.vram_gb is not None and self.least_vram_gb is not None:
            vram = f"{self.vram_gb:.0f} GB VRAM"
            if self.least_vram_gb < self.vram_gb - 0.5:
                vram += f" ({self.least_vram_gb:.0f} GB with offload)"
            parts.append(vram)
        if self.download_gb:
            parts.append(f"{self.download_gb:.0f} GB download")
        return " · ".join(parts)


@dataclass(frozen=True)
class ModelBackend:
    task: str
    name: str  # the backend's name, as the engine registers it
    presets_file: str  # in resources/models
    options: tuple[str, ...]  # the load options its request reads and its loader honours
    model_params: tuple[str, ...] = ("model",)  # a job naming any of these has chosen its model

    def presets(self, folder: Path = MODELS_DIR) -> list[ModelPreset]:
        """This backend's presets, its default first."""
        return [p for backend, p in _read(folder / self.presets_file) if backend in (None, self.name)]

    def default_model(self, folder: Path = MODELS_DIR) -> str:
        found = self.presets(folder)
        return found[0].model if found else ""


#: The backends that load a model, by (task, backend name). tests/test_model_settings.py checks that
#: every other backend the registry holds needs no model, and that each request reads these options.
MODEL_BACKENDS: dict[tuple[str, str], ModelBackend] = {
    (b.task, b.name): b
    for b in (
        ModelBackend("video.generate", "ltx2", "video.json", DIFFUSERS),
        ModelBackend("video.generate", "wan", "video.json", DIFFUSERS),
        ModelBackend("video.generate", "ltx", "video.json", DIFFUSERS),
        ModelBackend("video.generate", "wan-vace", "video.json", DIFFUSERS),
        ModelBackend("video.inpaint", "vace", "inpaint.json", DIFFUSERS),
        ModelBackend("video.inpaint", "sd-inpaint", "inpaint.json", DIFFUSERS),
        ModelBackend("video.extend", "ltx-extend", "extend.json", DIFFUSERS),
        ModelBackend("video.extend", "ltx2-extend", "extend.json", DIFFUSERS),
        ModelBackend("video.extend", "vace-extend", "extend.json", DIFFUSERS),
        ModelBackend("music.score", "ace-step", "music.json", DIFFUSERS),
        ModelBackend("music.score", "stable-audio", "music.json", DIFFUSERS),
        ModelBackend("image.generate", "z-image", "image.json", DIFFUSERS),
        ModelBackend("image.generate", "flux2-klein", "image.json", DIFFUSERS),
        ModelBackend("image.generate", "qwen-image", "image.json", DIFFUSERS),
        ModelBackend("image.edit", "flux2-klein", "image.json", DIFFUSERS),
        ModelBackend("image.edit", "qwen-image-edit", "image.json", DIFFUSERS),
        # no dtype or offload there; a voice preset name ("mms-tts-fra") is a model choice too
        ModelBackend("voice.speak", "transformers", "voice.json", (DEVICE,), ("model", "voice")),
    )
}


def model_backend(task: str, name: str | None) -> ModelBackend | None:
    """The model-loading backend `name` of `task`, or None for one that loads no model."""
    return MODEL_BACKENDS.get((task, name)) if name else None


def model_backends() -> list[ModelBackend]:
    return list(MODEL_BACKENDS.values())


@cache
def _read(path: Path) -> tuple[tuple[str | None, ModelPreset], ...]:
    """(backend or None for a file of one backend, preset) for every preset in a presets file."""
    entries = read_presets(path)
    try:
        found = [(str(e["backend"]) if e.get("backend") else None, _preset(name, e, path.name))
                 for name, e in entries.items()]  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise GenerateError(f"The model presets {path.name} cannot be read: {error}") from None
    return tuple(sorted(found, key=lambda pair: not pair[1].default))


def _preset(name: str, entry: dict, where: str) -> ModelPreset:
    footprint = parse_footprint(entry.get("footprint"), f"{where}, preset {name}")
    full = least = None
    if footprint is not None:
        dtype = str(entry.get("dtype") or "bfloat16")
        plans = ladder(name, footprint, dtype, [footprint.at], None, quantize=False)
        needs = [p.need_gb for p in plans if p.need_gb is not None]
        full, least = needs[0], min(needs)
    return ModelPreset(
        name, str(entry["model"]), str(entry.get("label") or name), bool(entry.get("default")),
        licence=str(entry.get("licence") or ""), vram_gb=full, least_vram_gb=least,
        download_gb=float(entry["download_gb"]) if entry.get("download_gb") else None,
    )  # fmt: skip


def names_folder(model: str) -> bool:
    """Whether a model the user typed is a local folder rather than a hub id ("org/name").

    The engine's own rule: an existing folder, or anything absolute, relative
    with ./ or ~, or with more or fewer than one slash.
    """
    text = model.strip()
    if not text:
        return False
    if Path(text).expanduser().is_dir():
        return True
    return Path(text).is_absolute() or text.startswith((".", "~")) or "\\" in text or text.count("/") != 1


def folder_problem(folder: Path) -> str:
    """Why a local model folder will be refused, or "" when it looks loadable.

    The same rules as the engine's loader (safetensors only, a diffusers
    model_index.json or a transformers config.json), checked when the user
    picks the folder rather than when a job fails minutes later.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return f"The folder {folder} does not exist"
    files = [p for p in folder.rglob("*") if p.is_file()]
    if not any(p.suffix == ".safetensors" for p in files):
        pickles = sorted({p.suffix for p in files if p.suffix in (".bin", ".pt", ".pth", ".ckpt", ".pkl")})
        if pickles:
            return (
                f"{folder.name} has only pickle weights ({', '.join(pickles)}), which can run code: "
                "Shotline loads .safetensors only. Download or convert the model to safetensors."
            )
        return f"{folder.name} has no .safetensors weights"
    if not (folder / "model_index.json").is_file() and not (folder / "config.json").is_file():
        return f"{folder.name} is not a model folder (no model_index.json or config.json)"
    return ""
