"""Which backends can do which task, and how a task's parameters are read.

Backends register by task; each task names its default (the one that needs
no download). Diffusers backends are registered like any other but import
torch only when they run or are asked whether they are ready, so listing
tasks stays fast and works without the `ai` extra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.errors import GenerateError
from engine.generate.base import Backend
from engine.generate.inpaint_request import InpaintRequest
from engine.generate.requests import VideoRequest
from engine.generate.score import ScoreRequest
from engine.generate.voice_request import VoiceRequest


def _extend_request(params: dict[str, Any]) -> Any:
    from engine.generate.extend import ExtendRequest  # probes the input: imported when a job needs it

    return ExtendRequest.from_params(params)


#: task -> how its parameters are checked and turned into a request
TASKS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "video.generate": VideoRequest.from_params,
    "voice.speak": VoiceRequest.from_params,
    "video.inpaint": InpaintRequest.from_params,
    "music.score": ScoreRequest.from_params,
    "video.extend": _extend_request,
}


class Registry:
    def __init__(self) -> None:
        self._backends: dict[str, dict[str, Backend]] = {}
        self._defaults: dict[str, str] = {}

    def register(self, backend: Backend, default: bool = False) -> None:
        by_name = self._backends.setdefault(backend.task, {})
        if backend.name in by_name:
            raise ValueError(f"Two {backend.task} backends are called {backend.name}")
        by_name[backend.name] = backend
        if default or backend.task not in self._defaults:
            self._defaults[backend.task] = backend.name

    def tasks(self) -> list[str]:
        return sorted(self._backends)

    def backends(self, task: str) -> list[Backend]:
        return list(self._backends.get(task, {}).values())

    def default(self, task: str) -> str:
        return self._defaults[task]

    def backend(self, task: str, name: str | None = None) -> Backend:
        if task not in self._backends:
            known = ", ".join(self.tasks()) or "none"
            raise GenerateError(f"Unknown task {task!r}; this engine does: {known}")
        name = name or self._defaults[task]
        try:
            return self._backends[task][name]
        except KeyError:
            known = ", ".join(self._backends[task])
            raise GenerateError(f"No backend {name!r} for {task}; available: {known}") from None

    def request(self, task: str, params: dict[str, Any]) -> Any:
        parse = TASKS.get(task)
        if parse is None:
            raise GenerateError(f"Unknown task {task!r}")
        return parse(params)


def default_registry() -> Registry:
    """Every backend this build knows, defaults first."""
    from engine.generate.animatic import AnimaticBackend
    from engine.generate.extend_diffusers import extend_backends
    from engine.generate.extend_motion import MotionExtendBackend
    from engine.generate.inpaint_opencv import OpenCVInpaintBackend
    from engine.generate.score_composer import ComposerBackend

    registry = Registry()
    registry.register(AnimaticBackend(), default=True)
    _register_voice(registry)
    registry.register(OpenCVInpaintBackend(), default=True)
    registry.register(ComposerBackend(), default=True)
    registry.register(MotionExtendBackend(), default=True)
    for backend in extend_backends():
        registry.register(backend)
    try:
        from engine.generate.diffusers_video import video_backends
        from engine.generate.inpaint_diffusers import inpaint_backends
    except ImportError:  # not written yet in this build, or a broken install: the defaults still work
        return registry
    for backend in [*video_backends(), *inpaint_backends()]:
        registry.register(backend)
    from engine.generate.score_diffusers import music_backends

    for backend in music_backends():
        registry.register(backend)
    return registry


def _register_voice(registry: Registry) -> None:
    from engine.generate.voice_backends import voice_backends

    backends, default = voice_backends()
    for backend in backends:
        registry.register(backend, default=backend.name == default)
