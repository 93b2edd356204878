"""Draft quality: the model's own work reused between denoising steps, for a fast first look.

diffusers 0.42 caches a transformer's blocks between steps through
`transformer.enable_cache(config)`: FirstBlockCache skips the remaining
blocks when the first block's output barely changed; TaylorSeer predicts
features from earlier steps (the one that accepts LTX-2's blocks). The
cache is switched off again after the job, so a pooled model serves the next
Final job with its real steps. A distilled checkpoint needs no cache: its
own few steps are the draft (engine.generate.video.choices.draft_method).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from engine.generate.video.choices import FIRST_BLOCK_CACHE, TAYLORSEER_CACHE


def _config(method: str) -> Any:
    import diffusers

    if method == FIRST_BLOCK_CACHE:
        return diffusers.FirstBlockCacheConfig(threshold=0.2)
    return diffusers.TaylorSeerCacheConfig(cache_interval=3, disable_cache_before_step=2)


@contextmanager
def step_cache(pipe: Any, method: str | None) -> Iterator[list[str]]:
    """Run the `with` body with `method`'s cache on the pipeline's transformers; yields what was cached.

    A method that is not a cache (None, "distilled steps") changes nothing.
    """
    cached: list[Any] = []
    if method in (FIRST_BLOCK_CACHE, TAYLORSEER_CACHE):
        for name in ("transformer", "transformer_2"):
            model = getattr(pipe, name, None)
            if model is not None and hasattr(model, "enable_cache"):
                model.enable_cache(_config(method))
                cached.append(model)
    try:
        yield [type(m).__name__ for m in cached]
    finally:
        for model in cached:
            model.disable_cache()
