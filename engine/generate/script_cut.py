"""A screenplay becomes a cut: scenes as markers, shots as placeholders, dialogue spoken, the Cast filled.

The layout, in project frames, scene after scene:
- each scene starts with a marker named by its heading;
- each action paragraph is a placeholder shot on the first picture track,
  its prompt the action, as long as reading it takes (WORDS_PER_SECOND,
  at least MIN_SHOT_SECONDS); the dialogue that follows plays over it and
  the shot lasts until the next action or scene, so the picture never
  runs out under a line;
- each line of dialogue is a voice clip on the Dialogue track, spoken by
  the character's voice at its spoken length (so the lines are spoken
  before the cut is laid out), with the line as its subtitle; the two
  lines of a dual dialogue start together, the second on Dialogue 2;
- notes become markers; transitions are kept on the next shot and made
  real: DISSOLVE TO: is a cross-dissolve into the next shot, FADE IN: fades
  the next shot in from black, FADE OUT. (or FADE TO BLACK.) fades the shot
  before out, FADE TO: does both; CUT TO: and every other one is a cut;
- the characters and places join the Cast (members already there, matched
  by name, keep their descriptions, pictures and voices); each shot names
  its scene's place and the characters who speak in it or are named in
  its action.
The whole screenplay text is kept in the project. It is one edit: one undo.
"""

from __future__ import annotations

import math
import os
import re
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from engine.generate.voice.timeline import voice_clip, voice_spec
from engine.project import cast, document, trackedit
from engine.project.change import Change, mutation
from engine.project.document import AUDIO, VIDEO, Clip, Timeline, Track, shotline_meta
from engine.project.placeholders import placeholder_clip
from engine.project.roles import VOICE, track_role
from engine.project.screenplay import ACTION, DIALOGUE, DUAL, NOTE, TRANSITION, Scene, Screenplay, Speech
from engine.project.times import rate_fraction, rt, tr
from engine.project.transitions import DISSOLVE

WORDS_PER_SECOND = Fraction(3)  # reading an action aloud, as a storyboard artist times a panel
MIN_SHOT_SECONDS = 2
PAUSE_SECONDS = Fraction(1, 4)  # between two lines of dialogue
DIALOGUE_TRACKS = ("Dialogue", "Dialogue 2")
#: A screenplay's dissolve or fade, as an editor cuts one by default; never more than half a shot.
TRANSITION_SECONDS = 1


def transition_kind(text: str) -> tuple[bool, bool, bool]:
    """(dissolve into the next shot, fade the shot before out, fade the next one in) for a transition."""
    words = " ".join(text.upper().split())
    if "DISSOLVE" in words:
        return True, False, False
    out = words.startswith(("FADE OUT", "FADE TO BLACK")) or words == "FADE TO:"
    into = words.startswith("FADE IN") or words == "FADE TO:"
    return False, out, into


def dialogue_specs(
    timeline: Timeline, screenplay: Screenplay, cache_dir: str | os.PathLike[str] | None
) -> dict[int, dict[str, Any]]:
    """The voice.speak job of every line, by the line number of its cue, in the character's voice."""
    specs = {}
    for scene in screenplay.scenes:
        for beat in scene.beats:
            for speech in beat.speeches:
                who = _member_name(timeline, speech.name)
                specs[speech.line] = voice_spec(speech.text, who, cast.voice(timeline, who), cache_dir)
    return specs


def _member_name(timeline: Timeline, name: str) -> str:
    """The Cast's own spelling of a name (an existing member keeps it)."""
    found = cast.member(timeline, name)
    return found.name if found is not None else name


def cut_screenplay(
    timeline: Timeline, screenplay: Screenplay, spoken: dict[int, dict[str, Any]], source: str = ""
) -> Change:
    """Lay the screenplay out at the end of the timeline; `spoken` holds each line's voice result."""
    rate = document.settings(timeline).rate
    exact = rate_fraction(rate)
    picture = next(iter(document.tracks(timeline, VIDEO)), None)
    voices = [
        t for t in document.tracks(timeline, AUDIO) if track_role(t) == VOICE and t.name in DIALOGUE_TRACKS
    ]
    start = trackedit.timeline_end(timeline, rate)
    with mutation(
        timeline,
        f"Import Screenplay {source}".strip(),
        [*([picture] if picture is not None else []), *voices],
        stack=True,
    ) as change:
        cast.add_members(timeline, _new_members(screenplay))
        if picture is None:
            picture = _add_track(timeline, "V1", VIDEO)
        dialogue = _dialogue_tracks(timeline, screenplay)
        layout = _Layout(timeline, exact, rate, picture, dialogue, spoken, start)
        for scene in screenplay.scenes:
            layout.scene(scene)
        for track in (picture, *dialogue):
            trackedit.normalize(track, rate)
        meta = shotline_meta(timeline)
        meta["screenplay"] = {"text": screenplay.text, "file": source, "title": screenplay.title}
        change.result = layout.shots
    return change


def _new_members(screenplay: Screenplay) -> list[cast.CastMember]:
    return [cast.CastMember(n, cast.CHARACTER) for n in screenplay.characters()] + [
        cast.CastMember(n, cast.PLACE) for n in screenplay.places()
    ]


def _add_track(timeline: Timeline, name: str, kind: str, role: str | None = None) -> Track:
    track = Track(name=name, kind=kind, metadata={"shotline": {"role": role}} if role else {})
    video, audio = document.tracks(timeline, VIDEO), document.tracks(timeline, AUDIO)
    if kind == VIDEO:
        video.append(track)
    else:
        audio.append(track)
    timeline.tracks[:] = []
    timeline.tracks.extend([*video, *audio])
    return track


def _dialogue_tracks(timeline: Timeline, screenplay: Screenplay) -> list[Track]:
    """Dialogue, and Dialogue 2 when two characters ever speak at once."""
    dual = any(b.kind == DUAL for s in screenplay.scenes for b in s.beats)
    found = []
    for name in DIALOGUE_TRACKS[: 2 if dual else 1]:
        existing = next((t for t in document.tracks(timeline, AUDIO) if t.name == name), None)
        found.append(existing if existing is not None else _add_track(timeline, name, AUDIO, VOICE))
    return found


class _Layout:
    """Places one scene after another from `at`; remembers the open shot until the next one starts."""

    def __init__(
        self,
        timeline: Timeline,
        exact: Fraction,
        rate: float,
        picture: Track,
        dialogue: list[Track],
        spoken: dict[int, dict[str, Any]],
        at: int,
    ) -> None:
        self.timeline, self.exact, self.rate = timeline, exact, rate
        self.picture, self.dialogue, self.spoken = picture, dialogue, spoken
        self.at = at
        self.shots: list[str] = []
        self._open: dict[str, Any] | None = None
        self._transition = ""

    def frames(self, seconds: Fraction) -> int:
        return math.ceil(seconds * self.exact)

    def scene(self, scene: Scene) -> None:
        self._close()
        marker = otio.schema.Marker(name=scene.heading or "Opening", color=otio.schema.MarkerColor.GREEN)
        marker.marked_range = tr(self.at, 0, self.rate)
        marker.metadata["shotline"] = {
            "id": document.new_id(),
            "note": f"Scene {scene.number}, line {scene.line}",
            "scene": scene.number,
        }
        self.timeline.tracks.markers.append(marker)
        count = 0
        for beat in scene.beats:
            if beat.kind == ACTION:
                self._close()
                count += 1
                self._start(scene, count, beat.text, beat.line)
                words = len(beat.text.split())
                self.at += max(self.frames(Fraction(MIN_SHOT_SECONDS)), self.frames(words / WORDS_PER_SECOND))
            elif beat.kind in (DIALOGUE, DUAL):
                if self._open is None:  # a scene that opens on dialogue: a shot of the place
                    count += 1
                    self._start(scene, count, scene.place or scene.heading or "Opening", scene.line)
                self._speak(beat.speeches)
            elif beat.kind == NOTE:
                note = otio.schema.Marker(name="Note", color=otio.schema.MarkerColor.YELLOW)
                note.marked_range = tr(self.at, 0, self.rate)
                note.metadata["shotline"] = {"id": document.new_id(), "note": beat.text, "line": beat.line}
                self.timeline.tracks.markers.append(note)
            elif beat.kind == TRANSITION:
                self._transition = beat.text
                if transition_kind(beat.text)[1]:
                    self._fade_out_before()
        self._close()

    def _start(self, scene: Scene, count: int, prompt: str, line: int) -> None:
        names = [_member_name(self.timeline, scene.place)] if scene.place else []
        names += [m.name for m in cast.members(self.timeline, cast.CHARACTER) if _named_in(m.name, prompt)]
        self._open = {
            "scene": scene,
            "count": count,
            "prompt": prompt,
            "line": line,
            "start": self.at,
            "cast": names,
            "transition": self._transition,  # the transition into this shot (CUT TO:, DISSOLVE TO:)
        }
        self._transition = ""

    def _transition_frames(self, *lengths: int) -> int:
        return min(self.frames(Fraction(TRANSITION_SECONDS)), *(n // 2 for n in lengths))

    def _fade_out_before(self) -> None:
        """FADE OUT.: the shot being laid out fades to black at its end (or the last one laid out)."""
        if self._open is not None:
            self._open["fade_out"] = True
            return
        last = next((c for c in reversed(list(self.picture)) if isinstance(c, Clip)), None)
        if last is not None:
            length = trackedit.duration_frames(last, self.rate)
            shotline_meta(last)["fade_out"] = self._transition_frames(length)

    def _join(self, clip: Clip, transition: str) -> None:
        """The screenplay's transition into `clip`, just placed at the end of the picture track."""
        dissolve, _, fade_in = transition_kind(transition)
        length = trackedit.duration_frames(clip, self.rate)
        if fade_in:
            shotline_meta(clip)["fade_in"] = self._transition_frames(length)
        before = list(self.picture)[-2] if len(self.picture) > 1 else None
        if dissolve and isinstance(before, Clip):
            frames = self._transition_frames(length, trackedit.duration_frames(before, self.rate))
            if frames > 0:
                self.picture.insert(
                    len(self.picture) - 1,
                    otio.schema.Transition(
                        name="Cross Dissolve",
                        transition_type=DISSOLVE,
                        in_offset=rt(frames // 2, self.rate),
                        out_offset=rt(frames - frames // 2, self.rate),
                    ),
                )

    def _speak(self, speeches: tuple[Speech, ...]) -> None:
        longest = 0
        for track, speech in zip(self.dialogue, speeches, strict=False):
            result = self.spoken[speech.line]
            clip = voice_clip(result, self.rate)
            meta = shotline_meta(clip)
            meta["subtitle"] = speech.text
            meta["line"] = speech.line
            if speech.parenthetical:
                meta["parenthetical"] = speech.parenthetical
            length = trackedit.duration_frames(clip, self.rate)
            gap = self.at - trackedit.track_end(track, self.rate)
            if gap > 0:
                track.append(trackedit.make_gap(gap, self.rate))
            track.append(clip)
            longest = max(longest, length)
            if self._open is not None and speech.name not in self._open["cast"]:
                self._open["cast"].append(_member_name(self.timeline, speech.name))
        self.at += longest + self.frames(PAUSE_SECONDS)

    def _close(self) -> None:
        if self._open is None:
            return
        shot, self._open = self._open, None
        scene: Scene = shot["scene"]
        frames = self.at - shot["start"]
        name = f"{scene.number}.{shot['count']} {_short(shot['prompt'])}"
        clip: Clip = placeholder_clip(name, frames, self.rate, shot["prompt"])
        meta = shotline_meta(clip)
        meta["cast"] = list(dict.fromkeys(shot["cast"]))
        meta["scene"] = scene.number
        meta["line"] = shot["line"]
        if shot["transition"]:
            meta["transition"] = shot["transition"]
        if shot.get("fade_out"):
            meta["fade_out"] = self._transition_frames(frames)
        gap = shot["start"] - trackedit.track_end(self.picture, self.rate)
        if gap > 0:
            self.picture.append(trackedit.make_gap(gap, self.rate))
        self.picture.append(clip)
        self._join(clip, shot["transition"])
        self.shots.append(document.clip_id(clip))


def _named_in(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
