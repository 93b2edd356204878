"""Provenance: everything needed to make a generated take again, exactly.

It lives in the take's media reference, ``reference.metadata["shotline"]``,
next to the flag ``generated: true``, so it travels with the project file and
survives in other OTIO tools as plain metadata. Unknown keys from newer
versions are kept in `extra`, never dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

import opentimelineio as otio

from engine.errors import EditError, ShotlineError
from engine.results import manifest_of


@dataclass(frozen=True)
class Provenance:
    task: str
    backend: str
    model_id: str = ""
    model_revision: str = ""  # a hub revision, or the local folder the model was loaded from
    prompt: str = ""
    negative_prompt: str = ""
    seed: int | None = None
    steps: int | None = None
    guidance: float | None = None
    references: tuple[str, ...] = ()
    mask: str | None = None
    engine_version: str = ""
    library_versions: dict[str, str] = field(default_factory=dict)
    width: int | None = None
    height: int | None = None
    frames: int | None = None
    rate: str | None = None  # exact, e.g. "30000/1001"
    duration: str | None = None  # seconds as an exact fraction string
    created: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["references"] = list(self.references)
        extra = data.pop("extra")
        return {**extra, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {k: _plain(v) for k, v in data.items() if k in known}
        extra = {k: _plain(v) for k, v in data.items() if k not in known and k not in ("generated", "still")}
        if "task" not in values or "backend" not in values:
            raise EditError("This take's provenance names no task or backend")
        try:
            values["references"] = tuple(str(r) for r in values.get("references") or ())
            for key in ("seed", "steps", "width", "height", "frames"):
                if values.get(key) is not None:
                    values[key] = int(values[key])
            if values.get("guidance") is not None:
                values["guidance"] = float(values["guidance"])
        except (TypeError, ValueError) as error:
            raise EditError(f"This take's provenance has a malformed value: {error}") from None
        return cls(**values, extra=extra)

    @staticmethod
    def now() -> str:
        return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _plain(value: Any) -> Any:
    """OTIO's AnyDictionary/AnyVector as plain dicts and lists."""
    if isinstance(value, dict | otio._otio.AnyDictionary):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | otio._otio.AnyVector):
        return [_plain(v) for v in value]
    return value


#: What a take's reference records beside its provenance: how it plays (a still, its in point) and the
#: sound made with it (engine/project/take_sound.py).
TAKE_KEYS = ("still", "source_start", "sound", "sound_heard")


def attach(reference: otio.core.MediaReference, provenance: Provenance) -> None:
    """Record a generated take's provenance on its media reference (keeping other Shotline keys)."""
    meta = reference.metadata.get("shotline", {})
    kept = {k: meta[k] for k in TAKE_KEYS if k in meta}
    reference.metadata["shotline"] = {**kept, "generated": True, **provenance.to_dict()}


def read(reference: otio.core.MediaReference | None) -> Provenance | None:
    """The provenance of a take, or None for footage that was not generated."""
    if reference is None:
        return None
    meta = reference.metadata.get("shotline", {})
    if not meta.get("generated"):
        return None
    data = _plain(meta)
    for key in TAKE_KEYS:
        data.pop(key, None)
    return Provenance.from_dict(data)


def provenance_of(path: str | os.PathLike[str]) -> Provenance | None:
    """How the generation result at `path` was made, or None for anything else (or a damaged manifest)."""
    manifest = manifest_of(path)
    if manifest is None:
        return None
    made = manifest.get("provenance")
    if not isinstance(made, dict):
        return None
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    made = dict(made)
    made.setdefault("task", spec.get("task") or "video.generate")
    made.setdefault("backend", spec.get("backend") or "unknown")
    try:
        return Provenance.from_dict(made)
    except (ShotlineError, TypeError):
        return None
