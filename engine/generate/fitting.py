"""A job run on the plan that fits, stepping down after an out-of-memory error instead of dying of it.

A backend that plans (engine.generate.pipelines.PresetBackend) offers the
ladder of plans from the one the planner chose; the job runs on the first,
and when the GPU runs out of memory anyway (estimates are estimates, and
other programs take memory too) the model is released from the pool and
the job runs again one rung down, at most MAX_RETRIES times, saying why in
its log and its progress. Only the last rung's failure reaches the user.

The model is released after leaving the `except` block, not inside it: the
error's traceback holds the frames that hold the pipeline, so memory is only
returned to the driver once the exception itself is gone.
"""

from __future__ import annotations

import shutil
import sys
from typing import Any

from engine.errors import GenerateError
from engine.generate.base import Output
from engine.generate.planner import Plan
from engine.jobs.progress import LOADING, JobContext

#: How many times a job steps down a plan after running out of GPU memory.
MAX_RETRIES = 2


def out_of_memory(error: BaseException) -> bool:
    """torch's OutOfMemoryError, or any error whose text says the GPU ran out ("CUDA out of memory")."""
    torch = sys.modules.get("torch")
    oom = getattr(torch, "OutOfMemoryError", None) if torch is not None else None
    if oom is not None and isinstance(error, oom):
        return True
    return not isinstance(error, MemoryError) and "out of memory" in str(error).lower()


def run_fitted(backend: Any, request: Any, context: JobContext) -> Output:
    """`backend.run` on the planned ladder (or as it is, for a backend that does not plan)."""
    planner = getattr(backend, "plans", None)
    if planner is None:
        return backend.run(request, context)
    plans: list[Plan] = planner(request)
    for attempt in range(MAX_RETRIES + 1):
        plan = context.plan = plans[attempt]
        context.log(f"Plan: {plan.describe()}")
        try:
            return backend.run(request, context)
        except Exception as error:
            if not out_of_memory(error):
                raise
        # outside the except block: the error (and the pipeline its traceback held) is gone
        if context.models is not None:
            context.models.release()
        _clear(context)
        if attempt == MAX_RETRIES or attempt + 1 >= len(plans):
            raise GenerateError(
                f"Not enough GPU memory even with {plan.step}: try fewer frames or a smaller size"
            )
        following = plans[attempt + 1]
        context.log(f"Out of GPU memory with {plan.step}: trying again with {following.step}")
        context.progress(0.0, f"{LOADING} (out of memory: trying {following.step})")
    raise AssertionError("unreachable")  # the loop returns or raises


def _clear(context: JobContext) -> None:
    """Empty the job's scratch folder: the failed try may have left a part-written file there."""
    if context.workdir is None:
        return
    for entry in context.workdir.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
