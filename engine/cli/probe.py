"""`shotline probe FILE [--json]`: what a media file is, as Shotline sees it."""

from __future__ import annotations

import argparse
import json

from engine.media.probe import probe


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a video, audio or image file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    info = probe(args.file)
    if args.json:
        print(json.dumps(info.to_json()))
        return 0
    duration = f"{float(info.duration):.3f} s" if info.duration is not None else "still"
    print(f"{info.path}: {info.kind}, {duration}")
    if info.video:
        v = info.video
        extra = f", rotated {v.rotation}°" if v.rotation else ""
        extra += ", variable frame rate" if v.vfr else ""
        rate = "" if info.kind == "image" else f", {float(v.rate):.3f} fps"
        print(f"  picture: {v.width}x{v.height} {v.codec} {v.bit_depth}-bit{rate}{extra}")
    if info.audio:
        print(f"  sound: {info.audio.sample_rate} Hz, {info.audio.channels} channel(s), {info.audio.codec}")
    return 0
