"""`shotline export PROJECT -o OUT.mp4`: the timeline to an MP4, headless.

On a terminal a progress bar with the ETA redraws in place on stderr; piped
or in a script the command is quiet unless something goes wrong. Ctrl+C
stops the export and leaves no partial file.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.progress import ProgressBar
from engine.errors import ExportError
from engine.export.mp4 import export_mp4, timeline_frames
from engine.export.presets import CAPTIONS, PRESET_HELP, PRESETS, SRT, X264_PRESETS, preset
from engine.export.subtitles import write_srt_beside
from engine.project import persistence
from engine.project.times import rate_fraction
from engine.render.loudness import describe
from engine.render.picture import CROP, FIT


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="an .otio project (any OTIO file with video and audio tracks)")
    parser.add_argument("-o", "--output", required=True, help="the .mp4 file to write")
    names = "; ".join(f"{name}: {text}" for name, text in PRESET_HELP.items())
    parser.add_argument("--preset", default="project", choices=sorted(PRESETS), help=names)
    parser.add_argument("--width", type=int, help="frame width (even)")
    parser.add_argument("--height", type=int, help="frame height (even)")
    parser.add_argument("--fps", help="frame rate, e.g. 25, 29.97 or 30000/1001 (default: the project's)")
    parser.add_argument("--crf", type=int, help="x264 quality, 0 (lossless) to 51; lower is better")
    parser.add_argument("--x264-preset", choices=X264_PRESETS, help="x264 speed/size trade-off")
    parser.add_argument("--fit", choices=(FIT, CROP), help="fit (bars) or crop when the shape differs")
    parser.add_argument(
        "--captions",
        choices=CAPTIONS,
        default=SRT,
        help="the dialogue's subtitles: an SRT beside the MP4 (srt, the default), also a subtitle "
        "stream in it (embed), or also drawn into the picture (burn)",
    )
    parser.add_argument("--mark-in", dest="in_frame", type=int, help="first frame to export (the In mark)")
    parser.add_argument(
        "--mark-out", dest="out_frame", type=int, help="last frame to export (the Out mark, included)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        rate = rate_fraction(args.fps) if args.fps else None
    except (ValueError, ZeroDivisionError):
        raise ExportError(f"{args.fps!r} is not a frame rate") from None
    settings = preset(
        args.preset,
        width=args.width,
        height=args.height,
        rate=rate,
        crf=args.crf,
        x264_preset=args.x264_preset,
        fit=args.fit,
        captions=args.captions,
    )
    loaded = persistence.load(args.project)
    span = None
    if args.in_frame is not None or args.out_frame is not None:
        first = args.in_frame or 0
        last = args.out_frame if args.out_frame is not None else timeline_frames(loaded.timeline) - 1
        if first < 0 or last < first:
            raise ExportError(
                f"--mark-in {first} --mark-out {last} is not a range (In at or before Out, from 0)"
            )
        span = (first, last + 1)
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = export_mp4(loaded.timeline, args.output, settings, progress=bar, span=span)
    finally:
        if bar is not None:
            bar.finish()
    captions = write_srt_beside(loaded.timeline, result.path)
    if bar is not None and captions is not None:
        print(f"{captions}: the dialogue's subtitles", file=sys.stderr)
    if bar is not None:
        width, height = result.size
        print(
            f"{result.path}: {result.frames} frames, {width}x{height} at {float(result.rate):g} fps "
            f"in {result.seconds:.1f} s",
            file=sys.stderr,
        )
        print(f"{result.path}: loudness {describe(result.loudness)} integrated (EBU R128)", file=sys.stderr)
    return 0
