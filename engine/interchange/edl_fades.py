"""Dissolves from black at the start of an EDL's track: read, not refused.

A CMX 3600 EDL fades a shot up from black as a dissolve from a zero-length
black (``BL``) event: ``001 BL V C 00:00:00:00 00:00:00:00 ...`` then
``001 REEL V D 005 ...``. The cmx_3600 adapter writes it so (for a transition
at the start of a track) but its reader refuses it ("Transitions can't be at
the very beginning of a track"), so Shotline could not read back its own
EDL, nor an Avid or Premiere one that opens on a fade up. Before the adapter
reads the text, such a pair becomes a cut of the incoming shot; after, the
dissolve is put back in front of that shot as OTIO's edge transition, which
Shotline plays as a fade from black.
"""

from __future__ import annotations

import itertools

import opentimelineio as otio

from engine.interchange.edl_speed import EVENT, frames


def without_black_starts(text: str, rate: float) -> tuple[str, list[tuple[int, int]]]:
    """The text with each zero-length black event and its dissolve made one cut, and the
    (record in, dissolve length) of each, for `restore`."""
    lines = text.split("\n")
    fades: list[tuple[int, int]] = []
    drop: set[int] = set()
    events = [(i, m) for i, line in enumerate(lines) if (m := EVENT.match(line))]
    for (at, black), (next_at, incoming) in itertools.pairwise(events):
        if black["reel"].upper() not in ("BL", "BLK", "BLACK") or black["num"] != incoming["num"]:
            continue
        if black["src_in"] != black["src_out"] or black["rec_in"] != black["rec_out"]:
            continue
        if not incoming["trans"].upper().startswith("D") or incoming["rec_in"] != black["rec_in"]:
            continue
        length = incoming["length"]
        if not length or not length.isdigit():
            continue
        line = lines[next_at]
        start, end = incoming.start("trans"), incoming.start("src_in")
        lines[next_at] = line[:start] + "C".ljust(end - start) + line[end:]
        drop.add(at)
        fades.append((frames(incoming["rec_in"], rate), int(length)))
    if not fades:
        return text, []
    return "\n".join(line for i, line in enumerate(lines) if i not in drop), fades


def restore(result: object, fades: list[tuple[int, int]], rate: float) -> None:
    """Each faded-up shot gets its dissolve from black back, as a transition in front of it."""
    if not fades or not isinstance(result, otio.schema.Timeline):
        return
    wanted = dict(fades)
    for track in result.tracks:
        if not isinstance(track, otio.schema.Track) or track.kind != otio.schema.TrackKind.Video:
            continue
        for clip in list(track.find_clips(shallow_search=True)):
            record_in = track.range_of_child(clip).start_time
            if track.source_range is not None:  # the reader starts the track at its first record in
                record_in = record_in - track.source_range.start_time
            length = wanted.get(round(record_in.value_rescaled_to(rate)))
            if length is None:
                continue
            index = list(track).index(clip)
            if index > 0 and isinstance(track[index - 1], otio.schema.Transition):
                continue
            length = min(length, round(clip.duration().value_rescaled_to(rate)))
            track.insert(
                index,
                otio.schema.Transition(
                    name="Dissolve",
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=otio.opentime.RationalTime(0, rate),
                    out_offset=otio.opentime.RationalTime(length, rate),
                ),
            )


def _is_black(item: object) -> bool:
    ref = getattr(item, "media_reference", None)
    return isinstance(ref, otio.schema.GeneratorReference) and str(ref.generator_kind).lower() == "black"


def restore_fade_outs(result: object) -> None:
    """A track that ends in a dissolve to black: the adapter reads it as a dissolve into a black
    clip, cutting the outgoing shot short; it becomes that shot, whole, fading out at the track's
    end (OTIO's edge transition), as it was written."""
    if not isinstance(result, otio.schema.Timeline):
        return
    for track in result.tracks:
        if not isinstance(track, otio.schema.Track) or len(track) < 3:
            continue
        shot, dissolve, black = track[-3], track[-2], track[-1]
        if not (
            isinstance(shot, otio.schema.Clip)
            and isinstance(dissolve, otio.schema.Transition)
            and _is_black(black)
            and dissolve.in_offset.value == 0
            and shot.source_range is not None
        ):
            continue
        length = dissolve.out_offset
        if length.rescaled_to(black.duration().rate).value != black.duration().value:
            continue
        shot.source_range = otio.opentime.TimeRange(
            shot.source_range.start_time, shot.source_range.duration + length
        )
        del track[-1]
        dissolve.in_offset, dissolve.out_offset = length, otio.opentime.RationalTime(0, length.rate)
