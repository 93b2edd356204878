"""Loaded models kept between jobs, and let go when another model needs the memory.

Loading a video model takes tens of seconds, so the model of the last job
stays loaded: regenerating five shots with one model loads it once. A
single GPU has room for one large model, so asking for a different one
releases the current one first (and returns its memory to the driver).
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Hashable
from typing import Any


class ModelPool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable | None = None
        self._model: Any = None
        self.loads = 0  # how many times a model was actually loaded (for tests and logs)

    @property
    def loaded(self) -> Hashable | None:
        return self._key

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        with self._lock:
            if self._key == key and self._model is not None:
                return self._model
            self._release()
            self._model = load()
            self._key = key
            self.loads += 1
            return self._model

    def release(self) -> None:
        with self._lock:
            self._release()

    def _release(self) -> None:
        if self._model is None:
            return
        self._model = None
        self._key = None
        gc.collect()
        torch = sys.modules.get("torch")  # only if a backend already imported it
        if torch is not None and torch.cuda.is_available():
            torch.cuda.empty_cache()
