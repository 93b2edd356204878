"""Task `video.extend`: the request, and the file every extend backend writes.

A clip that is a second too short gets N new frames after its last (or
before its first, with `head`). The clip's own frames must come through
untouched, bit for bit: an editor cuts between the original take and the
extended one, and a visible step at the join (or a softer picture for the
whole shot) would make the feature useless. So the source frames are never
converted to RGB and back: they are decoded to YUV 4:2:0, the format the
compositor and encoder work in, and written with lossless H.264 (x264 at
qp 0). Only the new frames go through RGB, because that is what a model or
the motion continuation makes.

Backends only decide what the new frames look like (`Continuation`); this
module reads the context frames they continue from and writes the result, so
every backend preserves the original the same way.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from engine.errors import GenerateError
from engine.generate.mezzanine import x264_stream
from engine.generate.plan_params import plan_param, quality_param, vram_gb_param
from engine.generate.video.request import MAX_FRAMES, _float, _int, input_video, parse_rate, parse_size
from engine.jobs.progress import ENCODING, JobContext
from engine.media.mp4 import exact_mp4_options
from engine.media.probe import probe
from engine.media.video import VideoDecoder
from engine.render.picture import CROP, Picture, frame_from_rgb, from_frame

#: How many of the clip's frames a backend is shown to continue from, at most.
CONTEXT_FRAMES = 16
#: Where writing starts on the job's progress bar; making the new frames comes before.
ENCODE_FROM = 0.8


@dataclass(frozen=True)
class ExtendRequest:
    input: str  # the clip's media file
    start: int  # first source frame the clip uses, at `rate`
    count: int  # how many source frames the clip uses
    frames: int  # how many new frames to make
    head: bool  # add them before the clip's first frame instead of after its last
    rate: Fraction
    width: int
    height: int
    prompt: str = ""
    negative_prompt: str = ""
    seed: int = 0
    steps: int | None = None
    guidance: float | None = None
    model: str | None = None
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: bool = False
    vae_tiling: bool = False
    sound: str | None = None  # the clip's take sound (a WAV from its media's frame 0), continued by LTX-2
    vram_gb: float | None = None  # plan for this much GPU memory instead of what the device reports
    plan: str | None = None  # the plan the user chose in the dialog ("model offload · VAE tiling")
    quality: str = "final"  # "draft": distilled steps or a step cache for a fast first look

    @property
    def total(self) -> int:
        return self.count + self.frames

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ExtendRequest:
        source, info = input_video(params, "extend")
        assert info.video is not None
        rate = parse_rate(params["rate"]) if params.get("rate") else info.video.rate
        if not rate:
            raise GenerateError(f"{Path(source).name} has no frame rate; give one with rate")
        if params.get("size"):
            width, height = parse_size(params["size"])
        elif params.get("width") and params.get("height"):
            width, height = parse_size((params["width"], params["height"]))
        else:
            width, height = info.video.width // 2 * 2, info.video.height // 2 * 2
        available = _available_frames(info, rate)
        start = _int(params, "start", 0, 0, MAX_FRAMES) or 0
        count = _int(params, "count", None, 1, MAX_FRAMES)
        if count is None:
            count = available - start
        if count < 1 or start + count > available:
            raise GenerateError(
                f"{Path(source).name} has {available} frames at {float(rate):g} fps: "
                f"frames {start}-{start + count - 1} are not all in it"
            )
        frames = _int(params, "frames", None, 1, MAX_FRAMES)
        if frames is None:
            raise GenerateError("frames is required: how many frames to add")
        prompt = params.get("prompt", "")
        if not isinstance(prompt, str):
            raise GenerateError("prompt must be text")
        guidance = _float(params, "guidance")
        sound = params.get("sound")
        if sound is not None and not Path(str(sound)).is_file():
            raise GenerateError(f"The clip's sound {sound} does not exist")
        return cls(
            input=str(Path(source).absolute()),
            start=start,
            count=count,
            frames=frames,
            head=bool(params.get("head", False)),
            rate=rate,
            width=width,
            height=height,
            prompt=prompt.strip(),
            negative_prompt=str(params.get("negative_prompt") or ""),
            seed=_int(params, "seed", 0, 0, 2**63 - 1) or 0,
            steps=_int(params, "steps", None, 1, 500),
            guidance=guidance,
            model=str(params["model"]) if params.get("model") else None,
            device=str(params.get("device") or "auto"),
            dtype=str(params.get("dtype") or "auto"),
            cpu_offload=bool(params.get("cpu_offload", False)),
            vae_tiling=bool(params.get("vae_tiling", False)),
            sound=str(sound) if sound else None,
            vram_gb=vram_gb_param(params),
            plan=plan_param(params),
            quality=quality_param(params),
        )

    def provenance(self, **extra: Any) -> dict[str, Any]:
        """The request's part of the new take's provenance; `frames` is the whole take's length."""
        return {
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "seed": self.seed,
            "steps": self.steps,
            "guidance": self.guidance,
            "references": [self.input],
            "width": self.width,
            "height": self.height,
            "frames": self.total,
            "rate": f"{self.rate.numerator}/{self.rate.denominator}",
            "duration": str(Fraction(self.total) / self.rate),
            "extend": {
                "source": self.input,
                "source_start": self.start,
                "source_frames": self.count,
                "added": self.frames,
                "side": "head" if self.head else "tail",
            },
            **extra,
        }


def _available_frames(info: Any, rate: Fraction) -> int:
    if info.duration is None:
        return info.video.frames or 1
    return max(1, math.floor(info.duration * rate + Fraction(1, 1000)))


#: What a continuation returns to hold the clip's nearest frame, bit for bit (a freeze frame).
HOLD = "hold"
#: What a backend supplies: from the context frames (RGB, in time order, nearest the new frames
#: last; reversed for a head extension, so a backend always continues "forward"), the new frames,
#: nearest the clip first, or HOLD.
Continuation = Callable[[list[np.ndarray]], "list[np.ndarray] | str"]


class SourceFrames:
    """The clip's frames as the compositor sees them: YUV 4:2:0 at the request's size."""

    def __init__(self, request: ExtendRequest) -> None:
        self.request = request
        self._decoder = VideoDecoder(request.input)
        self._rotation = probe(request.input).video.rotation

    def close(self) -> None:
        self._decoder.close()

    def __enter__(self) -> SourceFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def picture(self, index: int) -> Picture:
        """Source frame `start + index`, untouched when its size and format are already right."""
        seconds = Fraction(self.request.start + index) / self.request.rate
        frame = self._decoder.frame_at(seconds)
        return from_frame(frame, self._rotation, (self.request.width, self.request.height), CROP)

    def context(self, limit: int = CONTEXT_FRAMES) -> list[np.ndarray]:
        """RGB frames next to the new ones, nearest last (so reversed for a head extension)."""
        request = self.request
        take = min(limit, request.count)
        indices = range(request.count - take, request.count) if not request.head else range(take - 1, -1, -1)
        return [self.picture(i).to_rgb() for i in indices]


def extend_video(
    request: ExtendRequest, context: JobContext, path: Path, continuation: Continuation
) -> dict[str, Any]:
    """Write the extended clip to `path`; the backend's `continuation` makes the new frames.

    Returns facts for the provenance (how many context frames were used).
    """
    with SourceFrames(request) as source:
        shown = source.context()
        context.check_cancelled()
        made = continuation(shown)
        size = (request.width, request.height)
        if isinstance(made, str) and made == HOLD:
            nearest = source.picture(0 if request.head else request.count - 1)
            held = Picture(request.width, request.height, nearest.data.copy())
            new = [held.to_frame() for _ in range(request.frames)]
        else:
            new = _new_frames(made, request)

        def originals() -> Iterator[av.VideoFrame]:
            for i in range(request.count):
                yield source.picture(i).to_frame()

        ordered = _chain(new, originals()) if request.head else _chain(originals(), new)
        write_lossless(path, ordered, request.rate, size, context, request.total)
    return {"context_frames": len(shown)}


def _new_frames(made: list[np.ndarray], request: ExtendRequest) -> list[av.VideoFrame]:
    if len(made) != request.frames:
        raise GenerateError(f"The backend made {len(made)} frames instead of {request.frames}")
    for rgb in made:
        if rgb.shape[:2] != (request.height, request.width):
            raise GenerateError(
                f"A new frame of {rgb.shape[1]}x{rgb.shape[0]} is not {request.width}x{request.height}"
            )
    new = [frame_from_rgb(np.ascontiguousarray(rgb)) for rgb in made]
    if request.head:
        new.reverse()  # made nearest the clip first, i.e. backwards in time
    return new


def _chain(*parts: Any) -> Iterator[av.VideoFrame]:
    for part in parts:
        yield from part


def write_lossless(
    path: Path,
    frames: Iterator[av.VideoFrame],
    rate: Fraction,
    size: tuple[int, int],
    context: JobContext,
    total: int,
) -> int:
    """Encode YUV 4:2:0 frames exactly (x264 qp 0), under a temporary name renamed when complete."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.part")
    written = 0
    try:
        with av.open(str(temp), "w", format="mp4", options=exact_mp4_options(rate)) as container:
            stream = x264_stream(container, rate, size, {"qp": "0", "preset": "veryfast"})
            for frame in frames:
                context.check_cancelled()
                pts, time_base = frame.pts, frame.time_base
                frame.pts = written  # a decoder's own frame may pass through: put its timing back after
                frame.time_base = 1 / rate
                try:
                    container.mux(stream.encode(frame))
                finally:
                    frame.pts = pts
                    if time_base is not None:
                        frame.time_base = time_base
                written += 1
                context.progress(ENCODE_FROM + (1 - ENCODE_FROM) * written / total, ENCODING, written, total)
            container.mux(stream.encode())
        os.replace(temp, path)
    except OSError as error:
        raise GenerateError(f"Cannot write {path.name}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return written
