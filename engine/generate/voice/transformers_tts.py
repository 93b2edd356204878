"""The GPU hook of `voice.speak`: transformers text-to-speech models (VITS / MMS-TTS and kin).

A model is a preset from resources/models/voice.json (a hub id with a label),
a hub id, or a local folder, and is loaded only with
`AutoModelForTextToWaveform.from_pretrained(..., use_safetensors=True)`, so a
checkpoint cannot run code hidden in a pickle. It is loaded through the
job's ModelPool like the video models, so a GPU holds one model at a time.
torch and transformers are imported only when a job runs or readiness is
asked, so listing tasks stays fast.

The request's voice is the preset (or model) here; its speed becomes VITS's
`speaking_rate`, and its seed seeds the model's noise, so a take can be made again.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Output, Readiness
from engine.generate.pipelines import SET_UP_AI
from engine.generate.planner import CPU, GPU, Plan
from engine.generate.presets import presets_file, read_presets
from engine.generate.voice import audio as voice_audio
from engine.generate.voice.request import VoiceRequest
from engine.jobs.progress import ENCODING, LOADING, RENDERING, JobContext

PRESETS_FILE = presets_file("voice.json")
PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl"})


@dataclass(frozen=True)
class VoicePreset:
    name: str
    label: str
    model: str
    default: bool = False


@cache
def load_voice_presets(path: Path = PRESETS_FILE) -> dict[str, VoicePreset]:
    entries = read_presets(path)
    try:
        presets = {
            name: VoicePreset(name, str(e.get("label") or name), str(e["model"]), bool(e.get("default")))
            for name, e in entries.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise GenerateError(f"The voice model presets {Path(path).name} cannot be read: {error}") from None
    if not presets:
        raise GenerateError(f"The voice model presets {Path(path).name} list no model")
    return presets


def default_voice_preset() -> VoicePreset:
    presets = list(load_voice_presets().values())
    return next((p for p in presets if p.default), presets[0])


def resolve_model(asked: str | None) -> tuple[str, str, bool]:
    """(what to load, the preset's name or "", whether it is a local folder) for a voice or model name."""
    presets = load_voice_presets()
    if not asked:
        preset = default_voice_preset()
        return preset.model, preset.name, False
    if asked in presets:
        return presets[asked].model, asked, False
    folder = Path(asked).expanduser()
    if folder.is_dir():
        files = [p for p in folder.rglob("*") if p.is_file()]
        if not any(p.suffix == ".safetensors" for p in files):
            pickles = sorted({p.suffix for p in files if p.suffix in PICKLE_SUFFIXES})
            if pickles:
                raise GenerateError(
                    f"The voice model folder {folder} has only pickle weights ({', '.join(pickles)}); "
                    "Shotline loads .safetensors only: convert the model to safetensors"
                )
            raise GenerateError(f"The voice model folder {folder} has no .safetensors weights")
        if not (folder / "config.json").is_file():
            raise GenerateError(f"{folder} is not a transformers model folder (it has no config.json)")
        return str(folder), "", True
    if folder.is_absolute() or asked.startswith((".", "~")) or asked.count("/") != 1:
        known = ", ".join(presets)
        raise GenerateError(f"No voice model {asked!r}: choose {known}, a hub id or a model folder")
    return asked, "", False


class TransformersVoiceBackend:
    name = "transformers"
    task = "voice.speak"
    label = "Transformers TTS (MMS / VITS models, GPU)"
    gpu = True

    def readiness(self) -> Readiness:
        return _machine()

    def voices(self) -> list[str]:
        try:
            return list(load_voice_presets())
        except GenerateError:
            return []

    def plans(self, request: VoiceRequest) -> list[Plan]:
        """All on the GPU, then the CPU: the planner's ladder for a speech model (engine.generate.fitting).

        A voice model is small (MMS: 36M parameters) and cannot be offloaded
        piecewise as a diffusers pipeline is; should the GPU run out of memory
        anyway (a large local model, a card busy with a render), the line is
        spoken on the CPU instead of failing.
        """
        model, preset, _local = resolve_model(request.model or request.voice)
        name = preset or Path(model).name
        if importlib.util.find_spec("torch") is None:
            return [Plan(name, CPU)]
        import torch

        if _device(request.device, torch) == "cpu":
            return [Plan(name, CPU)]
        return [Plan(name, GPU), Plan(name, CPU)]

    def run(self, request: VoiceRequest, context: JobContext) -> Output:
        model, preset, local = resolve_model(request.model or request.voice)
        missing = [n for n in ("torch", "transformers", "safetensors") if importlib.util.find_spec(n) is None]
        if missing:
            raise GenerateError(f"The transformers voice needs {', '.join(missing)}: {SET_UP_AI}")
        import torch

        on_cpu = isinstance(context.plan, Plan) and context.plan.placement == CPU
        device = "cpu" if on_cpu else _device(request.device, torch)
        context.check_cancelled()
        context.progress(0.0, LOADING)
        key = ("voice", model, device)
        tokenizer, network = context.models.get(key, lambda: _load(model, local, device, context.log))
        context.progress(0.3, RENDERING)
        inputs = tokenizer(request.text, return_tensors="pt").to(device)
        if inputs["input_ids"].shape[-1] == 0:
            raise GenerateError("This voice model has no sounds for any letter of the text")
        if hasattr(network, "speaking_rate"):
            network.speaking_rate = request.speed
        torch.manual_seed(request.seed)  # VITS draws its noise from the global generator
        context.check_cancelled()
        with torch.no_grad():
            waveform = network(**inputs).waveform
        samples = waveform[0].float().cpu().numpy().astype(np.float32)
        rate = int(getattr(network.config, "sampling_rate", 16000))
        context.progress(0.8, ENCODING)
        path = context.workdir / "voice-transformers.wav"
        count = voice_audio.finish(samples, rate, path)
        context.progress(1.0, ENCODING)
        return Output(
            [path],
            request.provenance(
                backend=self.name,
                voice=preset or model,
                model_id=model,
                model_revision=str(Path(model).absolute()) if local else "",
                pipeline=type(network).__name__,
                device=device,
                plan=context.plan.describe() if isinstance(context.plan, Plan) else "",
                engine_rate=rate,
                samples=count,
                duration=f"{count}/{voice_audio.RATE}",
            ),
        )


@cache
def _machine() -> Readiness:
    missing = [n for n in ("torch", "transformers", "safetensors") if importlib.util.find_spec(n) is None]
    if missing:
        return Readiness(False, f"needs {', '.join(missing)}: {SET_UP_AI}")
    import torch

    if torch.cuda.is_available():
        return Readiness(True, f"cuda:0 {torch.cuda.get_device_properties(0).name}")
    return Readiness(False, "no GPU found; runs with device cpu (slow for large models)")


def _device(asked: str, torch: Any) -> str:
    asked = (asked or "auto").lower()
    if asked == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if asked.startswith("cuda") and not torch.cuda.is_available():
        raise GenerateError("No CUDA GPU is available: choose device auto or cpu")
    if asked != "cpu" and not asked.startswith("cuda"):
        raise GenerateError(f"Unknown device {asked!r}: use auto, cuda, cuda:N or cpu")
    return asked


def _load(model: str, local: bool, device: str, log: Any) -> tuple[Any, Any]:
    import transformers

    transformers.utils.logging.disable_progress_bar()
    log(f"Loading voice model {model} ({device})")
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(model)
        network = transformers.AutoModelForTextToWaveform.from_pretrained(model, use_safetensors=True)
    except (OSError, ValueError, RuntimeError) as error:
        if not local:
            raise GenerateError(
                f"The voice model {model} cannot be loaded (not downloaded and the hub unreachable, "
                f"or not a text-to-speech model): {type(error).__name__}: {str(error)[:200]}"
            ) from None
        raise GenerateError(f"The voice model {model} cannot be loaded: {str(error)[:300]}") from None
    return tokenizer, network.to(device).eval()
