"""A job spec and the key it is cached under.

A spec is plain JSON: the task, its parameters, and a priority. Its key is a
hash of the normalized spec (sorted keys, parameters that do not change the
output left out, files named by content as well as path), so resubmitting an
identical request, from the editor or the command line, finds the result
already made, and changing anything that matters makes a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.project.mediapaths import file_identity

#: Bumped when a backend's output for the same spec changes, so old cache entries are not reused.
RECIPE_VERSION = 1
#: Parameters that say how to run a job, not what it makes.
NOT_IN_KEY = frozenset(
    {"title", "device", "cpu_offload", "vae_tiling", "vram_gb", "clip_id", "priority", "cache_dir"}
)
#: Parameters that name input files: their content is part of the key.
FILE_PARAMS = frozenset({"image", "last_image", "input", "mask", "src_audio"})
#: Parameters that list input files (paths, or {"path", "name"}): each file's content is in the key.
FILE_LIST_PARAMS = frozenset({"references"})


@dataclass(frozen=True)
class JobSpec:
    task: str
    params: dict[str, Any] = field(default_factory=dict)
    priority: int = 0  # higher runs first among queued jobs of the same lane
    backend: str | None = None  # None: the task's default

    @classmethod
    def from_json(cls, data: Any) -> JobSpec:
        if not isinstance(data, dict):
            raise GenerateError("A job spec must be an object with a task and params")
        task = data.get("task")
        params = data.get("params", {})
        if not isinstance(task, str) or not task:
            raise GenerateError("A job spec needs a task, such as video.generate")
        if not isinstance(params, dict):
            raise GenerateError("A job spec's params must be an object")
        priority = data.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise GenerateError("priority must be a whole number")
        backend = data.get("backend")
        if backend is not None and not isinstance(backend, str):
            raise GenerateError("backend must be a name")
        try:
            json.dumps(params)
        except (TypeError, ValueError):
            raise GenerateError("A job spec's params must be plain JSON values") from None
        return cls(task, dict(params), priority, backend)

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "params": self.params, "priority": self.priority, "backend": self.backend}

    @property
    def title(self) -> str:
        return str(self.params.get("title") or self.task)


def submit_spec(
    task: str,
    params: dict[str, Any],
    backend: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """A job as the engine's `submit` takes it; backend and cache folder only when chosen.

    Leaving them out (rather than sending null) keeps a spec's cache key the
    same whether or not a caller knew the defaults.
    """
    if cache_dir is not None:
        params = {**params, "cache_dir": str(cache_dir)}
    spec: dict[str, Any] = {"task": task, "params": params}
    if backend:
        spec["backend"] = backend
    return spec


def _file_identity(path: str) -> dict[str, Any]:
    """A file as the key sees it: where it is, and a hash of what is in it."""
    try:
        digest = hashlib.sha256()
        # a folder (a mask folder) is named by the names and contents of the files in it
        files = [Path(path)]
        if os.path.isdir(path):
            files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        for file in files:
            if file != Path(path):
                digest.update(str(file.relative_to(path)).encode() + b"\0")
            with open(file, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        return {"path": os.path.abspath(path), "sha256": digest.hexdigest()}
    except OSError:
        return {"path": os.path.abspath(path), "sha256": None}


def normalized(spec: JobSpec, backend: str) -> dict[str, Any]:
    params = {k: v for k, v in spec.params.items() if k not in NOT_IN_KEY and v is not None}
    for key in FILE_PARAMS & params.keys():
        params[key] = _file_identity(str(params[key]))
    for key in FILE_LIST_PARAMS & params.keys():
        if isinstance(params[key], list):
            params[key] = [_listed_file(item) for item in params[key]]
    return {"recipe": RECIPE_VERSION, "task": spec.task, "backend": backend, "params": params}


def _listed_file(item: Any) -> Any:
    """One entry of a file list as the key sees it: the file's identity (and the name it was given)."""
    if isinstance(item, str):
        return file_identity(item)
    if isinstance(item, dict) and isinstance(item.get("path"), str):
        return {**item, **file_identity(item["path"])}
    return item


def cache_key(spec: JobSpec, backend: str) -> str:
    text = json.dumps(normalized(spec, backend), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def default_cache_dir(project: str | os.PathLike[str] | None = None) -> Path:
    """The project's cache folder (beside the project), or the per-user one without a project."""
    if project:
        return Path(project).absolute().parent / "shotline-cache"
    from engine.paths import data_dir

    return data_dir() / "cache"
