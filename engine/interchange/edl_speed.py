"""Speed (M2) events in a CMX 3600 EDL: the source out point other editors expect.

An M2 line gives an event's play speed in frames per second; the event's
source in/out are the source frames it covers, so at 200% a 10-frame record
covers 20 source frames: source out = source in + record length x speed.
Avid writes it so (OpenTimelineIO's own sample ``speed_effects_small.edl``:
36 record frames at 46.66 fps in 24 cover 70 source frames), and
OpenTimelineIO issue #1458 reports the cmx_3600 adapter's writer getting it
backwards: it writes in + record length / speed (a 200% clip claimed 5
source frames, a 50% clip 80, past the end of short media). Shotline's EDL
export rewrites each M2 event's source out after the adapter has written
the file. Reading needs no fix for such files: the adapter's reader takes
the clip's source in, the record length and the M2 speed, and ignores the
source out.

Resolve writes the source range of a sped-up clip as if it played at normal
speed (source length = record length, OpenTimelineIO issue #948), which the
adapter reads as no speed at all; `read_speeds` gives those clips the M2
line's speed from the text, so a Resolve speed change plays too.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import opentimelineio as otio

from engine.project.times import rate_fraction

_TC = r"\d\d:\d\d:\d\d[:;.,]\d\d"
EVENT = re.compile(
    rf"^(?P<num>\d+)\s+(?P<reel>\S+)\s+(?P<channels>\S+)\s+(?P<trans>\S+)(?:\s+(?P<length>\d+))?\s+"
    rf"(?P<src_in>{_TC})\s+(?P<src_out>{_TC})\s+(?P<rec_in>{_TC})\s+(?P<rec_out>{_TC})\s*$"
)
_M2 = re.compile(rf"^M2\s+(?P<name>.*?)\s+(?P<speed>-?\d+(?:\.\d*)?)\s+(?P<tc>{_TC})\s*$")


def frames(tc: str, rate: float) -> int:
    """A timecode as a frame count at the EDL's rate."""
    return round(otio.opentime.from_timecode(tc.replace(";", ":").replace(",", ":"), rate).value)


def _speed(fps: str, rate: float) -> Fraction:
    """The M2 line's frames per second as a multiple of the EDL's rate, exactly."""
    return Fraction(fps) / rate_fraction(rate)


def fix_source_outs(text: str, rate: float) -> str:
    """Each forward M2 event's source out set to source in + record length x speed: the source
    frames it plays, a part-frame rounded up as `timewarp` counts the media a clip covers."""
    lines = text.split("\n")
    block: list[int] = []  # the lines of the current event number
    number = None
    for index, line in enumerate(lines):
        event = EVENT.match(line)
        if event:
            if event["num"] != number:
                block, number = [], event["num"]
            block.append(index)
            continue
        m2 = _M2.match(line)
        if not m2:
            continue
        speed = _speed(m2["speed"], rate)
        if speed <= 0:
            continue  # a freeze frame (FF) covers its one frame already; reverse is not written
        for at in reversed(block):
            found = EVENT.match(lines[at])
            if found and frames(found["src_in"], rate) == frames(m2["tc"], rate):
                length = frames(found["rec_out"], rate) - frames(found["rec_in"], rate)
                out = frames(found["src_in"], rate) + math.ceil(length * speed)
                timecode = otio.opentime.to_timecode(otio.opentime.RationalTime(out, rate), rate)
                start, end = found.span("src_out")
                lines[at] = lines[at][:start] + timecode + lines[at][end:]
                break
    return "\n".join(lines)


def read_speeds(timeline: otio.schema.Timeline, text: str, rate: float) -> None:
    """A clip whose event has an M2 speed the adapter did not read (its source length equals its
    record length, as Resolve writes them) plays at that speed over the same record length."""
    speeds: dict[tuple[int, int], Fraction] = {}  # (source in, record in) -> speed
    pending: list[re.Match[str]] = []
    for line in text.splitlines():
        event = EVENT.match(line)
        if event:
            if pending and event["num"] != pending[-1]["num"]:
                pending = []
            pending.append(event)
            continue
        m2 = _M2.match(line)
        if not m2:
            continue
        for found in pending:
            if frames(found["src_in"], rate) == frames(m2["tc"], rate):
                key = (frames(found["src_in"], rate), frames(found["rec_in"], rate))
                speeds[key] = _speed(m2["speed"], rate)
    if not speeds:
        return
    for track in timeline.tracks:
        if not isinstance(track, otio.schema.Track):
            continue
        for clip in track.find_clips():
            if clip.effects or clip.source_range is None:
                continue
            record_in = track.range_of_child(clip).start_time
            if track.source_range is not None:  # the reader starts the track at its first record in
                record_in = record_in - track.source_range.start_time
            key = (
                round(clip.source_range.start_time.value_rescaled_to(rate)),
                round(record_in.value_rescaled_to(rate)),
            )
            speed = speeds.get(key)
            if speed is None or speed == 1:
                continue
            if speed == 0:
                clip.effects.append(otio.schema.FreezeFrame())
            elif speed > 0:
                clip.effects.append(otio.schema.LinearTimeWarp(name="Speed", time_scalar=float(speed)))
