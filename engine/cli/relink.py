"""`shotline relink PROJECT --search FOLDER [--recursive] [-o OUT]`: find offline media in a folder.

Matches by file name, then by name without extension, then by duration;
clips that name no file (EDL, AAF) by their clip or reel name. Every file is
probed again: one too short for its clip is refused, one at another rate is
relinked with a note. Prints how many clips were relinked and which stay
offline; the project is saved to OUT (or in place for an .otio project).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.errors import ProjectFileError
from engine.interchange.finishing import export_timeline
from engine.interchange.opening import open_timeline
from engine.interchange.relink import relink_folder
from engine.project import persistence


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", help="the project (.otio) or another editor's timeline (.edl, .xml, .aaf, ...)"
    )
    parser.add_argument("--search", required=True, help="the folder to look for media in")
    parser.add_argument("--recursive", action="store_true", help="look in its subfolders too")
    parser.add_argument(
        "-o", "--output", help="where to save the relinked project (default: in place, .otio only)"
    )
    parser.add_argument("--rate", help="frame rate of an EDL (it records none)")


def run(args: argparse.Namespace) -> int:
    from engine.cli.convert import parse_rate

    source = Path(args.project)
    output = Path(args.output) if args.output else source
    if args.output is None and source.suffix.lower() != ".otio":
        raise ProjectFileError(
            f"{source.name} is not a Shotline project; say where to save the result with -o OUT"
        )
    loaded = open_timeline(source, rate=parse_rate(args.rate))
    _, report = relink_folder(loaded.timeline, args.search, recursive=args.recursive)
    if output.suffix.lower() == ".otio":
        persistence.save(loaded.timeline, output)
    else:
        export_timeline(loaded.timeline, output)
    for line in report.summary():
        print(line)
    return 0
