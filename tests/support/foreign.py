"""Timelines as other editors write them, made with OpenTimelineIO's own adapters, and the stand-in
media they point at (every frame shows its index, every file its own colour: see mediagen).

Each builder writes its file into a folder and returns the path. The media
they name live elsewhere (``/gone/...``) or nowhere (EDL clips name no
file), so each must be relinked, as a cut brought from another machine is.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import opentimelineio as otio

from tests.support.mediagen import read_index, write_video

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange
RATE = 25
SIZE = (160, 120)
COLORS = {
    "shot_a": (200, 40, 40),
    "shot_b": (40, 200, 40),
    "c": (40, 40, 200),
    "d": (200, 200, 40),
    "e": (40, 200, 200),
    "f": (200, 40, 200),
}
#: Start timecodes the stand-in files carry, as camera files do.
TIMECODES = {"shot_a": "01:00:00:00", "shot_b": "01:00:10:00"}


def tc(text: str) -> otio.opentime.RationalTime:
    return otio.opentime.from_timecode(text, RATE)


def write_media(folder: Path) -> Path:
    """The stand-in media: 60 frames each at 25 fps, 160x120, some with a start timecode."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, color in COLORS.items():
        write_video(
            folder / f"{name}.mov",
            frames=60,
            rate=Fraction(RATE),
            size=SIZE,
            color=color,
            timecode=TIMECODES.get(name),
            tone_hz=330.0 if name == "c" else None,
        )
    return folder


def which(picture: np.ndarray) -> tuple[str, int]:
    """(source name by colour, frame index) of a decoded RGB picture of one source."""
    body = picture[picture.shape[0] // 2 :].reshape(-1, 3).mean(axis=0)
    name = min(COLORS, key=lambda n: float(np.abs(np.array(COLORS[n]) - body).sum()))
    return name, read_index(picture)


def _gone(name: str, frames: int = 60) -> otio.schema.ExternalReference:
    return otio.schema.ExternalReference(
        target_url=f"file:///gone/footage/{name}.mov", available_range=TR(RT(0, RATE), RT(frames, RATE))
    )


def write_edl(folder: Path) -> Path:
    """An Avid-style EDL at 25 fps: two events joined by a 10-frame dissolve, cut from the
    camera timecode of files that start at 01:00:00:00 and 01:00:10:00. Its clips name no file:
    one is named after the file, the other only by its reel."""
    timeline = otio.schema.Timeline("Scene 12", global_start_time=tc("01:00:00:00"))
    video = otio.schema.Track("V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(video)
    a = otio.schema.Clip("shot_a.mov", otio.schema.MissingReference(), TR(tc("01:00:00:10"), RT(25, RATE)))
    a.metadata["cmx_3600"] = {"reel": "A001"}
    b = otio.schema.Clip("B camera", otio.schema.MissingReference(), TR(tc("01:00:10:05"), RT(30, RATE)))
    b.metadata["cmx_3600"] = {"reel": "SHOT_B"}
    dissolve = otio.schema.Transition(
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=RT(5, RATE),
        out_offset=RT(5, RATE),
    )
    video.extend([a, dissolve, b])
    path = folder / "scene12.edl"
    path.write_text(otio.adapters.write_to_string(timeline, "cmx_3600", rate=RATE))
    return path


def write_fcp7_xml(folder: Path) -> Path:
    """A Premiere-style FCP 7 XML: a clip, a nested sequence of two clips, a disabled clip, and
    the first clip's sound on an audio track. Media paths point where the files no longer are."""
    timeline = otio.schema.Timeline("Premiere cut", global_start_time=RT(0, RATE))
    video = otio.schema.Track("Video 1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track("Audio 1", kind=otio.schema.TrackKind.Audio)
    timeline.tracks.extend([video, audio])
    nested = otio.schema.Stack("Nested Sequence 01", source_range=TR(RT(5, RATE), RT(20, RATE)))
    inner = otio.schema.Track("Video 1", kind=otio.schema.TrackKind.Video)
    inner.extend(
        [
            otio.schema.Clip("d", _gone("d"), TR(RT(0, RATE), RT(15, RATE))),
            otio.schema.Clip("e", _gone("e"), TR(RT(10, RATE), RT(15, RATE))),
        ]
    )
    nested.append(inner)
    disabled = otio.schema.Clip("f", _gone("f"), TR(RT(0, RATE), RT(10, RATE)))
    disabled.metadata["fcp_xml"] = {"enabled": "FALSE"}
    video.extend([otio.schema.Clip("c", _gone("c"), TR(RT(5, RATE), RT(20, RATE))), nested, disabled])
    audio.append(otio.schema.Clip("c", _gone("c"), TR(RT(5, RATE), RT(20, RATE))))
    path = folder / "premiere.xml"
    path.write_text(otio.adapters.write_to_string(timeline, "fcp_xml"))
    return path


def _simple_cut(name: str) -> otio.schema.Timeline:
    """Three clips, the middle one after a gap: c[5..25), gap 5, d[10..30), e[0..15)."""
    timeline = otio.schema.Timeline(name, global_start_time=RT(0, RATE))
    video = otio.schema.Track("V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(video)
    video.extend(
        [
            otio.schema.Clip("c", _gone("c"), TR(RT(5, RATE), RT(20, RATE))),
            otio.schema.Gap(source_range=TR(RT(0, RATE), RT(5, RATE))),
            otio.schema.Clip("d", _gone("d"), TR(RT(10, RATE), RT(20, RATE))),
            otio.schema.Clip("e", _gone("e"), TR(RT(0, RATE), RT(15, RATE))),
        ]
    )
    return timeline


def write_aaf(folder: Path) -> Path:
    """An AAF as the adapter writes one for Avid (mob ids made up, as a new export's are)."""
    path = folder / "avid.aaf"
    otio.adapters.write_to_file(_simple_cut("Avid cut"), str(path), use_empty_mob_ids=True)
    return path


def write_fcpxml(folder: Path) -> Path:
    """A Final Cut Pro X / Resolve FCPXML project."""
    path = folder / "resolve.fcpxml"
    path.write_text(otio.adapters.write_to_string(_simple_cut("Resolve cut"), "fcpx_xml"))
    return path


def write_kdenlive(folder: Path) -> Path:
    """A Kdenlive project."""
    path = folder / "cut.kdenlive"
    path.write_text(otio.adapters.write_to_string(_simple_cut("Kdenlive cut"), "kdenlive"))
    return path


#: What each simple cut shows: (frames, source name, first source frame), gaps as (frames, None, 0).
SIMPLE_CUT = [(20, "c", 5), (5, None, 0), (20, "d", 10), (15, "e", 0)]
