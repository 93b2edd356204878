"""Model presets: the one reader of every presets file, and the video pipelines' presets.

Every task that loads a model names its checkpoints in a JSON file in
resources/models (video, inpaint, extend, music, voice). `read_presets` is
the only code that opens one: the same checks and the same messages for all
of them, read once per file. What a preset means is the task's own (a video
pipeline's frame rule, a music model's longest cue); the video pipelines'
presets, shared by video.generate, video.inpaint and video.extend, are here.

A preset is what a user would otherwise have to know about a checkpoint to
get a good result from it: which pipeline class drives it, the sizes and
frame rate it was trained at, its frame-count rule (Wan 4k+1, LTX 8k+1),
the size multiple its VAE and patching need, and the steps, guidance and
negative prompt its authors recommend. Keeping them in a JSON file lets a
packager or a user add a checkpoint without touching code; checking them
here, once, means a typo in that file is a clear message, not a crash
inside a pipeline ten minutes into a job.

A local model folder may carry a `shotline.json` naming its preset and
overriding any of these fields (a fine-tune trained at another size, or a
tiny test model), so a folder says how it wants to be driven.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.footprint import Footprint, parse_footprint

MODELS_DIR = Path(__file__).resolve().parents[2] / "resources" / "models"
PRESETS_FILE = MODELS_DIR / "video.json"
#: The file a local model folder may carry to name its preset and override fields of it.
FOLDER_PRESET = "shotline.json"

T2V_PIPELINES = frozenset({"WanPipeline", "LTXPipeline", "LTX2Pipeline"})
I2V_PIPELINES = frozenset({"WanImageToVideoPipeline", "LTXImageToVideoPipeline", "LTX2ImageToVideoPipeline"})
#: LTX-2's classes: one set of weights, picture and sound, conditioned on any frame.
LTX2_PIPELINES = frozenset({"LTX2Pipeline", "LTX2ImageToVideoPipeline", "LTX2ConditionPipeline"})
#: Pipelines of other tasks whose presets share this format (resources/models/inpaint.json).
#: Wan VACE: any known frames (a first, a last picture) and reference images, in one pipeline class.
VACE_PIPELINE = "WanVACEPipeline"
INPAINT_PIPELINES = frozenset({"WanVACEPipeline", "StableDiffusionInpaintPipeline"})
#: Pipelines that continue a video (video.extend, resources/models/extend.json).
EXTEND_PIPELINES = frozenset({"LTXConditionPipeline", "LTX2ConditionPipeline", "WanVACEPipeline"})
DTYPES = frozenset({"bfloat16", "float16", "float32"})


@dataclass(frozen=True)
class VideoPreset:
    name: str
    backend: str  # "wan" or "ltx"
    label: str
    model: str  # a hub id
    pipeline: str  # the class that loads the checkpoint (text-to-video, or image-to-video only)
    i2v_pipeline: str | None  # the class for image-to-video with the same weights, if it can
    native_sizes: tuple[tuple[int, int], ...]  # (width, height), the first is the usual one
    native_fps: Fraction
    frame_multiple: int  # frame counts are frame_multiple*k + 1
    size_multiple: int  # width and height are multiples of this
    steps: int
    guidance: float
    free_aspect: bool = False  # the model copes with other aspect ratios at its native pixel count
    max_frames: int | None = None  # longest clip it was trained on; longer shots are slowed to fit
    negative_prompt: str = ""
    dtype: str = "bfloat16"  # on a GPU; the CPU always runs float32
    timesteps: tuple[float, ...] | None = None  # a distilled model's own schedule
    call_options: dict[str, Any] = field(default_factory=dict)  # other pipeline arguments it needs
    default: bool = False  # the backend's preset when a request names no model
    guidance_2: float | None = None  # a two-expert model's guidance for its low-noise expert (Wan 2.2 A14B)
    last_image: bool = False  # it can end on a given picture as well as start from one
    makes_audio: bool = False  # it makes the shot's sound with its picture (LTX-2)
    lora: dict[str, str] | None = None  # a LoRA loaded into the model (and into its second expert)
    licence: str = ""
    download_gb: float | None = None  # what the model's files take on disk
    footprint: Footprint | None = None  # its memory figures, for the VRAM planner

    @property
    def short_name(self) -> str:
        """The model as a person calls it: the label before its parenthesis."""
        return self.label.split(" (")[0]

    @property
    def text_to_video(self) -> bool:
        return self.pipeline in T2V_PIPELINES or self.pipeline == VACE_PIPELINE

    @property
    def image_to_video(self) -> bool:
        return self.i2v_pipeline is not None or self.pipeline == VACE_PIPELINE  # its first frame kept

    def generation_size(self, width: int, height: int) -> tuple[int, int]:
        """The size to ask the model for, for a shot of width x height.

        The native size whose aspect is nearest the shot's; a model that copes
        with other aspects is then reshaped to the shot's aspect at the same
        pixel count (as Wan's own image-to-video code does), so less is cropped.
        """
        target = math.log(width / height)
        nearest = min(self.native_sizes, key=lambda size: abs(math.log(size[0] / size[1]) - target))
        if not self.free_aspect:
            return nearest
        area = nearest[0] * nearest[1]
        m = self.size_multiple
        w = max(m, round(math.sqrt(area * width / height) / m) * m)
        h = max(m, round(math.sqrt(area * height / width) / m) * m)
        return w, h

    def smaller_size(self, width: int, height: int) -> tuple[int, int] | None:
        """The generation size at the next smaller native size, for a plan that must save memory."""
        w, h = self.generation_size(width, height)
        smaller = [s for s in self.native_sizes if s[0] * s[1] < w * h]
        if not smaller:
            return None
        largest = max(s[0] * s[1] for s in smaller)
        nearest = replace(self, native_sizes=tuple(s for s in smaller if s[0] * s[1] == largest))
        return nearest.generation_size(width, height)

    def frame_count(self, frames: int, rate: Fraction) -> tuple[int, Fraction]:
        """How many frames to ask for a shot of `frames` at `rate`, and the rate they then play at.

        Enough frames at the model's rate to cover the shot, rounded up to
        the model's rule. A shot longer than the model's longest clip gets
        that longest clip, played slower so it still spans the shot.
        """
        from engine.generate.conform import frames_needed, valid_count

        count = valid_count(frames_needed(frames, rate, self.native_fps), self.frame_multiple, 1)
        if self.max_frames is None or count <= self.max_frames:
            return count, self.native_fps
        count = (self.max_frames - 1) // self.frame_multiple * self.frame_multiple + 1
        last_time = Fraction(frames - 1) / rate
        return count, Fraction(count - 1) / last_time if last_time else self.native_fps


def _size_pairs(value: Any, where: str) -> tuple[tuple[int, int], ...]:
    try:
        pairs = tuple((int(w), int(h)) for w, h in value)
    except (TypeError, ValueError):
        raise GenerateError(f"{where}: native_sizes must be a list of [width, height]") from None
    if not pairs or any(w < 8 or h < 8 for w, h in pairs):
        raise GenerateError(f"{where}: native_sizes must list at least one size of 8 pixels or more")
    return pairs


def parse_preset(name: str, data: dict[str, Any], where: str) -> VideoPreset:
    """One preset from its JSON, checked, with messages that name the preset and the field."""
    where = f"{where}, preset {name}"
    if not isinstance(data, dict):
        raise GenerateError(f"{where}: must be an object")
    try:
        pipeline = str(data["pipeline"])
        i2v = data.get("i2v_pipeline")
        preset = VideoPreset(
            name=name,
            backend=str(data["backend"]),
            label=str(data.get("label") or name),
            model=str(data["model"]),
            pipeline=pipeline,
            i2v_pipeline=str(i2v) if i2v else None,
            native_sizes=_size_pairs(data["native_sizes"], where),
            native_fps=Fraction(str(data["native_fps"])),
            frame_multiple=int(data["frame_multiple"]),
            size_multiple=int(data["size_multiple"]),
            steps=int(data["steps"]),
            guidance=float(data["guidance"]),
            free_aspect=bool(data.get("free_aspect", False)),
            max_frames=int(data["max_frames"]) if data.get("max_frames") else None,
            negative_prompt=str(data.get("negative_prompt") or ""),
            dtype=str(data.get("dtype", "bfloat16")),
            timesteps=tuple(float(t) for t in data["timesteps"]) if data.get("timesteps") else None,
            call_options=dict(data.get("call_options") or {}),
            default=bool(data.get("default", False)),
            guidance_2=float(data["guidance_2"]) if data.get("guidance_2") is not None else None,
            last_image=bool(data.get("last_image", False)),
            makes_audio=bool(data.get("makes_audio", False)),
            lora=_lora(data.get("lora"), where),
            licence=str(data.get("licence") or ""),
            download_gb=float(data["download_gb"]) if data.get("download_gb") else None,
            footprint=parse_footprint(data.get("footprint"), where),
        )
    except KeyError as missing:
        raise GenerateError(f"{where}: {missing.args[0]} is missing") from None
    except (TypeError, ValueError, ZeroDivisionError) as error:
        raise GenerateError(f"{where}: {error}") from None
    if preset.pipeline not in T2V_PIPELINES | I2V_PIPELINES | INPAINT_PIPELINES | EXTEND_PIPELINES:
        raise GenerateError(f"{where}: unknown pipeline {preset.pipeline}")
    if preset.i2v_pipeline is not None and preset.i2v_pipeline not in I2V_PIPELINES:
        raise GenerateError(f"{where}: unknown image-to-video pipeline {preset.i2v_pipeline}")
    if preset.dtype not in DTYPES:
        raise GenerateError(f"{where}: dtype must be one of {', '.join(sorted(DTYPES))}")
    if not (preset.native_fps > 0 and preset.frame_multiple >= 1 and preset.size_multiple >= 1):
        raise GenerateError(f"{where}: native_fps, frame_multiple and size_multiple must be positive")
    if preset.steps < 1:
        raise GenerateError(f"{where}: steps must be at least 1")
    bad = [f"{w}x{h}" for w, h in preset.native_sizes if w % preset.size_multiple or h % preset.size_multiple]
    if bad:
        raise GenerateError(f"{where}: {', '.join(bad)} not a multiple of {preset.size_multiple}")
    return preset


def _lora(value: Any, where: str) -> dict[str, str] | None:
    """A LoRA: {"model": hub id or folder, "weight_name": file, "weight_name_2": the 2nd expert's file}."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value.get("model") or not value.get("weight_name"):
        raise GenerateError(f"{where}: lora must name its model and weight_name")
    return {str(k): str(v) for k, v in value.items() if not str(k).startswith("_")}


def load_presets(path: Path = PRESETS_FILE) -> dict[str, VideoPreset]:
    """Every preset in the file, by name (read once: the same objects for the same file)."""
    return _load_presets(Path(path).resolve())


@cache
def _load_presets(path: Path) -> dict[str, VideoPreset]:
    return {name: parse_preset(name, entry, Path(path).name) for name, entry in read_presets(path).items()}


def presets_file(name: str) -> Path:
    """A presets file of resources/models by its name ("music.json")."""
    return MODELS_DIR / name


def read_presets(path: Path) -> dict[str, dict[str, Any]]:
    """Every preset in a presets file, by name, as the file has it (read once per file).

    A file that cannot be read, is not JSON, or has no "presets" object of
    objects is a GenerateError naming the file: a packager's typo is a
    message, never a crash ten minutes into a job.
    """
    return _read_presets(Path(path).resolve())


@cache
def _read_presets(path: Path) -> dict[str, dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["presets"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GenerateError(f"The model presets {path.name} cannot be read: {error}") from None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise GenerateError(f"The model presets {path.name} cannot be read: each preset must be an object")
    return entries


def presets_for(backend: str, path: Path = PRESETS_FILE) -> list[VideoPreset]:
    """A backend's presets (from `path`, another task's presets file), its default first."""
    found = [p for p in load_presets(path).values() if p.backend == backend]
    return sorted(found, key=lambda p: not p.default)


def default_preset(backend: str, path: Path = PRESETS_FILE) -> VideoPreset:
    found = presets_for(backend, path)
    if not found:
        raise GenerateError(f"No model preset for the {backend} backend in {path.name}")
    return found[0]


def preset_for_model(backend: str, model: str | None, path: Path = PRESETS_FILE) -> VideoPreset:
    """The preset that drives `model` (a preset name, a hub id or a local folder) on `backend`.

    A preset's name or hub id picks it; a local folder picks the preset its
    `shotline.json` names, else the one whose hub id or pipeline class its
    `model_index.json` matches, else the backend's default; its
    `shotline.json` then overrides fields of that preset.
    """
    presets = presets_for(backend, path)
    if not presets:
        raise GenerateError(f"No model preset for the {backend} backend in {Path(path).name}")
    if model is None:
        return presets[0]
    for preset in presets:
        if model in (preset.name, preset.model):
            return preset
    folder = Path(model).expanduser()
    if not folder.is_dir():
        return presets[0]  # a hub id without a preset of its own: driven like the default
    overrides = _read_json(folder / FOLDER_PRESET)
    index = _read_json(folder / "model_index.json")
    chosen = next((p for p in presets if p.name == overrides.get("preset")), None)
    if chosen is None:
        source = str(index.get("_name_or_path", ""))
        chosen = next((p for p in presets if source and p.model == source), None)
    if chosen is None:
        expand = bool(index.get("expand_timesteps"))
        by_class = [p for p in presets if p.pipeline == index.get("_class_name")]
        chosen = next((p for p in by_class if ("2.2" in p.name) == expand), by_class[0] if by_class else None)
    chosen = chosen or presets[0]
    fields = {k: v for k, v in overrides.items() if k != "preset"}
    if not fields:
        return chosen
    merged = {**_preset_json(chosen), **fields}
    return replace(parse_preset(chosen.name, merged, str(folder / FOLDER_PRESET)), default=False)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise GenerateError(f"{path} cannot be read: {error}") from None
    return data if isinstance(data, dict) else {}


def _preset_json(preset: VideoPreset) -> dict[str, Any]:
    return {
        "backend": preset.backend,
        "label": preset.label,
        "model": preset.model,
        "pipeline": preset.pipeline,
        "i2v_pipeline": preset.i2v_pipeline,
        "native_sizes": [list(s) for s in preset.native_sizes],
        "native_fps": str(preset.native_fps),
        "frame_multiple": preset.frame_multiple,
        "size_multiple": preset.size_multiple,
        "steps": preset.steps,
        "guidance": preset.guidance,
        "free_aspect": preset.free_aspect,
        "max_frames": preset.max_frames,
        "negative_prompt": preset.negative_prompt,
        "dtype": preset.dtype,
        "timesteps": list(preset.timesteps) if preset.timesteps else None,
        "call_options": preset.call_options,
        "guidance_2": preset.guidance_2,
        "last_image": preset.last_image,
        "makes_audio": preset.makes_audio,
        "lora": preset.lora,
        "licence": preset.licence,
        "download_gb": preset.download_gb,
        "footprint": _footprint_json(preset.footprint),
    }


def _footprint_json(footprint: Footprint | None) -> dict[str, Any] | None:
    if footprint is None:
        return None
    return {
        "weights_b": footprint.weights_b,
        "activation_gb": footprint.activation_gb,
        "vae_decode_gb": footprint.vae_decode_gb,
        "vae_tiled_gb": footprint.vae_tiled_gb,
        "at": list(footprint.at),
        "quantize": list(footprint.quantize),
    }
