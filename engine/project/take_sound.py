"""The sound a take was made with, as a linked audio clip under its picture.

A joint audio-video model (LTX-2) makes a shot's picture and its sound in one
job. The sound file is recorded on the picture take's reference
(``metadata["shotline"]["sound"]``: its URL), so every take carries its own.
On the timeline the playing take's sound is one audio clip, linked to the
picture clip (it moves, trims and deletes with it) and marked with the
picture clip's id (``metadata["shotline"]["take_sound"]``).

Switching takes switches picture and sound together, as one undo step:
- a take with sound: the sound clip plays that take's file over the same
  frames the picture shows; if there is no sound clip yet, one is placed on
  the first audio track that is free under the picture (a new audio track
  when none is);
- a take without sound (the animatic, a silent model, a take whose picture
  was slowed to fit): the sound clip is taken away, since a clip still playing
  the previous take's sound would be the sound of another picture. Whether it
  was muted is remembered on the picture clip, so the next take with sound
  comes back muted.

The user keeps, mutes (the clip's enabled flag, kept across switches) or
deletes the sound clip like any other. A deleted take sound stays deleted when
switching between existing takes; a newly generated take with sound brings
its sound back, since that is new material the user has not heard.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit
from engine.project.change import Change, is_locked, mutation
from engine.project.clips import media_clip, media_reference
from engine.project.document import (
    AUDIO,
    Clip,
    Gap,
    Timeline,
    Track,
    clip_id,
    find_clip,
    iter_clips,
    new_id,
    settings,
    shotline_meta,
    tracks,
)
from engine.project.times import tr
from engine.project.tracks import add_track

#: On a take's reference: the URL of the sound its job made with the picture.
SOUND = "sound"
#: On the sound clip: the id of the picture clip whose takes it sounds.
TAKE_SOUND = "take_sound"
#: On the picture clip: a take sound was placed once (so a missing one was deleted by the user).
PLACED = "take_sound_placed"
#: On a take's reference: its sound has been on the timeline (a new take's has not).
HEARD = "sound_heard"
#: On the picture clip: the take sound was muted when a silent take took it away.
MUTED = "take_sound_muted"


def sound_url(reference: otio.core.MediaReference | None) -> str | None:
    """The URL of the sound made with this take, or None for a silent take."""
    if reference is None:
        return None
    value = reference.metadata.get("shotline", {}).get(SOUND)
    return str(value) if value else None


def attach_sound(reference: otio.core.MediaReference, url: str) -> None:
    meta = dict(reference.metadata.get("shotline", {}))
    meta[SOUND] = url
    reference.metadata["shotline"] = meta


def _mark_heard(reference: otio.core.MediaReference) -> None:
    meta = dict(reference.metadata.get("shotline", {}))
    meta[HEARD] = True
    reference.metadata["shotline"] = meta


def sound_clip(timeline: Timeline, ident: str) -> tuple[Track, Clip] | None:
    """The audio clip playing the sound of picture clip `ident`'s take, if there is one."""
    for track, clip in iter_clips(timeline):
        if track.kind == AUDIO and clip.metadata.get("shotline", {}).get(TAKE_SOUND) == ident:
            return track, clip
    return None


def _has_sound(clip: Clip, extra: otio.core.MediaReference | None) -> bool:
    refs = [*clip.media_references().values(), *([extra] if extra is not None else [])]
    return any(sound_url(r) for r in refs)


def _free(track: Track, start: int, end: int, rate: float) -> bool:
    return all(
        isinstance(slot.item, Gap) or slot.end <= start or slot.start >= end
        for slot in trackedit.layout(track, rate)
    )


def _free_track(timeline: Timeline, start: int, end: int, rate: float) -> Track | None:
    return next((t for t in tracks(timeline, AUDIO) if not is_locked(t) and _free(t, start, end, rate)), None)


def touches(
    timeline: Timeline, ident: str, rate: float, extra: otio.core.MediaReference | None = None
) -> tuple[list[Track], bool]:
    """(audio tracks, whether a track may be added): what `follow` may change for clip `ident`.

    A take edit declares these to its `mutation` so undo restores the sound
    with the picture. A clip none of whose takes (nor `extra`, a take about to
    be added) has sound touches nothing, so silent clips edit as before.
    """
    track, clip = find_clip(timeline, ident)
    found = sound_clip(timeline, ident)
    if found is not None:
        return ([] if is_locked(found[0]) else [found[0]]), False
    if not _has_sound(clip, extra):
        return [], False
    slot = trackedit.slot_of(track, clip, rate)
    target = _free_track(timeline, slot.start, slot.end, rate)
    return ([target], False) if target is not None else ([], True)


def follow(timeline: Timeline, ident: str, rate: float) -> None:
    """Make the sound under picture clip `ident` the sound of its playing take (see the module docstring).

    Runs inside the take edit's `mutation`, which declared `touches(...)`.
    A take whose sound was never on the timeline (just generated) brings its
    sound back even if the user deleted an earlier take's.
    """
    track, clip = find_clip(timeline, ident)
    url = sound_url(clip.media_reference)
    found = sound_clip(timeline, ident)
    meta = shotline_meta(clip)
    if found is not None and is_locked(found[0]):
        return
    if url is None:
        if found is not None:
            _take_away(found, meta, rate)
        return
    start, length = trackedit.source_frames(clip, rate)
    available = clip.media_reference.available_range
    frames = trackedit.media_limits(clip, rate)
    end = frames[1] if frames else start + length
    reference = media_reference(url, available if available is not None else tr(0, end, rate))
    heard = bool(clip.media_reference.metadata.get("shotline", {}).get(HEARD))
    _mark_heard(clip.media_reference)
    if found is not None:
        _replay(found[1], reference, clip, found[0], track, rate)
        return
    if meta.get(PLACED) and heard:
        return  # the user deleted the take sound: switching takes does not bring it back
    slot = trackedit.slot_of(track, clip, rate)
    target = _free_track(timeline, slot.start, slot.end, rate)
    if target is None:  # (an empty track is falsy: compare with None)
        target = _new_audio_track(timeline)
    sound = media_clip(f"{clip.name or 'Shot'} (sound)", reference, rate, length, start, kind=AUDIO)
    sound_meta = shotline_meta(sound)
    sound_meta[TAKE_SOUND] = ident
    if not meta.get("link"):
        meta["link"] = new_id()
    sound_meta["link"] = meta["link"]
    sound.enabled = not meta.get(MUTED, False)
    meta[PLACED] = True
    trackedit.remove(target, slot.start, min(slot.end, trackedit.track_end(target, rate)), rate)
    trackedit.place(target, slot.start, [sound], rate)
    trackedit.normalize(target, rate)
    clip_id(sound)


def _replay(
    sound: Clip,
    reference: otio.core.MediaReference,
    picture: Clip,
    sound_track: Track,
    track: Track,
    rate: float,
) -> None:
    """The sound clip plays the new take's sound over the frames the picture shows, where it is."""
    start, _ = trackedit.source_frames(picture, rate)
    at = trackedit.slot_of(sound_track, sound, rate).start - trackedit.slot_of(track, picture, rate).start
    _, length = trackedit.source_frames(sound, rate)
    sound.media_reference = reference
    limits = trackedit.media_limits(sound, rate)
    source = start + at
    if limits is not None:
        source = max(limits[0], min(source, limits[1] - length))
    trackedit.set_source(sound, source, length, rate)


def _take_away(found: tuple[Track, Clip], meta: otio._otio.AnyDictionary, rate: float) -> None:
    sound_track, sound = found
    meta[MUTED] = not sound.enabled
    meta[PLACED] = False  # taken away by a silent take, not deleted: the next take with sound brings it
    slot = trackedit.slot_of(sound_track, sound, rate)
    trackedit.clear(sound_track, slot.start, slot.end, rate)
    trackedit.normalize(sound_track, rate)


def _new_audio_track(timeline: Timeline) -> Track:
    """A new audio track below the others (the take edit declared the stack changes)."""
    name = add_track(timeline, AUDIO).result
    return next(t for t in tracks(timeline, AUDIO) if t.name == name)


def place_take_sound(timeline: Timeline, ident: str) -> Change | None:
    """Put the playing take's sound under a clip just placed (a new generated shot); None when silent."""
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    if sound_url(clip.media_reference) is None:
        return None
    sound_tracks, stack = touches(timeline, ident, rate)
    with mutation(timeline, "Place take sound", [track, *sound_tracks], stack=stack) as change:
        follow(timeline, ident, rate)
        found = sound_clip(timeline, ident)
        change.result = clip_id(found[1]) if found else None
    return change


def _sound_of(timeline: Timeline, ident: str) -> tuple[Track, Clip]:
    track, clip = find_clip(timeline, ident)
    if track.kind == AUDIO and TAKE_SOUND in clip.metadata.get("shotline", {}):
        ident = str(clip.metadata["shotline"][TAKE_SOUND])  # the sound clip itself was named
    found = sound_clip(timeline, ident)
    if found is None:
        raise EditError(f"{clip.name or 'This clip'} has no take sound")
    return found


def mute_take_sound(timeline: Timeline, ident: str, muted: bool = True) -> Change:
    """Silence (or hear again) the sound of clip `ident`'s take; it stays muted across take switches."""
    sound_track, sound = _sound_of(timeline, ident)
    with mutation(timeline, "Mute Take Sound" if muted else "Unmute Take Sound", [sound_track]) as change:
        sound.enabled = not muted
        change.result = clip_id(sound)
    return change


def delete_take_sound(timeline: Timeline, ident: str) -> Change:
    """Take the sound clip of clip `ident`'s take away, leaving the picture; switching takes keeps it away."""
    sound_track, sound = _sound_of(timeline, ident)
    rate = settings(timeline).rate
    with mutation(timeline, "Delete Take Sound", [sound_track]) as change:
        slot = trackedit.slot_of(sound_track, sound, rate)
        trackedit.clear(sound_track, slot.start, slot.end, rate)
        trackedit.normalize(sound_track, rate)
        change.result = clip_id(sound)
    return change


def refit(timeline: Timeline, ident: str, rate: float) -> None:
    """After the picture clip grew or shrank (an extended take), its sound clip spans it again.

    Runs inside the edit's `mutation`. The sound is put over the picture's
    frames on its own track, over what lies there (a ripple edit has already
    made room, an overwrite overwrites, as on the picture's track).
    """
    track, clip = find_clip(timeline, ident)
    found = sound_clip(timeline, ident)
    url = sound_url(clip.media_reference)
    if found is None or url is None or is_locked(found[0]):
        return
    sound_track, sound = found
    picture = trackedit.slot_of(track, clip, rate)
    start, length = trackedit.source_frames(clip, rate)
    fitted = sound.clone()
    fitted.media_reference = media_reference(url, clip.media_reference.available_range)
    trackedit.set_source(fitted, start, length, rate)
    was = trackedit.slot_of(sound_track, sound, rate)
    trackedit.clear(sound_track, was.start, was.end, rate)
    trackedit.remove(
        sound_track, picture.start, min(picture.end, trackedit.track_end(sound_track, rate)), rate
    )
    trackedit.place(sound_track, picture.start, [fitted], rate)
    trackedit.normalize(sound_track, rate)


def renumber(timeline: Timeline, pasted: list[str], new_ids: dict[str, str]) -> None:
    """Pasted take sounds sound for the pasted pictures (their new ids); one pasted without its
    picture becomes a plain sound clip (the original picture keeps its own take sound)."""
    for ident in pasted:
        _, clip = find_clip(timeline, ident)
        meta = clip.metadata.get("shotline", {})
        if TAKE_SOUND not in meta:
            continue
        picture = new_ids.get(str(meta[TAKE_SOUND]))
        if picture is not None:
            shotline_meta(clip)[TAKE_SOUND] = picture
        else:
            del shotline_meta(clip)[TAKE_SOUND]
