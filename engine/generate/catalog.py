"""Every model preset of every task, with what a user needs to pick one: licence, size, memory, plan.

`shotline models list|plan|download` and the GPU smoke bench read this; it
reads only the presets' JSON (engine.generate.presets.read_presets) and the
hub's local cache, so it needs neither torch nor the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.footprint import Footprint, parse_footprint
from engine.generate.model_choices import model_backends
from engine.generate.planner import Plan, choose, ladder
from engine.generate.presets import MODELS_DIR, read_presets


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    task: str
    backend: str
    label: str
    model: str  # hub id
    licence: str
    download_gb: float | None
    dtype: str
    footprint: Footprint | None
    smaller: tuple[int, int] | None  # the next smaller native size than the footprint's reference

    @property
    def short_name(self) -> str:
        return self.label.split(" (")[0]

    def plans(self, vram_gb: float | None, quantize: bool | None = None) -> list[Plan]:
        """The ladder for the preset's usual shot (its footprint's `at`) on a card of `vram_gb`."""
        works: list[tuple[float, ...]] = []
        sizes: list[Any] = [None]
        if self.footprint is not None:
            works.append(self.footprint.at)
            if self.smaller is not None and len(self.footprint.at) == 3:
                works.append((*self.smaller, self.footprint.at[2]))
                sizes.append(self.smaller)
        return ladder(self.short_name, self.footprint, self.dtype, works or [(1.0,)], vram_gb,
                      quantize=quantize, sizes=sizes)  # fmt: skip

    def plan(self, vram_gb: float, quantize: bool | None = None) -> Plan:
        """The plan the planner picks on a card of `vram_gb`."""
        found = self.plans(vram_gb, quantize)
        return found[choose(found)]

    def min_gb(self, quantize: bool | None = None) -> tuple[float | None, float | None]:
        """(all on GPU, the least any plan needs), in GB, for the preset's usual shot."""
        found = self.plans(None, quantize)
        needs = [p.need_gb for p in found if p.need_gb is not None]
        return (needs[0], min(needs)) if needs else (None, None)


def catalog(folder: Path = MODELS_DIR) -> list[CatalogEntry]:
    """Every preset of every model-loading backend, once per task, in its file's order of preference."""
    found: dict[tuple[str, str], CatalogEntry] = {}
    for backend in model_backends():
        path = folder / backend.presets_file
        for name, entry in read_presets(path).items():
            # a checkpoint two tasks drive (Wan VACE: inpaint and extend) is listed under each
            if entry.get("backend") not in (None, backend.name) or (backend.task, name) in found:
                continue
            found[backend.task, name] = _entry(name, backend.task, backend.name, entry, path.name)
    return list(found.values())


def find(name: str, folder: Path = MODELS_DIR) -> CatalogEntry:
    for entry in catalog(folder):
        if name in (entry.name, entry.model):
            return entry
    known = ", ".join(e.name for e in catalog(folder))
    raise GenerateError(f"No model preset {name!r}; the presets are: {known}")


def recommended(task: str, vram_gb: float, quantize: bool | None = None) -> CatalogEntry | None:
    """The first preset of `task` (the file's order of preference) that fits the card unchanged.

    "Unchanged": all on the GPU or with model offload, full weights, its own
    size. Nothing when no preset of the task has memory figures that fit.
    """
    for entry in catalog():
        if entry.task != task or entry.footprint is None:
            continue
        plan = entry.plan(vram_gb, quantize)
        if plan.fits and plan.placement in ("gpu", "model") and not plan.quantized and plan.size is None:
            return entry
    return None


def downloaded(model: str) -> Path | None:
    """The hub cache's snapshot folder of `model`, when it is there (no network)."""
    try:
        from huggingface_hub import scan_cache_dir
    except ImportError:
        return None
    try:
        repos = scan_cache_dir().repos
    except Exception:  # no cache folder yet, or one that cannot be read: nothing downloaded
        return None
    for repo in repos:
        if repo.repo_id == model and repo.repo_type == "model":
            revisions = sorted(repo.revisions, key=lambda r: r.last_modified, reverse=True)
            if revisions:
                return Path(revisions[0].snapshot_path)
    return None


def disk_gb(folder: Path) -> float:
    """GB the files under `folder` take (a snapshot's links are followed to the blobs)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e9


def _entry(name: str, task: str, backend: str, data: dict[str, Any], where: str) -> CatalogEntry:
    footprint = parse_footprint(data.get("footprint"), f"{where}, preset {name}")
    return CatalogEntry(
        name=name,
        task=task,
        backend=backend,
        label=str(data.get("label") or name),
        model=str(data.get("model", "")),
        licence=str(data.get("licence") or ""),
        download_gb=float(data["download_gb"]) if data.get("download_gb") else None,
        dtype=str(data.get("dtype") or "bfloat16"),
        footprint=footprint,
        smaller=_smaller(data.get("native_sizes"), footprint),
    )


def _smaller(sizes: Any, footprint: Footprint | None) -> tuple[int, int] | None:
    if not sizes or footprint is None or len(footprint.at) != 3:
        return None
    width, height = footprint.at[0], footprint.at[1]
    pairs = [(int(w), int(h)) for w, h in sizes]
    smaller = [s for s in pairs if s[0] * s[1] < width * height]
    same_way = [s for s in smaller if (s[0] >= s[1]) == (width >= height)] or smaller
    return max(same_way, key=lambda s: s[0] * s[1]) if same_way else None
