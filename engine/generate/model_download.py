"""Getting a preset's model: one download for `shotline models download` and Settings > Models.

huggingface_hub's `snapshot_download` fetches safetensors and configs only
(never pickles) into the hub cache or a chosen folder, and resumes a
download that was cut off. The command line shows its own progress bars;
the editor passes `progress`, called with (bytes done, bytes in all) as the
files arrive, from the thread the download runs on. Any failure is one line
(GenerateError): the hub switched off, no network, a gated model, a full disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.catalog import CatalogEntry
from engine.generate.presets import FOLDER_PRESET

#: What a download fetches: weights as safetensors, configs, tokenizers. Never .bin/.pt pickles.
ALLOW = ["*.json", "*.safetensors", "*.txt", "*.model", "*.jinja", "*.tiktoken", "tokenizer*", "*.md"]

Progress = Callable[[int, int], None]


def download(entry: CatalogEntry, to: Path | None = None, progress: Progress | None = None) -> Path:
    """Download `entry`'s checkpoint (resumable) and return its folder."""
    from huggingface_hub import constants, snapshot_download

    if constants.HF_HUB_OFFLINE:
        raise GenerateError(
            f"the Hugging Face hub is offline (HF_HUB_OFFLINE is set): unset it to download {entry.model}"
        )
    options: dict[str, Any] = {"local_dir": str(to) if to else None, "allow_patterns": ALLOW}
    if progress is not None:
        options["tqdm_class"] = _reporting(progress)
    try:
        path = Path(snapshot_download(entry.model, **options))
    except KeyboardInterrupt:
        raise
    except Exception as error:  # no network, a gated model, a full disk: one line, never a traceback
        raise GenerateError(f"cannot download {entry.model}: {reason(error)}") from None
    if to is not None:
        _name_the_preset(path, entry.name)
    return path


def _name_the_preset(folder: Path, preset: str) -> None:
    """A folder of its own says which preset drives it (engine.generate.presets reads `shotline.json`):
    LTX-2.3 and LTX-2.3 distilled share a pipeline class and could not be told apart otherwise."""
    target = folder / FOLDER_PRESET
    if target.exists():
        return
    temp = target.with_name(f".{target.name}.part")
    try:
        temp.write_text(json.dumps({"preset": preset}), encoding="utf-8")
        temp.replace(target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise GenerateError(f"Cannot write {target}: {error.strerror or error}") from None


def reason(error: Exception) -> str:
    """Why a download failed, in one line: no network is said as such."""
    text = str(error).strip()
    unreachable = type(error).__name__ in ("LocalEntryNotFoundError", "ConnectError", "ConnectTimeout")
    if unreachable or "ConnectError" in text or "Connection refused" in text:
        return "the Hugging Face hub cannot be reached (no network?); run again when connected to resume"
    return text.splitlines()[0] if text else type(error).__name__


def _reporting(progress: Progress) -> type:
    """A tqdm class that tells `progress` the bytes of every bar that counts bytes (not files)."""
    from tqdm.auto import tqdm

    bars: list[Any] = []

    class Reporting(tqdm):  # type: ignore[misc, valid-type]
        """Silent (the editor draws its own bar); counts what it is told, as a disabled tqdm does not."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.counts_bytes = kwargs.get("unit") == "B"
            self.done = 0
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            if self.counts_bytes:
                bars.append(self)

        def update(self, n: float | None = 1) -> bool | None:
            self.done += int(n or 0)
            if self.counts_bytes:
                progress(sum(b.done for b in bars), sum(int(b.total or 0) for b in bars))
            return super().update(n)

    return Reporting
