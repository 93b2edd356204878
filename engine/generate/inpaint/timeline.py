"""From a masked clip on the timeline to a `video.inpaint` job spec, and from its result to a take.

The take keeps the source media's frame rate and length: an inpainted
clip is the same shot with the mask's content painted out, so it drops in
as another take of the same clip and plays the same frames.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from engine.generate.inpaint import TASK
from engine.generate.results import video_result
from engine.jobs.spec import submit_spec
from engine.project.clips import media_reference
from engine.project.provenance import Provenance


def inpaint_spec(
    media: str | os.PathLike[str],
    mask: str | os.PathLike[str],
    seed: int,
    *,
    title: str,
    clip_id: str | None = None,
    prompt: str = "",
    backend: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The job that paints `mask` (a mask folder) out of `media`; the frames to work on come later.

    The first frame and the count are the part of the media the clip shows,
    known only once the media is probed, which the editor does off the GUI
    thread just before sending (params "start" and "frames").
    """
    params: dict[str, Any] = {"input": str(media), "mask": str(mask), "seed": int(seed), "title": title}
    if clip_id is not None:
        params["clip_id"] = clip_id
    if prompt:
        params["prompt"] = prompt
    return submit_spec(TASK.name, params, backend, cache_dir)


def inpainted_take(
    result: dict[str, Any], media_rate: Fraction | None
) -> tuple[otio.schema.ExternalReference, Provenance]:
    """The take of a finished video.inpaint job: its file, at the source media's rate, with provenance."""
    path, made, frames, rate = video_result(result, TASK.name, media_rate=media_rate)
    seconds = otio.opentime.RationalTime(frames, float(rate))
    available = otio.opentime.TimeRange(otio.opentime.RationalTime(0, float(rate)), seconds)
    return media_reference(path.as_uri(), available), Provenance.from_dict(made)
