"""`shotline info PROJECT`: what is in a project, headless (tracks, length, offline media)."""

from __future__ import annotations

import argparse
import json

from engine.interchange.opening import open_timeline
from engine.project import document, foreign, trackedit
from engine.project.times import timecode


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", help="a project (.otio) or another editor's timeline (.edl, .xml, .aaf, ...)"
    )
    parser.add_argument("--rate", help="frame rate of an EDL (it records none)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from engine.cli.convert import parse_rate

    loaded = open_timeline(args.project, rate=parse_rate(args.rate))
    timeline = loaded.timeline
    s = document.settings(timeline)
    tracks = [
        {
            "name": t.name,
            "kind": "video" if t.kind == document.VIDEO else "audio",
            "clips": sum(1 for i in t if i.schema_name() == "Clip"),
            "frames": trackedit.track_end(t, s.rate),
        }
        for t in document.tracks(timeline)
    ]
    frames = max((t["frames"] for t in tracks), default=0)
    summary = {
        "name": timeline.name,
        "rate": s.rate,
        "width": s.width,
        "height": s.height,
        "frames": frames,
        "duration": timecode(frames, s.rate),
        "tracks": tracks,
        "offline": [{"clip": name, "path": path} for name, path in loaded.offline],
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"{timeline.name}: {s.width}x{s.height} at {s.rate:.3f} fps, {summary['duration']} long")
    for t in tracks:
        print(f"  {t['name']:<6} {t['kind']:<5} {t['clips']:>4} clip(s)  {timecode(t['frames'], s.rate)}")
    for name in foreign.kept_track_names(timeline):
        print(f"  {name:<6} kept, not played (neither video nor audio)")
    for item in summary["offline"]:
        print(f"  offline: {item['clip']}: {item['path']}")
    return 0
