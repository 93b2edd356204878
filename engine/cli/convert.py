"""`shotline convert IN OUT`: a timeline from one editor's format to another's, by file extension.

Formats: .otio, .otioz, .otiod, .edl, .xml (FCP 7), .fcpxml, .aaf, .kdenlive.
What the output cannot carry is printed as one warning line on stderr; a
file holding several timelines names them unless ``--timeline`` picks one.
"""

from __future__ import annotations

import argparse
import sys

from engine.errors import ProjectFileError
from engine.interchange.adopt import SeveralTimelines
from engine.interchange.finishing import export_timeline
from engine.interchange.formats import FORMATS, format_for
from engine.interchange.opening import open_timeline
from engine.project.times import rate_fraction


def add_args(parser: argparse.ArgumentParser) -> None:
    formats = ", ".join(FORMATS)
    parser.add_argument("input", help=f"the timeline to read ({formats})")
    parser.add_argument("output", help="the file to write; its extension names the format")
    parser.add_argument("--rate", help="frame rate of an EDL (it records none), e.g. 25 or 29.97")
    parser.add_argument(
        "--timeline", help="which timeline of a file holding several: its name or number (1..)"
    )


def parse_rate(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        rate = rate_fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ProjectFileError(f"{text!r} is not a frame rate") from None
    if rate <= 0:
        raise ProjectFileError(f"{text!r} is not a frame rate")
    return float(rate)


def run(args: argparse.Namespace) -> int:
    rate = parse_rate(args.rate)
    format_for(args.output)  # an output Shotline cannot write is said before any reading
    try:
        loaded = open_timeline(args.input, rate=rate, timeline=args.timeline)
    except SeveralTimelines as error:
        raise ProjectFileError(f"{error} with --timeline NAME or --timeline N") from None
    result = export_timeline(loaded.timeline, args.output, rate=rate)
    if result.warning:
        print(f"shotline convert: warning: {result.warning}", file=sys.stderr)
    for name, media in loaded.offline:
        print(f"shotline convert: offline: {name}: {media}", file=sys.stderr)
    for path in result.paths:
        print(path)
    return 0
