"""Writing generated shots as mezzanine files: intermediates that export will encode again.

A generated take is re-encoded at delivery, so it is stored at a quality
where a second generation loss does not show: H.264 at CRF 10 (visually
lossless), 4:2:0 BT.709 like the rest of the pipeline, with a short GOP so
the editor can scrub it without long decodes. Files are written under a
temporary name and renamed when complete, with durations that read back
exactly (engine.media.mp4).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from engine.errors import GenerateError
from engine.media.mp4 import exact_mp4_options
from engine.render.picture import frame_from_rgb, tag_bt709

MEZZANINE_CRF = 10
KEYFRAME_INTERVAL = 12


def x264_stream(
    container: av.container.OutputContainer, rate: Fraction, size: tuple[int, int], options: dict[str, str]
) -> av.VideoStream:
    """An H.264 4:2:0 BT.709 stream at `rate` with a keyframe every KEYFRAME_INTERVAL frames (for seeking)."""
    stream = container.add_stream("libx264", rate=rate)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    stream.time_base = 1 / rate
    stream.codec_context.time_base = 1 / rate
    stream.options = {**options, "g": str(KEYFRAME_INTERVAL)}
    tag_bt709(stream)
    return stream


def write_video(
    path: Path,
    frames: Iterable[np.ndarray],
    rate: Fraction,
    size: tuple[int, int],
    on_frame: Callable[[int], None] | None = None,
) -> int:
    """Encode RGB frames to `path` (an .mp4); returns how many were written."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.part")
    written = 0
    try:
        with av.open(str(temp), "w", format="mp4", options=exact_mp4_options(rate)) as container:
            stream = x264_stream(container, rate, size, {"crf": str(MEZZANINE_CRF), "preset": "fast"})
            stream.codec_context.thread_type = "FRAME"
            for rgb in frames:
                if rgb.shape[:2] != (size[1], size[0]):
                    raise GenerateError(
                        f"A frame of {rgb.shape[1]}x{rgb.shape[0]} is not {size[0]}x{size[1]}"
                    )
                frame = frame_from_rgb(rgb)
                frame.pts = written
                frame.time_base = 1 / rate
                container.mux(stream.encode(frame))
                written += 1
                if on_frame is not None:
                    on_frame(written)
            container.mux(stream.encode())
        os.replace(temp, path)
    except OSError as error:
        raise GenerateError(f"Cannot write {path.name}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return written
