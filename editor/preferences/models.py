"""Settings > Models as typed values: the model each AI backend loads, and how models are loaded.

The job runner reads these each time it sends a job (not when the job was
made), so a change applies to the next job and to a retry without a
restart: a job that failed with "not enough GPU memory" can be retried
after ticking CPU offload. A job only ever gets the options its backend
reads (engine.generate.model_choices); backends that load no model get
none, so they run exactly as before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from editor.settings import EditorSettings
from engine.generate.model_choices import DEVICES, DTYPES, model_backend

GROUP = "models"


@dataclass(frozen=True)
class LoadOptions:
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False


def _flag(value: Any) -> bool:
    """QSettings' INI gives a stored bool back as "true"/"false" text."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def load_options(settings: EditorSettings) -> LoadOptions:
    """The stored options; a damaged value falls back to its default."""
    device = str(settings.value(f"{GROUP}/device", "auto"))
    dtype = str(settings.value(f"{GROUP}/dtype", "auto"))
    return LoadOptions(
        device=device if device in DEVICES else "auto",
        dtype=dtype if dtype in DTYPES else "auto",
        cpu_offload=_flag(settings.value(f"{GROUP}/cpu_offload", False)),
        vae_tiling=_flag(settings.value(f"{GROUP}/vae_tiling", False)),
    )


def set_load_options(settings: EditorSettings, options: LoadOptions) -> None:
    if options.device not in DEVICES:
        raise ValueError(f"No device called {options.device}")
    if options.dtype not in DTYPES:
        raise ValueError(f"No dtype called {options.dtype}")
    for key, value in asdict(options).items():
        settings.set_value(f"{GROUP}/{key}", value)


def download_folder(settings: EditorSettings) -> str:
    """Where Settings > Models downloads checkpoints ("": the Hugging Face cache)."""
    return str(settings.value(f"{GROUP}/download_folder", "") or "").strip()


def set_download_folder(settings: EditorSettings, folder: str) -> None:
    settings.set_value(f"{GROUP}/download_folder", folder.strip())


def _key(task: str, backend: str) -> str:
    return f"{GROUP}/{task}/{backend}"


def chosen_model(settings: EditorSettings, task: str, backend: str) -> str:
    """The hub id or local folder the user chose for a backend; "" for the backend's own default."""
    return str(settings.value(_key(task, backend), "") or "").strip()


def set_chosen_model(settings: EditorSettings, task: str, backend: str, model: str) -> None:
    settings.set_value(_key(task, backend), model.strip())


def job_params(
    settings: EditorSettings, task: str, backend: str | None, params: dict[str, Any]
) -> dict[str, Any]:
    """A job's params with the user's model and load options for the backend that will run it.

    A model or option the job names itself (the Regenerate dialog's Model
    field, a take's provenance) wins; only the options the backend reads are
    added.
    """
    chosen = model_backend(task, backend)
    if chosen is None:
        return dict(params)
    filled = dict(params)
    model = chosen_model(settings, chosen.task, chosen.name)
    if model and not any(params.get(name) for name in chosen.model_params):
        filled["model"] = model
    options = asdict(load_options(settings))
    filled |= {name: options[name] for name in chosen.options if name not in params}
    return filled
