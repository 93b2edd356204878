"""Constant speed and reverse in FCP 7 XML: Premiere's and Final Cut's "Time Remap" filter.

The fcp_xml adapter reads a clip item's ``<filter>`` as a generic effect and
writes none, so a 200% clip from Premiere played at 100% and a Shotline
speed change vanished on the way out. Reading, a ``timeremap`` effect with a
constant ``speed`` (and ``reverse``) becomes OTIO's ``LinearTimeWarp``; the
clip's range is already its record length, as OTIO keeps it. Writing, the
filter goes into the clip's ``fcp_xml`` metadata (which the adapter writes as
XML) and, once written, each remapped clip item's ``<out>`` is set to the
source frames it really covers (the adapter writes in + record length).
Variable speed (time remap keyframes) and freeze frames are not carried.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction

import opentimelineio as otio

from engine.project import timewarp

EFFECT_ID = "timeremap"


def _parameters(effect: otio.schema.Effect) -> dict[str, str]:
    meta = effect.metadata.get("fcp_xml", {}) or {}
    params = meta.get("parameter", [])
    if hasattr(params, "items"):
        params = [params]
    found = {}
    for param in params:
        if hasattr(param, "items"):
            key = param.get("parameterid") or param.get("name")
            value = param.get("value")
            if key is not None and value is not None and not hasattr(value, "items"):
                found[str(key).lower()] = str(value)
    return found


def _is_remap(effect: otio.schema.Effect) -> bool:
    meta = effect.metadata.get("fcp_xml", {}) or {}
    return str(meta.get("effectid", "")).lower() == EFFECT_ID


def read_speeds(timeline: otio.schema.Timeline) -> None:
    """Every constant-speed Time Remap filter becomes a LinearTimeWarp the renderer plays."""
    for clip in timeline.find_clips():
        effects = list(clip.effects)
        for index, effect in enumerate(effects):
            if isinstance(effect, otio.schema.LinearTimeWarp) or not _is_remap(effect):
                continue
            params = _parameters(effect)
            if params.get("variablespeed", "0") not in ("0", "FALSE", "false"):
                continue  # keyframed speed: kept as the adapter read it, not played
            try:
                percent = Fraction(params.get("speed", "100"))
            except ValueError:
                continue
            if percent <= 0:
                continue
            reverse = params.get("reverse", "FALSE").upper() == "TRUE"
            scalar = percent / 100 * (-1 if reverse else 1)
            effects[index] = otio.schema.LinearTimeWarp(
                name="Speed", time_scalar=float(scalar), metadata=dict(effect.metadata)
            )
        clip.effects[:] = effects


def mark_speeds(timeline: otio.schema.Timeline) -> None:
    """Give each clip at another speed (or reversed) a Time Remap filter the adapter will write."""
    for clip in timeline.find_clips():
        scalar = timewarp.time_scalar(clip)
        if scalar in (0, 1):
            continue
        percent = abs(scalar) * 100
        value = f"{float(percent):.6g}"
        fcp = dict(clip.metadata.get("fcp_xml", {}) or {})
        fcp["filter"] = {
            "effect": {
                "name": "Time Remap",
                "effectid": EFFECT_ID,
                "effectcategory": "motion",
                "effecttype": "motion",
                "mediatype": "video",
                "parameter": [
                    {"parameterid": "variablespeed", "name": "variablespeed", "value": "0"},
                    {"parameterid": "speed", "name": "speed", "value": value},
                    {"parameterid": "reverse", "name": "reverse", "value": "TRUE" if scalar < 0 else "FALSE"},
                    {
                        "parameterid": "frameblending",
                        "name": "frameblending",
                        "value": "FALSE" if timewarp.interpolation(clip) == timewarp.NEAREST else "TRUE",
                    },
                ],
            }
        }
        clip.metadata["fcp_xml"] = fcp
        clip.effects[:] = [e for e in clip.effects if not isinstance(e, otio.schema.LinearTimeWarp)]


def fix_out_points(data: bytes) -> bytes:
    """Each remapped clip item's ``<out>``: its in point plus the source frames it plays."""
    root = ET.fromstring(data)
    changed = False
    for item in root.iter("clipitem"):
        speed = None
        for param in item.findall("./filter/effect/parameter"):
            if (param.findtext("parameterid") or "") == "speed":
                speed = param.findtext("value")
        if speed is None or item.find("in") is None or item.find("out") is None:
            continue
        length = int(item.findtext("duration") or 0)
        span = math.ceil(length * Fraction(speed) / 100)
        item.find("out").text = str(int(item.findtext("in") or 0) + span)
        changed = True
    if not changed:
        return data
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n'
    return head + ET.tostring(root, encoding="utf-8")
