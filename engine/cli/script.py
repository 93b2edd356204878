"""`shotline script FILE.fountain -o PROJECT.otio`: a screenplay to a cut, headless.

Reads the screenplay (errors with their line numbers, exit 2, nothing
written), speaks every line of dialogue in its character's voice (the
voice.speak jobs run on the in-process queue and are cached beside the
project), lays the cut out and saves the project atomically. An existing
project is added to: the script's cut goes after what is there, and its
Cast is matched by name. Warnings (a cue without dialogue) are printed,
one a line, with their line numbers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.errors import ShotlineError
from engine.generate.batch import Batch, Outcome
from engine.generate.script_cut import cut_screenplay, dialogue_specs
from engine.generate.video.request import parse_size
from engine.jobs.spec import default_cache_dir
from engine.project import document, persistence
from engine.project.screenplay import ScriptError, parse


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("screenplay", help="a Fountain screenplay (.fountain)")
    parser.add_argument(
        "-o", "--output", required=True, help="the .otio project to write (added to if it exists)"
    )
    parser.add_argument("--fps", default="24", help="frame rate of a new project (default 24)")
    parser.add_argument(
        "--size", default="1920x1080", help="WIDTHxHEIGHT of a new project (default 1920x1080)"
    )


def read_screenplay(path: Path):
    if not path.is_file():
        raise ScriptError(f"{path} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScriptError(f"{path.name} is not UTF-8 text") from None
    except OSError as error:
        raise ScriptError(f"{path.name} cannot be read: {error.strerror or error}") from None
    return parse(text, path.name)


def run(args: argparse.Namespace) -> int:
    source = Path(args.screenplay)
    output = Path(args.output).absolute()
    if not output.parent.is_dir():
        raise ScriptError(f"The folder {output.parent} does not exist")
    screenplay = read_screenplay(source)
    for warning in screenplay.warnings:
        print(f"{source.name}:{warning.line}: {warning.message}", file=sys.stderr)
    if output.exists():
        timeline = persistence.load(output).timeline
    else:
        timeline = document.new_project(
            screenplay.title or source.stem,
            rate=args.fps,
            size=parse_size(args.size),
            video_tracks=1,
            audio_tracks=0,
        )
    specs = dialogue_specs(timeline, screenplay, default_cache_dir(output))
    spoken: dict[int, dict] = {}
    failures: list[str] = []
    lines = list(specs)

    def landed(index: int, outcome: Outcome) -> None:
        if outcome.result is None:
            failures.append(f"line {lines[index]}: {outcome.error}")
        else:
            spoken[lines[index]] = outcome.result

    Batch(len(specs)).run([specs[line] for line in lines], landed)
    if failures:
        raise ShotlineError(f"{len(failures)} line(s) could not be spoken: {'; '.join(failures)}")
    change = cut_screenplay(timeline, screenplay, spoken, source.name)
    persistence.save(timeline, output)
    shots, scenes = len(change.result), len(screenplay.scenes)
    print(f"{output.name}: {scenes} scenes, {shots} shots, {len(specs)} lines of dialogue")
    return 0
