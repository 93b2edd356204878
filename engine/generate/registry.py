"""Which backends can do which task, read from the tasks' own declarations.

Each package under engine/generate that declares a `TASK`
(engine.generate.task) is a task: the registry finds them by looking, so a
new task (image, say) is a new package and nothing else. Diffusers backends
are registered like any other but import torch only when they run or are
asked whether they are ready, so listing tasks stays fast and works without
the `ai` extra.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import engine.generate
from engine.errors import GenerateError
from engine.generate.base import Backend
from engine.generate.task import TaskDeclaration


@cache
def declarations() -> dict[str, TaskDeclaration]:
    """Every task this build knows, by name (the packages' `TASK`s; nothing heavy is imported)."""
    found: dict[str, TaskDeclaration] = {}
    for module in pkgutil.iter_modules(engine.generate.__path__):
        if not module.ispkg:
            continue
        declared = getattr(importlib.import_module(f"engine.generate.{module.name}"), "TASK", None)
        if isinstance(declared, TaskDeclaration):
            if declared.name in found:
                raise ValueError(f"Two packages declare the task {declared.name}")
            found[declared.name] = declared
    return dict(sorted(found.items()))


def declaration(task: str) -> TaskDeclaration:
    try:
        return declarations()[task]
    except KeyError:
        known = ", ".join(declarations()) or "none"
        raise GenerateError(f"Unknown task {task!r}; this engine does: {known}") from None


def fallback_backends(task: str) -> list[dict[str, Any]]:
    """What a client shows for `task` until the engine has answered: the default alone."""
    return declaration(task).fallback_backends()


class Registry:
    def __init__(self) -> None:
        self._backends: dict[str, dict[str, Backend]] = {}
        self._defaults: dict[str, str] = {}
        self._parsers: dict[str, Any] = {}

    def register(self, backend: Backend, default: bool = False) -> None:
        by_name = self._backends.setdefault(backend.task, {})
        if backend.name in by_name:
            raise ValueError(f"Two {backend.task} backends are called {backend.name}")
        by_name[backend.name] = backend
        if default or backend.task not in self._defaults:
            self._defaults[backend.task] = backend.name

    def declare(self, task: TaskDeclaration) -> None:
        """Register a task as its package declares it: its parser, its backends and its default."""
        backends = task.make_backends()
        default = task.default_of(backends)
        self._parsers[task.name] = task.parser()
        for backend in backends:
            self.register(backend, default=backend.name == default)

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
        parse = self._parsers.get(task) or declaration(task).parser()
        return parse(params)


def default_registry() -> Registry:
    """Every task this build declares, with every backend, each task's default first."""
    registry = Registry()
    for task in declarations().values():
        registry.declare(task)
    return registry
