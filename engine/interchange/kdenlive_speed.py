"""Speed changes in a Kdenlive project: MLT ``timewarp`` producers, read back.

Kdenlive (and the kdenlive adapter's writer) plays a clip at another speed
through a producer of its own whose ``mlt_service`` is ``timewarp``, whose
``resource`` is ``SPEED:path`` (``warp_speed`` and ``warp_resource`` say the
same), and whose frames are the source's frames divided by the speed: at
200% the timeline entry ``in="5"`` is source frame 10. The adapter's reader
knows only file, colour and bars producers, so such a clip came back as a
clip with no media playing at normal speed.

Before the adapter reads the file, each forward timewarp producer becomes a
plain producer of its file, with its entries' in points in source frames
(their lengths stay the record lengths, as OTIO keeps a sped clip) and its
speed noted in the clip name; after reading, that note becomes OTIO's
``LinearTimeWarp`` on the clip. Reverse (a negative speed) is left as the
adapter reads it.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import PurePath

import opentimelineio as otio
from otio_kdenlive_adapter.adapters.kdenlive import read_property
from otio_kdenlive_adapter.adapters.kdenlive import time as mlt_time

#: Ends a clip name between the rewrite and the adapter's reading: a private-use character
#: no title has, then the speed.
_NOTE = "\ue000shotline-speed:"


def _set_property(producer: ET.Element, name: str, value: str) -> None:
    found = producer.find(f"property[@name='{name}']")
    if found is None:
        found = ET.SubElement(producer, "property", {"name": name})
    found.text = value


def _frames(clock: str | None, rate: float) -> int:
    return round(mlt_time(clock or "0", rate).value)


def _speed_and_path(producer: ET.Element) -> tuple[Fraction, str] | None:
    resource = read_property(producer, "resource")
    speed = read_property(producer, "warp_speed") or resource.split(":", 1)[0]
    path = read_property(producer, "warp_resource") or (resource.split(":", 1)[1] if ":" in resource else "")
    try:
        value = Fraction(speed)
    except (ValueError, ZeroDivisionError):
        return None
    return (value, path) if path else None


def unwarp(text: str) -> str:
    """The project with each forward timewarp producer made a producer of its file, its speed
    noted in the clip name (`read_speeds` turns the note into the clip's speed)."""
    root = ET.fromstring(text)
    profile = root.find("profile")
    if profile is None:
        return text
    rate = float(profile.get("frame_rate_num", "25")) / float(profile.get("frame_rate_den", "1") or 1)
    producers = root.findall("producer")
    plain = {
        read_property(p, "kdenlive:id"): p for p in producers if read_property(p, "mlt_service") != "timewarp"
    }
    speeds: dict[str, Fraction] = {}
    for producer in producers:
        if read_property(producer, "mlt_service") != "timewarp":
            continue
        found = _speed_and_path(producer)
        if found is None or found[0] <= 0:
            continue
        speed, path = found
        original = plain.get(read_property(producer, "kdenlive:id"))
        service = read_property(original, "mlt_service") if original is not None else ""
        name = (read_property(original, "kdenlive:clipname") if original is not None else "") or PurePath(
            path
        ).name
        _set_property(producer, "mlt_service", service if service.startswith("avformat") else "avformat")
        _set_property(producer, "resource", path)
        _set_property(producer, "kdenlive:clipname", f"{name}{_NOTE}{speed}")
        first = math.floor(_frames(producer.get("in"), rate) * speed)
        last = math.ceil((_frames(producer.get("out"), rate) + 1) * speed) - 1
        producer.set("in", str(first))
        producer.set("out", str(max(first, last)))
        speeds[producer.get("id", "")] = speed
    if not speeds:
        return text
    for entry in root.iter("entry"):
        speed = speeds.get(entry.get("producer", ""))
        if speed is None:
            continue
        start, end = _frames(entry.get("in"), rate), _frames(entry.get("out"), rate)
        source_in = round(start * speed)
        entry.set("in", str(source_in))
        entry.set("out", str(source_in + end - start))
    return ET.tostring(root, encoding="unicode")


def read_speeds(result: object) -> None:
    """Each clip noted by `unwarp` gets its speed and its own name back."""
    if not isinstance(
        result, otio.core.Composition | otio.schema.Timeline | otio.schema.SerializableCollection
    ):
        return
    for clip in result.find_clips():
        if _NOTE not in (clip.name or ""):
            continue
        name, speed = clip.name.split(_NOTE, 1)
        clip.name = name
        clip.effects.insert(0, otio.schema.LinearTimeWarp(name="Speed", time_scalar=float(Fraction(speed))))
