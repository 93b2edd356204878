"""Placeholder shots: a clip that knows what it should show but has no media yet.

A screenplay becomes a cut before anything is generated: each action
paragraph is a clip of the right length whose media reference is OTIO's
MissingReference (other OTIO tools read it as offline media) carrying the
shot's prompt. Generate all fills each one; its first result becomes the
clip's take-1 in place of the placeholder (one undo step), so a generated
script reads like any generated shot.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project import provenance, take_sound, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, clip_id, find_clip, settings, shotline_meta
from engine.project.provenance import Provenance
from engine.project.times import tr

TAKE_ONE = "take-1"


def placeholder_clip(name: str, frames: int, rate: float, prompt: str) -> Clip:
    """A picture clip of `frames` with no media, whose prompt says what to generate."""
    if frames <= 0:
        raise EditError(f"{name}: a shot needs at least one frame")
    reference = otio.schema.MissingReference(name=name)
    reference.metadata["shotline"] = {"placeholder": True}
    clip = otio.schema.Clip(name=name, media_reference=reference, source_range=tr(0, frames, rate))
    meta = shotline_meta(clip)
    meta["kind"] = "video"
    meta["placeholder"] = True
    meta["prompt"] = prompt
    clip_id(clip)
    return clip


def is_placeholder(clip: Clip) -> bool:
    """Whether the clip still waits for its first take."""
    return bool(clip.metadata.get("shotline", {}).get("placeholder")) and isinstance(
        clip.media_reference, otio.schema.MissingReference
    )


def shot_prompt(clip: Clip) -> str:
    """What the shot should show: the placeholder's prompt (its action), else its name."""
    return str(clip.metadata.get("shotline", {}).get("prompt") or clip.name or "")


def set_shot_prompt(timeline: Timeline, ident: str, prompt: str) -> Change:
    """Say what a shot should show (the storyboard's prompt); Generate all uses it next time."""
    words = " ".join(prompt.split())
    if not words:
        raise EditError("A shot's prompt cannot be empty: say what it shows")
    track, clip = find_clip(timeline, ident)
    if words == str(clip.metadata.get("shotline", {}).get("prompt") or ""):
        raise EditError(f"{clip.name or 'This shot'} already has this prompt")
    with mutation(timeline, f"Prompt of {clip.name or 'Shot'}", [track]) as change:
        _, clip = find_clip(timeline, ident)
        shotline_meta(clip)["prompt"] = words
        change.result = words
    return change


def fill_placeholder(
    timeline: Timeline, ident: str, reference: otio.core.MediaReference, made: Provenance | None
) -> Change:
    """The placeholder's first take: `reference` becomes take-1, played from its start."""
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    if not is_placeholder(clip):
        raise EditError(f"{clip.name or 'This clip'} is not a placeholder")
    sound_tracks, stack = take_sound.touches(timeline, ident, rate, reference)
    with mutation(timeline, f"Generate {clip.name or 'Shot'}", [track, *sound_tracks], stack=stack) as change:
        new = reference.clone()
        if made is not None:
            provenance.attach(new, made)
        _, length = trackedit.source_frames(clip, rate)
        start = int(new.metadata.get("shotline", {}).get("source_start", 0) or 0)
        clip.set_media_references({TAKE_ONE: new}, TAKE_ONE)
        trackedit.set_source(clip, start, length, rate)
        shotline_meta(clip)["placeholder"] = False
        take_sound.follow(timeline, ident, rate)
        change.result = TAKE_ONE
    return change
