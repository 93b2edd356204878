"""What a task package declares: its name, its request parser, its backends and its default.

Each package under engine/generate (video, inpaint, extend, score, voice…)
holds one task whole (request, no-download backend, GPU backends, timeline
edit) and says what it is in a `TASK` in its `__init__`. The registry reads
those declarations, and the editor reads the same ones to list the default
backend before the engine process has answered. A declaration names its
parser and backends as "module:attribute" and imports nothing: they are
imported when the registry is built, so listing tasks never pays for
OpenCV or torch, and the editor can import a task package's light modules
without reaching, even lazily, the GPU backends (import-linter checks it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.generate.base import Backend


@dataclass(frozen=True)
class TaskDeclaration:
    name: str  # as a job spec names it: "video.generate"
    label: str  # as a person reads it: "Generate video"
    default: str  # the backend that needs no download and runs on any CPU
    default_label: str  # that backend's label, shown before the engine has answered
    parse: str  # "module:Class.from_params": a job's params -> the request its backends take
    #: "module:factory", each a backend class or a function returning a list of backends
    backends: tuple[str, ...]
    #: "module:function" choosing the default from the backends when it depends on what is
    #: installed (voice: Piper when it has a voice)
    choose_default: str | None = None

    def parser(self) -> Callable[[dict[str, Any]], Any]:
        return resolve(self.parse)

    def make_backends(self) -> list[Backend]:
        made: list[Backend] = []
        for name in self.backends:
            value = resolve(name)()
            made.extend(value if isinstance(value, list) else [value])
        return made

    def default_of(self, backends: list[Backend]) -> str:
        return resolve(self.choose_default)(backends) if self.choose_default else self.default

    def fallback_backends(self) -> list[dict[str, Any]]:
        """The backend list as the engine's `initialize` describes it, with only the default."""
        return [{"name": self.default, "label": self.default_label, "ready": True, "default": True}]


def resolve(name: str) -> Any:
    """The object a "package.module:attribute.attribute" name points to."""
    module, _, attributes = name.partition(":")
    found: Any = importlib.import_module(module)
    for attribute in attributes.split("."):
        found = getattr(found, attribute)
    return found
