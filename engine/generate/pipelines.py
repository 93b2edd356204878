"""What every diffusers backend shares: presets as backends, loading a model safely, provenance.

A model is a hub id or a local folder; either way it is loaded only with
`from_pretrained(..., use_safetensors=True)`, so a checkpoint can never run
code hidden in a pickle, and it is loaded through the job's ModelPool, so
regenerating five shots with one model loads it once. Progress is reported
at every denoising step, and a cancel lands at the next one: the step
callback raises JobCancelled, which leaves the pipeline's loop at once
(diffusers does not catch it).

torch and diffusers are imported only inside a job or a readiness check, so
the registry, `shotline generate --list` and the editor never pay for them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Readiness
from engine.generate.conform import fit_picture
from engine.generate.device_memory import device_memory_gb, system_memory_gb
from engine.generate.planner import CPU, GPU, GROUP, MODEL, Plan, choose, ladder
from engine.generate.presets import PRESETS_FILE, VideoPreset, preset_for_model, presets_for
from engine.jobs.progress import DECODING, DENOISING, LOADING, JobContext

#: Weight files that are Python pickles: loading one can run arbitrary code.
PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl"})
#: Parts of a job's progress bar: loading, then denoising, decoding and encoding.
LOADED, DENOISED, DECODED = 0.05, 0.85, 0.9
#: What a user does when torch and the model libraries are missing.
SET_UP_AI = (
    "Set up the AI engine in Settings > Engines (Edit > Preferences > Engines) or with shotline setup-ai"
)
DTYPE_NAMES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32", "half": "float16"}


class PresetBackend:
    """A family of diffusers pipelines whose models are named in a presets file (resources/models)."""

    task: str
    gpu = True
    presets_file: Path = PRESETS_FILE

    def __init__(self, name: str, label: str, needs: tuple[str, ...] = ()) -> None:
        self.name = name
        self.label = label
        self._needs = needs  # packages this family's pipelines import besides torch and diffusers

    def readiness(self) -> Readiness:
        """Ready when torch, diffusers and transformers import and a GPU is there.

        Without a GPU the backend still runs when a job asks for device "cpu"
        (the tests do, with tiny models), but a real checkpoint would take
        hours per shot, so it is reported not ready rather than offered.
        """
        return _readiness(self.name, self._needs, self.presets_file)

    def loaded(
        self, preset: VideoPreset, model: str, local: bool, request: Any, context: JobContext
    ) -> tuple[Any, str, Any]:
        """(pipeline, device, dtype): from the model pool when an earlier job left it loaded.

        Reports "loading model"; the pool's key holds everything that changes
        how the weights sit (device, precision, and the job's plan: offload,
        tiling, 8-bit weights).
        """
        import torch

        device = _device(request.device, torch)
        dtype = _dtype(request.dtype, device, preset, torch)
        plan = job_plan(preset.short_name, request, context, device)
        context.check_cancelled()
        context.progress(0.0, LOADING)
        key = (self.name, model, preset.pipeline, device, str(dtype), plan.key())
        pipe = context.models.get(
            key, lambda: _load(preset.pipeline, model, local, device, dtype, plan, context.log, preset)
        )
        return pipe, device, dtype

    def plans(self, request: Any) -> list[Plan]:
        """The plans this job may run on, the planner's choice first, then the rungs below it.

        The device's memory is read now, before loading (or taken from the
        request's `vram_gb`); on the CPU there is one plan and nothing to fit.
        """
        preset, _model, _local = self.model_for(request.model)
        works, sizes = self.works(preset, request)
        return fitted_plans(preset.short_name, preset, request, works, sizes)

    def works(self, preset: VideoPreset, request: Any) -> tuple[list[tuple[float, ...]], list[Any]]:
        """The work a job asks of the model (width, height, frames), and at the smaller size, for the planner.

        Video generation's; a task whose requests differ (inpaint, extend)
        overrides it.
        """
        count, _rate = preset.frame_count(request.frames, request.rate)
        width, height = preset.generation_size(request.width, request.height)
        works: list[tuple[float, ...]] = [(width, height, count)]
        sizes: list[Any] = [None]
        smaller = preset.smaller_size(request.width, request.height)
        if smaller is not None:
            works.append((smaller[0], smaller[1], count))
            sizes.append(smaller)
        return works, sizes

    def model_for(self, requested: str | None) -> tuple[VideoPreset, str, bool]:
        """(preset, model to load, whether it is a local folder) for a job's `model`, refused before loading.

        `requested` is a preset name, a hub id or a folder; none means the backend's default preset.
        """
        preset = preset_for_model(self.name, requested, self.presets_file)
        model = preset.model if requested in (None, preset.name) else str(requested)
        return preset, model, _check_model(model)


def fitted_plans(
    name: str, preset: Any, request: Any, works: list[tuple[float, ...]], sizes: list[Any] | None = None
) -> list[Plan]:
    """The plans a job may run on, the planner's choice (or the user's) first, then the rungs below it.

    Any backend's: `preset` is what it loads (its `dtype` and `footprint`),
    `works` the work asked of the model as the footprint measures it. The
    device's memory is read now, before loading (or taken from the request's
    `vram_gb`); on the CPU there is one plan and nothing to fit.
    """
    import torch

    device = _device(request.device, torch)
    stated = getattr(request, "vram_gb", None)
    if device == "cpu" and stated is None:
        return [Plan(name, CPU)]
    dtype = str(_dtype(request.dtype, device, preset, torch)).removeprefix("torch.")
    have = stated if stated is not None else device_memory_gb(device)
    found = ladder(
        name, getattr(preset, "footprint", None), dtype, works, have,
        cpu_offload=bool(getattr(request, "cpu_offload", False)),
        vae_tiling=bool(getattr(request, "vae_tiling", False)), sizes=sizes, ram_gb=system_memory_gb(),
    )  # fmt: skip
    return found[chosen_rung(found, getattr(request, "plan", None)) :]


def job_plan(name: str, request: Any, context: JobContext, device: str) -> Plan:
    """The plan run_fitted set for this try, or (a backend run directly) the user's own options."""
    plan = context.plan
    return plan if isinstance(plan, Plan) else plan_from_options(name, request, device)


def chosen_rung(plans: list[Plan], asked: str | None) -> int:
    """The planner's choice, or the rung the user chose in the dialog (`asked`: its step, as shown)."""
    if not asked:
        return choose(plans)
    for index, plan in enumerate(plans):
        if plan.step == asked:
            return index
    known = "; ".join(p.step for p in plans)
    raise GenerateError(f"There is no plan {asked!r} for {plans[0].name}: the plans are {known}")


def plan_from_options(name: str, request: Any, device: str) -> Plan:
    """The plan a job runs on when nothing planned it: the user's own CPU offload and VAE tiling."""
    placement = CPU if device == "cpu" else MODEL if getattr(request, "cpu_offload", False) else GPU
    return Plan(name, placement, bool(getattr(request, "vae_tiling", False)))


def generation_size(preset: VideoPreset, request: Any, context: JobContext) -> tuple[int, int]:
    """The size to generate at: the preset's for the shot, or the smaller one the job's plan chose."""
    plan = context.plan
    if isinstance(plan, Plan) and plan.size is not None:
        return plan.size
    return preset.generation_size(request.width, request.height)


# readiness ---------------------------------------------------------------------------


def model_facts(
    backend: str, preset: VideoPreset, model: str, local: bool, pipe: Any, device: str, dtype: Any
) -> dict[str, Any]:
    """What a take's provenance says about the model that made it, the same for every diffusers backend."""
    return {
        "backend": backend,
        "preset": preset.name,
        "model_id": model,
        "model_revision": _revision(model, local),
        "pipeline": type(pipe).__name__,
        "library_versions": _versions(),
        "device": device,
        "dtype": str(dtype).removeprefix("torch."),
    }


def _readiness(backend: str, needs: tuple[str, ...], presets_file: Path = PRESETS_FILE) -> Readiness:
    machine = _machine(needs)
    if not machine.ready:
        return machine
    try:
        presets = presets_for(backend, presets_file)
    except GenerateError as error:
        return Readiness(False, str(error))
    if not presets:
        return machine
    state = "downloaded" if _cached(presets[0].model) else "downloads on first use"
    return Readiness(True, f"{machine.reason}; {presets[0].model} {state}")  # asked afresh: it may change


@cache
def _machine(needs: tuple[str, ...]) -> Readiness:
    """Whether the libraries are installed and a GPU is there (both fixed while the engine runs)."""
    missing = [
        name
        for name in ("torch", "diffusers", "transformers", "safetensors", *needs)
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        return Readiness(False, f"needs {', '.join(missing)}: {SET_UP_AI}")
    import torch

    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return Readiness(True, f"cuda:0 {props.name}, {props.total_memory / 2**30:.0f} GB")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return Readiness(True, "Apple GPU (mps)")
    return Readiness(False, "no GPU found; runs only with device cpu, where a real model takes hours a shot")


def _cached(repo: str) -> bool:
    """Whether a hub model is in the local hub cache (no network)."""
    return _snapshot(repo) is not None


def _snapshot(repo: str) -> Path | None:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    try:
        found = try_to_load_from_cache(repo, "model_index.json")
    except Exception:  # a malformed id: not cached, whatever the reason
        return None
    return Path(found).parent if isinstance(found, str) else None


# models --------------------------------------------------------------------------------


def _looks_like_path(model: str) -> bool:
    """A local path rather than a hub id ("org/name"): absolute, relative with ./ or ~, or deeper."""
    return Path(model).is_absolute() or model.startswith((".", "~")) or "\\" in model or model.count("/") != 1


def _check_model(model: str) -> bool:
    """Refuse what cannot or must not be loaded, before anything is loaded; True for a local folder."""
    folder = Path(model).expanduser()
    if folder.is_dir():
        weights = [p for p in folder.rglob("*") if p.is_file()]
        if not any(p.suffix == ".safetensors" for p in weights):
            pickles = sorted({p.suffix for p in weights if p.suffix in PICKLE_SUFFIXES})
            if pickles:
                raise GenerateError(
                    f"The model folder {folder} has only pickle weights ({', '.join(pickles)}); "
                    "Shotline loads .safetensors only, which cannot run code: "
                    "download or convert the model to safetensors"
                )
            raise GenerateError(f"The model folder {folder} has no .safetensors weights")
        if not (folder / "model_index.json").is_file():
            raise GenerateError(f"{folder} is not a diffusers model folder (it has no model_index.json)")
        return True
    if _looks_like_path(model):
        raise GenerateError(f"The model folder {folder} does not exist")
    return False


def _device(asked: str, torch: Any) -> str:
    """cuda > mps > cpu for "auto"; an explicit device must exist."""
    asked = (asked or "auto").lower()
    mps = getattr(torch.backends, "mps", None)
    has_mps = mps is not None and mps.is_available()
    if asked == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu"
    if asked.startswith("cuda") and not torch.cuda.is_available():
        raise GenerateError("No CUDA GPU is available: choose device auto or cpu")
    if asked == "mps" and not has_mps:
        raise GenerateError("No Apple GPU (mps) is available: choose device auto or cpu")
    if asked != "cpu" and not asked.startswith(("cuda", "mps")):
        raise GenerateError(f"Unknown device {asked!r}: use auto, cuda, cuda:N, mps or cpu")
    return asked


def _dtype(asked: str, device: str, preset: VideoPreset, torch: Any) -> Any:
    """The preset's dtype (bf16) on CUDA, float16 on Apple GPUs, float32 on the CPU."""
    asked = (asked or "auto").lower()
    if asked == "auto":
        name = preset.dtype if device.startswith("cuda") else "float16" if device == "mps" else "float32"
    else:
        name = DTYPE_NAMES.get(asked, asked)
    if name not in ("bfloat16", "float16", "float32"):
        raise GenerateError(f"Unknown dtype {asked!r}: use auto, bfloat16, float16 or float32")
    return getattr(torch, name)


def _load(
    pipeline: str, model: str, local: bool, device: str, dtype: Any, plan: Plan, log: Any,
    preset: Any = None,
) -> Any:  # fmt: skip
    """Load a checkpoint, safetensors only, and place it on its device as the plan says."""
    import diffusers
    import transformers

    # the engine reports loading as a stage; the libraries' own bars would only clutter its stderr
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()
    cls = getattr(diffusers, pipeline)
    # diffusers renamed torch_dtype to dtype; use the name this version does not warn about
    options: dict[str, Any] = {"dtype" if _new_dtype_name() else "torch_dtype": dtype}
    footprint = getattr(preset, "footprint", None)
    if plan.quantized and footprint is not None:
        options["quantization_config"] = _quantization(footprint.quantize)
    log(f"Loading {model} as {pipeline} ({str(dtype).removeprefix('torch.')}, {device}; {plan.step})")
    try:
        pipe = cls.from_pretrained(str(Path(model).expanduser()) if local else model,
                                   use_safetensors=True, **options)  # fmt: skip
    except (OSError, ValueError, RuntimeError) as error:
        if not local and not _cached(model):
            raise GenerateError(
                f"The model {model} is not downloaded and the hub is unreachable: "
                f"connect once to download it, or choose a local model folder ({type(error).__name__})"
            ) from None
        raise GenerateError(f"The model {model} cannot be loaded: {error}") from None
    if getattr(preset, "lora", None):
        _load_lora(pipe, preset.lora, log)
    place(pipe, plan, device)
    pipe.set_progress_bar_config(disable=True)  # progress goes to the job, not to a terminal
    return pipe


def place(pipe: Any, plan: Plan, device: str) -> None:
    """Put a loaded pipeline where the plan says: on the device, offloaded by model or by group, tiled."""
    if device == "cpu" or plan.placement in (GPU, CPU):
        pipe.to(device)
    elif plan.placement == MODEL:
        pipe.enable_model_cpu_offload(device=device)  # each component moves to the GPU as it runs
    elif plan.placement == GROUP:
        import torch

        # leaf by leaf, the next one prefetched on a CUDA stream: the least memory short of the CPU
        pipe.enable_group_offload(
            onload_device=torch.device(device), offload_device=torch.device("cpu"),
            offload_type="leaf_level", use_stream=device.startswith("cuda"),
        )  # fmt: skip
    if plan.vae_tiling:
        for name in ("vae", "audio_vae"):
            vae = getattr(pipe, name, None)
            if vae is not None and hasattr(vae, "enable_tiling"):
                try:
                    vae.enable_tiling()  # decode in tiles: the peak no longer grows with the size
                except (
                    NotImplementedError
                ):  # LTX-2's audio VAE has the method but no tiling; its decode is small
                    continue


def _quantization(components: tuple[str, ...]) -> Any:
    """8-bit weight-only (torchao int8) for the components the preset says keep their quality."""
    from diffusers import PipelineQuantizationConfig, TorchAoConfig
    from torchao.quantization import Int8WeightOnlyConfig

    return PipelineQuantizationConfig(
        quant_mapping={name: TorchAoConfig(Int8WeightOnlyConfig()) for name in components}
    )


def _load_lora(pipe: Any, lora: dict[str, str], log: Any) -> None:
    """A preset's LoRA (Wan 2.2 Lightning): into the transformer, its second file into the second expert."""
    source = lora["model"]
    log(f"Loading the LoRA {source} ({lora['weight_name']})")
    try:
        pipe.load_lora_weights(source, weight_name=lora["weight_name"], adapter_name="preset")
        if getattr(pipe, "transformer_2", None) is not None:
            pipe.load_lora_weights(
                source, weight_name=lora.get("weight_name_2", lora["weight_name"]),
                adapter_name="preset_2", load_into_transformer_2=True,
            )  # fmt: skip
    except (OSError, ValueError) as error:
        raise GenerateError(f"The LoRA {source} cannot be loaded: {error}") from None


@cache
def _new_dtype_name() -> bool:
    try:
        from diffusers.utils import deprecation_utils
    except ImportError:
        return False
    return hasattr(deprecation_utils, "_TORCH_DTYPE_DEPRECATION_MESSAGE")


def _revision(model: str, local: bool) -> str:
    """The hub commit the cached snapshot is at, or the local folder's absolute path."""
    if local:
        return str(Path(model).expanduser().absolute())
    snapshot = _snapshot(model)
    return snapshot.name if snapshot is not None else ""


def _versions() -> dict[str, str]:
    found = {}
    for package in ("diffusers", "torch", "transformers"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


# running ---------------------------------------------------------------------------------


def _step_callback(context: JobContext, steps: int, part: int = 0, parts: int = 1) -> Any:
    """Report each denoising step, and stop at the next one when the user cancels.

    JobCancelled raised here leaves the pipeline's loop at once: diffusers
    calls this between steps and does not catch what it raises. A job that
    calls its pipeline several times (per frame, per chunk) is at `part` of `parts`.
    """

    def on_step_end(pipe: Any, index: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        total = int(getattr(pipe, "_num_timesteps", 0) or steps)
        done = min(index + 1, total)
        share = (part + done / total) / parts
        context.progress(LOADED + (DENOISED - LOADED) * share, DENOISING, done, total)
        context.check_cancelled()
        if done == total and part == parts - 1:
            context.progress(DENOISED, DECODING)
        return {}

    return on_step_end


def _reference(path: str, size: tuple[int, int]) -> Any:
    """The reference picture, cropped to the generation size (so the model is not asked to stretch it)."""
    from PIL import Image

    try:
        with Image.open(path) as opened:
            rgb = np.asarray(opened.convert("RGB"))
    except OSError as error:
        raise GenerateError(f"The reference image {Path(path).name} cannot be read: {error}") from None
    return Image.fromarray(fit_picture(rgb, size, "crop"))
