"""From text on the timeline to a `voice.speak` job, and from its result to a clip or a take.

Lines of voice-over land on a voice track one after another from the
playhead, each as long as its speech (whole frames, the last one rounded up
so no syllable is cut). Speaking a clip again with new text makes a new take
of the same clip; as speech of other text has another length, the clip
takes its new take's length, and later clips on the voice track keep their
places while there is room (the gap after the clip grows or shrinks) and are
pushed later when there is not, so no line is ever cut or overlapped.
"""

from __future__ import annotations

import argparse
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import EditError, GenerateError
from engine.generate.voice.audio import RATE
from engine.jobs import titles
from engine.jobs.spec import submit_spec
from engine.project import document, provenance, takes, trackedit
from engine.project.change import Change, mutation
from engine.project.clips import media_clip, media_reference
from engine.project.document import AUDIO, Clip, Gap, Timeline, shotline_meta
from engine.project.provenance import Provenance
from engine.project.times import rate_fraction, tr
from engine.project.voices import CharacterVoice

TASK = "voice.speak"


def cli_params(args: argparse.Namespace) -> dict[str, Any]:
    """`shotline generate --task voice.speak` options as job parameters."""
    if not args.text:
        raise GenerateError("--text is required: the words to speak")
    params: dict[str, Any] = {"text": args.text, "seed": args.seed}
    if args.voice:
        params["voice"] = args.voice
    if args.speed is not None:
        params["speed"] = args.speed
    if args.model:
        params["model"] = args.model
    if args.device and args.device != "auto":
        params["device"] = args.device
    if args.cache_dir:
        params["cache_dir"] = args.cache_dir
    return params


def split_lines(text: str) -> list[str]:
    """A pasted script as lines to speak: one clip a non-empty line."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def voice_spec(
    text: str,
    character: str,
    voice: CharacterVoice,
    cache_dir: Path | None = None,
    title: str | None = None,
    clip_id: str | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "text": text,
        "character": character,
        "speed": voice.speed,
        "seed": seed,
        "title": title or titles.voice_over(character, text),
    }
    if voice.voice:
        params["voice"] = voice.voice
    if voice.sample:  # the recording a cloning backend speaks like (others ignore it)
        params["reference"] = voice.sample
    if clip_id:
        params["clip_id"] = clip_id
    return submit_spec(TASK, params, voice.backend, cache_dir)


def speech_frames(samples: int, rate: float) -> int:
    """Whole project frames that hold `samples` at 48 kHz, rounded up."""
    return max(1, math.ceil(Fraction(samples) * rate_fraction(rate) / RATE))


def voice_take(result: dict[str, Any], rate: float) -> tuple[otio.schema.ExternalReference, Provenance, int]:
    """The media reference, provenance and length in frames of a finished voice.speak job."""
    try:
        path = Path(result["files"][0])
        made = dict(result["provenance"])
        samples = int(made["samples"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise GenerateError("The engine's result names no voice file and length") from None
    frames = speech_frames(samples, rate)
    reference = media_reference(str(path.absolute()), tr(0, frames, rate))
    made.setdefault("task", TASK)
    made.setdefault("backend", "unknown")
    return reference, Provenance.from_dict(made), frames


def voice_clip(result: dict[str, Any], rate: float) -> Clip:
    """A new clip of a voice take, named for who says what."""
    reference, made, frames = voice_take(result, rate)
    provenance.attach(reference, made)
    text = str(made.extra.get("text") or made.prompt)
    who = str(made.extra.get("character") or "")
    name = f"{who}: {text}" if who else text
    clip = media_clip(name[:60], reference, rate, frames, 0, kind=AUDIO)
    shotline_meta(clip)["voice"] = True
    return clip


def spoken_text(clip: Clip) -> str | None:
    """The text a voice clip's playing take says, or None for a clip that is not speech."""
    made = provenance.read(clip.media_reference)
    if made is None or made.task != TASK:
        return None
    return str(made.extra.get("text") or made.prompt)


def place_voice_clips(timeline: Timeline, track_name: str, clips: list[Clip], frame: int) -> Change:
    """Put clips on a voice track one after another from `frame`, over whatever was there."""
    if not clips:
        raise EditError("No voice clip to place")
    if frame < 0:
        raise EditError("That time is before the start of the timeline")
    rate = document.settings(timeline).rate
    target = document.track(timeline, track_name)
    if target.kind != AUDIO:
        raise EditError(f"{track_name} is a video track; voice-over goes on an audio track")
    with mutation(timeline, "Add Voice-over", [target]) as change:
        at = frame
        for clip in clips:
            length = trackedit.duration_frames(clip, rate)
            trackedit.remove(target, at, min(at + length, trackedit.track_end(target, rate)), rate)
            trackedit.place(target, at, [clip], rate)
            at += length
        trackedit.normalize(target, rate)
        change.result = [document.clip_id(c) for c in clips]
    return change


def add_voice_take(timeline: Timeline, ident: str, result: dict[str, Any]) -> Change:
    """A voice clip spoken again (new text or voice) as a new take, at the new speech's length."""
    rate = document.settings(timeline).rate
    track, clip = document.find_clip(timeline, ident)
    reference, made, frames = voice_take(result, rate)
    _, old = trackedit.source_frames(clip, rate)
    with mutation(timeline, "Speak Again", [track]) as change:
        key = takes.add_take(timeline, ident, reference, made, activate=False).result
        _, clip = document.find_clip(timeline, ident)
        clip.active_media_reference_key = key
        trackedit.set_source(clip, 0, frames, rate)
        _fit_after(track, clip, frames - old, rate)
        trackedit.normalize(track, rate)
        change.result = key
    return change


def switch_voice_take(timeline: Timeline, ident: str, key: str) -> Change:
    """Play another take of a voice clip, whole: the clip takes that take's length.

    `takes.set_active_take` keeps a clip's length, which is right for a shot
    but would cut a line of speech short or pad it; speech is heard whole.
    """
    rate = document.settings(timeline).rate
    track, clip = document.find_clip(timeline, ident)
    refs = clip.media_references()
    if key not in refs:
        raise EditError(f"{clip.name or 'This clip'} has no {key}")
    if key == clip.active_media_reference_key:
        raise EditError(f"{key} is already the active take")
    limits = trackedit.media_limits(otio.schema.Clip(media_reference=refs[key].clone()), rate)
    if limits is None:
        raise EditError(f"{key} has no known length")
    _, old = trackedit.source_frames(clip, rate)
    with mutation(timeline, f"Switch to {key}", [track]) as change:
        clip.active_media_reference_key = key
        trackedit.set_source(clip, limits[0], limits[1] - limits[0], rate)
        _fit_after(track, clip, limits[1] - limits[0] - old, rate)
        trackedit.normalize(track, rate)
        change.result = key
    return change


def _fit_after(track: otio.schema.Track, clip: Clip, delta: int, rate: float) -> None:
    """Keep later clips in place when a clip changes length by `delta`: the gap after it absorbs it."""
    index = list(track).index(clip) + 1
    if delta < 0:
        track.insert(index, trackedit.make_gap(-delta, rate))
        return
    while delta > 0 and index < len(track) and isinstance(track[index], Gap):
        length = trackedit.duration_frames(track[index], rate)
        if length > delta:
            track[index].source_range = tr(0, length - delta, rate)
            return
        del track[index]
        delta -= length
