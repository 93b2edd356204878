"""A screenplay in Fountain, read into scenes of beats: what a cut is made from.

Fountain (fountain.io) is the plain-text screenplay format most writing
tools export. It is parsed by fountain-py (a maintained, dependency-free
parser that keeps each element's line number and reports unclosed notes,
unclosed boneyards and cues without dialogue). This module turns its
elements into what the cut needs: scenes (heading, place, line), and in
each, beats in order: action paragraphs, dialogue (who, what, how), dual
dialogue (two lines spoken at once), notes and transitions. Boneyard text
(/* ... */) is the writer's cut material and makes nothing.

Errors in the text stop the import with every problem and its line number;
warnings are kept on the result for the caller to show. The whole text is
kept, so the project holds the script it was made from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fountain import ElementType, FountainElement, FountainParser

from engine.errors import ShotlineError

ACTION, DIALOGUE, DUAL, NOTE, TRANSITION = "action", "dialogue", "dual", "note", "transition"
#: Scene heading prefixes (INT., EXT., INT./EXT., I/E., EST.) and the time of day after the last dash.
_PREFIX = re.compile(r"^(?:\.|(?:INT\.?/EXT|EXT\.?/INT|INT|EXT|EST|I/E)[.\s])\s*", re.IGNORECASE)
_TIME = re.compile(r"\s+-\s+[^-]*$")
_SCENE_NUMBER = re.compile(r"\s*#[^#]+#\s*$")


class ScriptError(ShotlineError):
    """A screenplay that cannot be imported; the message lists each problem with its line."""


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    error: bool = True

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Speech:
    character: str  # as the cue writes it, without extension: "MARA"
    text: str
    line: int
    parenthetical: str = ""  # how it is said: "(calling up)"
    extension: str = ""  # V.O., O.S., CONT'D

    @property
    def name(self) -> str:
        """The character as the Cast names them: MARA is Mara."""
        return cast_name(self.character)


@dataclass(frozen=True)
class Beat:
    kind: str  # ACTION, DIALOGUE, DUAL, NOTE, TRANSITION
    line: int
    text: str = ""  # the action, note or transition
    speeches: tuple[Speech, ...] = ()  # one for dialogue, two for dual dialogue


@dataclass(frozen=True)
class Scene:
    number: int
    heading: str  # "EXT. LIGHTHOUSE - DAWN"; "" for what comes before the first heading
    line: int
    beats: tuple[Beat, ...]

    @property
    def place(self) -> str:
        """Where it is, as the Cast names it: EXT. LIGHTHOUSE - DAWN is Lighthouse."""
        bare = _SCENE_NUMBER.sub("", self.heading)
        bare = _TIME.sub("", _PREFIX.sub("", bare)).strip(" .-")
        return cast_name(bare) if bare else ""


@dataclass(frozen=True)
class Screenplay:
    title: str
    text: str
    scenes: tuple[Scene, ...]
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    def characters(self) -> list[str]:
        """Who speaks, in order of first line."""
        seen: dict[str, None] = {}
        for scene in self.scenes:
            for beat in scene.beats:
                for speech in beat.speeches:
                    seen.setdefault(speech.name, None)
        return list(seen)

    def places(self) -> list[str]:
        return list(dict.fromkeys(s.place for s in self.scenes if s.place))


def cast_name(text: str) -> str:
    """A script's capitals as a name reads in prompts: MARA -> Mara, LAMP ROOM -> Lamp Room."""
    words = " ".join(text.split())
    return words.title() if words.isupper() else words


def parse(text: str, name: str = "the screenplay") -> Screenplay:
    """The screenplay in `text`; ScriptError listing each error with its line number."""
    if "\x00" in text:
        raise ScriptError(f"{name} is not a text file")
    document = FountainParser().parse(text.replace("\r\n", "\n").replace("\r", "\n"))
    problems = [Problem(i.line_number, i.message, i.severity == "error") for i in document.issues]
    errors = [p for p in problems if p.error]
    if errors:
        listed = "; ".join(str(p) for p in errors)
        raise ScriptError(f"{name} has {_count(len(errors), 'error')}: {listed}")
    scenes = _scenes(document.elements, problems)
    if not any(scene.beats for scene in scenes):
        raise ScriptError(f"{name} has no scenes, action or dialogue to make a cut from")
    title = str(document.metadata.get("title") or "").strip()
    return Screenplay(title, text, tuple(scenes), tuple(p for p in problems if not p.error))


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _scenes(elements: list[FountainElement], problems: list[Problem]) -> list[Scene]:
    scenes: list[Scene] = []
    heading, line, beats = "", 1, []
    index = 0
    while index < len(elements):
        element = elements[index]
        kind = element.type
        if kind == ElementType.SCENE_HEADING:
            # what comes before the first heading is a scene of its own only if something happens in it
            if heading or any(b.kind not in (TRANSITION, NOTE) for b in beats):
                scenes.append(Scene(len(scenes) + 1, heading, line, tuple(beats)))
                beats = []
            heading, line = element.text.strip(), element.line_number
        elif kind in (ElementType.ACTION, ElementType.CENTERED, ElementType.LYRICS):
            if element.text.strip():
                beats.append(Beat(ACTION, element.line_number, " ".join(element.text.split())))
        elif kind == ElementType.CHARACTER:
            speech, index = _speech(element, elements, index + 1)
            if speech is None:
                problems.append(Problem(element.line_number, f"{element.text} has no line to speak", False))
            else:
                beats.append(Beat(DIALOGUE, element.line_number, speeches=(speech,)))
            continue
        elif kind == ElementType.DUAL_DIALOGUE:
            left, right = element.dual_dialogue_columns()
            pair = tuple(s for s in (_speech(left[0], left, 1)[0], _speech(right[0], right, 1)[0]) if s)
            beats.append(Beat(DUAL if len(pair) == 2 else DIALOGUE, left[0].line_number, speeches=pair))
        elif kind == ElementType.NOTE:
            beats.append(
                Beat(NOTE, element.line_number, element.text.strip().removeprefix("[[").removesuffix("]]"))
            )
        elif kind == ElementType.TRANSITION:
            beats.append(Beat(TRANSITION, element.line_number, element.text.strip()))
        elif kind in (ElementType.DIALOGUE, ElementType.PARENTHETICAL):
            problems.append(Problem(element.line_number, "dialogue without a character cue", False))
        # sections, synopses, page breaks and boneyard text make no part of the cut
        index += 1
    if beats or heading:
        scenes.append(Scene(len(scenes) + 1, heading, line, tuple(beats)))
    return scenes


def _speech(cue: FountainElement, elements: list[FountainElement], index: int) -> tuple[Speech | None, int]:
    """The speech a cue starts (its dialogue and parentheticals), and the index after it."""
    said, how = [], ""
    while index < len(elements) and elements[index].type in (ElementType.DIALOGUE, ElementType.PARENTHETICAL):
        element = elements[index]
        if element.type == ElementType.PARENTHETICAL:
            how = how or element.text.strip()
        elif element.text.strip():
            said.append(" ".join(element.text.split()))
        index += 1
    name = re.sub(r"\s*\^$", "", cue.text).strip()
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    if not said:
        return None, index
    extension = str(cue.metadata.get("extension") or "")
    return Speech(name, " ".join(said), cue.line_number, how, extension), index
