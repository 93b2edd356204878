"""Generate all: every placeholder or stale shot, and every stale line, with the project's Cast and style.

A shot is generated in two jobs: its keyframe first (image.edit from the
references of the members it shows and of the style, or image.generate
when there are none; the members' descriptions and the style go into the
prompt), then the shot itself (video.generate from that keyframe, which is
how the same face comes back in every shot; a VACE video model is given the
references too). `--task image.generate` stops
at the keyframe and makes it the shot's take (a still held for the clip's
length). A line of dialogue is stale when its character's voice has
changed since it was spoken; it is spoken again as a new take.

Each result lands as a take of its clip the moment its job ends (a
placeholder's first take replaces it), with provenance naming the Cast
members and each reference's file identity, so a later change to a
reference marks the shot stale again. The caller saves after each landing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.generate.anchors import anchor_for
from engine.generate.batch import Batch, Outcome
from engine.generate.jobs import Executor
from engine.generate.video.choices import VACE_BACKEND as VACE
from engine.generate.video.timeline import shot_spec, take_from_result
from engine.generate.voice.timeline import TASK as SPEAK
from engine.generate.voice.timeline import add_voice_take, voice_spec
from engine.jobs import titles
from engine.jobs.spec import submit_spec
from engine.project import cast, document, provenance, takes
from engine.project.clips import media_reference
from engine.project.document import AUDIO, VIDEO, Clip, Timeline
from engine.project.placeholders import fill_placeholder, is_placeholder, shot_prompt
from engine.project.provenance import Provenance
from engine.project.voices import CharacterVoice

VIDEO_TASK, STILL_TASK, EDIT_TASK = "video.generate", "image.generate", "image.edit"
TASKS = (VIDEO_TASK, SPEAK, STILL_TASK)


@dataclass(frozen=True)
class ShotWork:
    clip_id: str
    name: str
    prompt: str  # the shot's own prompt, before the Cast's descriptions join it
    cast: tuple[str, ...]
    why: str  # "placeholder", or why it is stale


@dataclass(frozen=True)
class LineWork:
    clip_id: str
    text: str
    character: str
    why: str


#: Per task ("image.edit", "video.generate"...): {"backend": name, "model": id or folder, options...}.
Models = dict[str, dict[str, Any]]


@dataclass
class Report:
    shots: list[str] = field(default_factory=list)  # names of the shots that got a take
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    jobs: int = 0
    cached: int = 0


def shots_to_generate(timeline: Timeline, only_missing: bool = False) -> list[ShotWork]:
    """Placeholders, and (unless only_missing) shots whose takes are stale, in timeline order."""
    stale = {} if only_missing else {s.clip_id: "; ".join(s.reasons) for s in cast.stale_clips(timeline)}
    work = []
    for track, clip in document.iter_clips(timeline):
        if track.kind != VIDEO:
            continue
        ident = document.clip_id(clip)
        why = "placeholder" if is_placeholder(clip) else stale.get(ident)
        if why:
            work.append(shot_work(timeline, ident, why))
    return work


def shot_work(timeline: Timeline, ident: str, why: str = "chosen") -> ShotWork:
    """What generating picture clip `ident` asks for: its prompt and its Cast (the editor's chosen shots)."""
    _, clip = document.find_clip(timeline, ident)
    return ShotWork(ident, clip.name or "Shot", prompt_of(clip), tuple(cast.shot_cast(clip)), why)


def prompt_of(clip: Clip) -> str:
    """A shot's own words, before the Cast's descriptions join them.

    The prompt the shot was given (by the script, or edited on the
    storyboard) wins; a clip that never had one says what its take was made
    from, else its name.
    """
    own = str(clip.metadata.get("shotline", {}).get("prompt") or "")
    if own:
        return own
    made = provenance.read(clip.media_reference)
    if made is not None:
        return str(made.extra.get("shot_prompt") or made.prompt)
    return shot_prompt(clip)


def lines_to_generate(timeline: Timeline, only_missing: bool = False) -> list[LineWork]:
    """Lines of dialogue spoken in a voice their character no longer has (none when only_missing)."""
    if only_missing:
        return []
    work = []
    for track, clip in document.iter_clips(timeline):
        made = provenance.read(clip.media_reference)
        if track.kind != AUDIO or made is None or made.task != SPEAK:
            continue
        who = str(made.extra.get("character") or "")
        if not who or cast.member(timeline, who) is None:
            continue
        now = cast.voice(timeline, who)  # what it leaves unset (backend, voice) is whatever the default was
        then = (made.backend, str(made.extra.get("voice") or ""), float(made.extra.get("speed") or 1.0))
        if (now.backend or then[0], now.voice or then[1], now.speed) != then:
            text = str(made.extra.get("text") or made.prompt)
            work.append(LineWork(document.clip_id(clip), text, who, f"{who}'s voice has changed"))
    return work


def keyframe_spec(
    timeline: Timeline,
    shot: ShotWork,
    cache_dir: str | os.PathLike[str] | None,
    backend: str | None = None,
    models: Models | None = None,
) -> dict[str, Any]:
    """The still a shot starts from: its prompt with the Cast's words, conditioned on their pictures."""
    project = document.settings(timeline)
    references = cast.references_for(timeline, list(shot.cast))
    task = EDIT_TASK if references else STILL_TASK
    chosen = dict((models or {}).get(task, {}))
    backend = chosen.pop("backend", None) or backend
    params: dict[str, Any] = {
        **chosen,
        "prompt": cast.prompt_for(timeline, shot.prompt, list(shot.cast)),
        "size": f"{project.width}x{project.height}",
        "shot": shot.name,
        "title": titles.keyframe(shot.name),
        "clip_id": shot.clip_id,
    }
    if references:
        params["references"] = references
    return submit_spec(task, params, backend, cache_dir)


def generate_all(
    timeline: Timeline,
    cache_dir: str | os.PathLike[str] | None,
    task: str | None = None,
    backend: str | None = None,
    only_missing: bool = False,
    landed: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    anchors: bool = False,
    models: Models | None = None,
) -> Report:
    """Run the batch; `landed(description)` after each result becomes a take (the caller saves there).

    With `anchors`, each shot ends on the picture the next one starts from (engine.generate.anchors).
    `models` names, per task, the backend and model (and its options) a machine with a GPU uses.
    """
    shots = shots_to_generate(timeline, only_missing) if task in (None, VIDEO_TASK, STILL_TASK) else []
    lines = lines_to_generate(timeline, only_missing) if task in (None, SPEAK) else []
    video = task in (None, VIDEO_TASK)
    report = Report()
    batch = Batch(len(shots) * (2 if video else 1) + len(lines), progress, executor=executor)
    after = landed or (lambda _what: None)
    rate = document.settings(timeline).rate

    def counted(outcome: Outcome) -> bool:
        report.jobs += 1
        report.cached += outcome.cached
        return outcome.result is not None

    keyframes: dict[int, dict[str, Any]] = {}

    def keyframe_landed(index: int, outcome: Outcome) -> None:
        shot = shots[index]
        if not counted(outcome):
            report.failures.append(f"{shot.name}: {outcome.error}")
            return
        keyframes[index] = outcome.result
        if not video:
            _land_still(timeline, shot, outcome.result)
            report.shots.append(shot.name)
            after(shot.name)

    still_backend = backend if task == STILL_TASK else None
    batch.run([keyframe_spec(timeline, s, cache_dir, still_backend, models) for s in shots], keyframe_landed)

    if video:
        ready = sorted(keyframes)
        made = {shots[i].clip_id: str(keyframes[i]["files"][0]) for i in ready}

        def end_on(i: int) -> str | None:
            return anchor_for(timeline, shots[i].clip_id, made, cache_dir) if anchors else None

        chosen = dict((models or {}).get(VIDEO_TASK, {}))
        video_backend = chosen.pop("backend", None) or backend
        specs = [
            video_spec(timeline, shots[i], keyframes[i], cache_dir, video_backend, end_on(i), chosen)
            for i in ready
        ]

        def shot_landed(index: int, outcome: Outcome) -> None:
            shot = shots[ready[index]]
            if not counted(outcome):
                report.failures.append(f"{shot.name}: {outcome.error}")
                return
            _land_shot(timeline, shot, outcome.result, keyframes[ready[index]], rate)
            report.shots.append(shot.name)
            after(shot.name)

        batch.done += len(shots) - len(ready)  # shots whose keyframe failed are over
        batch.run(specs, shot_landed)

    def line_landed(index: int, outcome: Outcome) -> None:
        line = lines[index]
        if not counted(outcome):
            report.failures.append(f"{line.character}: {line.text[:30]}: {outcome.error}")
            return
        add_voice_take(timeline, line.clip_id, outcome.result)
        report.lines.append(line.text)
        after(line.text)

    speak_backend = backend if task == SPEAK else None
    specs = []
    for line in lines:
        voice = cast.voice(timeline, line.character)
        if speak_backend:
            voice = CharacterVoice(speak_backend, voice.voice, voice.speed, voice.sample)
        specs.append(line_spec(line, voice, cache_dir))
    batch.run(specs, line_landed)
    return report


def video_spec(
    timeline: Timeline,
    shot: ShotWork,
    keyframe: dict[str, Any],
    cache_dir: str | os.PathLike[str] | None,
    backend: str | None,
    last_image: str | None = None,
    model: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The shot itself, from its keyframe's picture and words: so the Cast's faces carry into it;
    with `last_image` (an anchor) it ends on that picture; `model` the video model's own settings;
    a VACE backend is also given the shot's Cast pictures as reference images."""
    values = {**(model or {}), "prompt": keyframe["provenance"]["prompt"], "image": keyframe["files"][0]}
    if last_image:
        values["last_image"] = last_image
    references = cast.references_for(timeline, list(shot.cast)) if backend == VACE else []
    if references:  # VACE attends to the Cast's pictures all through the shot, not only its first frame
        values["references"] = references
    return shot_spec(
        timeline,
        shot.clip_id,
        values,
        backend,
        Path(cache_dir) if cache_dir else None,
        titles.generate(shot.name),
    )


def _cast_facts(shot: ShotWork, keyframe: dict[str, Any]) -> dict[str, Any]:
    """What a take records about the Cast: who it shows, and the references (with identities) behind it."""
    made = keyframe.get("provenance", {})
    return {
        "cast": list(shot.cast),
        "reference_files": list(made.get("reference_files") or []),
        "shot_prompt": shot.prompt,
    }


def line_spec(
    line: LineWork, voice: CharacterVoice, cache_dir: str | os.PathLike[str] | None
) -> dict[str, Any]:
    """A stale line spoken again in its character's voice as it is now."""
    title = titles.speak_again(line.character, line.text)
    return voice_spec(line.text, line.character, voice, cache_dir, title, clip_id=line.clip_id)


def still_take(shot: ShotWork, result: dict[str, Any]) -> tuple[Any, Provenance]:
    """A keyframe as the shot's take (a still held for the clip's length), with the Cast it shows."""
    path = Path(result["files"][0])
    reference = media_reference(path.as_uri(), None, still=True)
    return reference, Provenance.from_dict({**result["provenance"], **_cast_facts(shot, result)})


def shot_take(
    shot: ShotWork, result: dict[str, Any], keyframe: dict[str, Any], rate: float
) -> tuple[Any, Provenance]:
    """A shot made from its keyframe as the shot's take, recording the Cast and references behind it."""
    facts = {**_cast_facts(shot, keyframe), "keyframe": keyframe["files"][0]}
    return take_from_result({**result, "provenance": {**result["provenance"], **facts}}, rate)


def _land_still(timeline: Timeline, shot: ShotWork, result: dict[str, Any]) -> None:
    _land(timeline, shot.clip_id, *still_take(shot, result))


def _land_shot(
    timeline: Timeline, shot: ShotWork, result: dict[str, Any], keyframe: dict[str, Any], rate: float
) -> None:
    _land(timeline, shot.clip_id, *shot_take(shot, result, keyframe, rate))


def _land(timeline: Timeline, ident: str, reference: Any, made: Provenance) -> None:
    _, clip = document.find_clip(timeline, ident)
    if is_placeholder(clip):
        fill_placeholder(timeline, ident, reference, made)
    else:
        takes.add_take(timeline, ident, reference, made)
