"""`shotline new PROJECT.otio --size 1080x1920 --fps 30`: an empty project with chosen sequence settings."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.errors import ProjectFileError
from engine.project import persistence
from engine.project.document import AUDIO_SAMPLE_RATE, SAMPLE_RATES, new_project
from engine.project.sequence import RATE_LABELS, check_rate, parse_size


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="the .otio file to write")
    parser.add_argument("--size", default="1920x1080", help="frame size WIDTHxHEIGHT (default 1920x1080)")
    parser.add_argument("--fps", default="30", help=f"frame rate: {', '.join(RATE_LABELS)} (default 30)")
    parser.add_argument(
        "--sample-rate",
        type=int,
        default=AUDIO_SAMPLE_RATE,
        choices=SAMPLE_RATES,
        help=f"audio sample rate of the export (default {AUDIO_SAMPLE_RATE})",
    )
    parser.add_argument("--name", help="the sequence's name (default: the file's name)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")


def run(args: argparse.Namespace) -> int:
    path = Path(args.project)
    if path.suffix.lower() != ".otio":
        raise ProjectFileError(f"{path.name}: a project file ends in .otio")
    if path.exists() and not args.force:
        raise ProjectFileError(f"{path} already exists (use --force to replace it)")
    width, height = parse_size(args.size)
    rate = check_rate(args.fps)
    timeline = new_project(
        args.name or path.stem, rate=rate, size=(width, height), sample_rate=args.sample_rate
    )
    persistence.save(timeline, path)
    print(f"{path}: {width}x{height} at {float(rate):g} fps, {args.sample_rate} Hz")
    return 0
