"""The Cast: the characters and places of a film, and its style, kept so every shot draws them alike.

A member has a name, a description that goes into every prompt of a shot
it is in, and reference pictures that condition the shot's keyframe
(image.edit); a character also has a voice, kept where Add Voice-over
finds it (engine.project.voices). The style is a text and pictures that go
into every shot. All of it lives in ``timeline.metadata["shotline"]["cast"]``
and every change is an edit (one undo step).

A shot names who and where it is in ``clip.metadata["shotline"]["cast"]``.
A generated take records, in its provenance, each reference it was made
from with its file's identity (path and content hash); when a member's
references change afterwards (a picture replaced, removed or added), or
the description of a member it shows (the take's prompt no longer says it
as it reads now), the take no longer shows the Cast as it is, and
`stale_clips` says which shots need generating again and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import EditError
from engine.project import provenance
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip, iter_clips, shotline_meta
from engine.project.mediapaths import file_identity
from engine.project.voices import CharacterVoice, character_voices

CHARACTER, PLACE = "character", "place"
KINDS = (CHARACTER, PLACE)
#: The style's name where a reference or a reason names it.
STYLE = "Style"


@dataclass(frozen=True)
class CastMember:
    name: str
    kind: str = CHARACTER
    description: str = ""
    references: tuple[str, ...] = ()  # absolute paths of pictures

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "references": list(self.references),
        }

    @classmethod
    def from_dict(cls, data: Any) -> CastMember | None:
        if not hasattr(data, "get") or not str(data.get("name") or "").strip():
            return None
        kind = str(data.get("kind") or CHARACTER)
        references = data.get("references") or ()
        return cls(
            name=str(data["name"]).strip(),
            kind=kind if kind in KINDS else CHARACTER,
            description=str(data.get("description") or ""),
            references=tuple(str(r) for r in references if isinstance(r, str)),
        )


@dataclass(frozen=True)
class Style:
    description: str = ""
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staleness:
    """A shot whose take was made from references that have changed since."""

    clip_id: str
    name: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _stored(timeline: Timeline) -> Any:
    stored = timeline.metadata.get("shotline", {}).get("cast", {})
    return stored if hasattr(stored, "get") else {}


def members(timeline: Timeline, kind: str | None = None) -> list[CastMember]:
    """The Cast in the order members joined, optionally of one kind."""
    found = [CastMember.from_dict(m) for m in _stored(timeline).get("members", []) or []]
    return [m for m in found if m is not None and (kind is None or m.kind == kind)]


def member(timeline: Timeline, name: str) -> CastMember | None:
    """The member called `name` (case and spacing do not matter: MARA in a script is Mara)."""
    key = _key(name)
    return next((m for m in members(timeline) if _key(m.name) == key), None)


def style(timeline: Timeline) -> Style:
    stored = _stored(timeline).get("style", {})
    if not hasattr(stored, "get"):
        return Style()
    refs = tuple(str(r) for r in stored.get("references") or () if isinstance(r, str))
    return Style(str(stored.get("description") or ""), refs)


def voice(timeline: Timeline, name: str) -> CharacterVoice:
    """A character's voice, as Add Voice-over keeps it (the default voice when none was chosen)."""
    known = {_key(k): v for k, v in character_voices(timeline).items()}
    return known.get(_key(name), CharacterVoice())


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _checked(added: CastMember) -> CastMember:
    name = " ".join(added.name.split())
    if not name:
        raise EditError("A cast member needs a name")
    if added.kind not in KINDS:
        raise EditError(f"{added.kind!r} is not a kind of cast member ({', '.join(KINDS)})")
    refs = []
    for ref in added.references:
        path = Path(ref).expanduser()
        if not path.is_file():
            raise EditError(f"The reference picture {ref} does not exist")
        refs.append(str(path.absolute()))
    return CastMember(name, added.kind, added.description.strip(), tuple(refs))


def set_member(
    timeline: Timeline, added: CastMember, character_voice: CharacterVoice | None = None
) -> Change:
    """Add a member, or change the one of that name (its place in the Cast is kept); one undo step."""
    added = _checked(added)
    current = members(timeline)
    index = next((i for i, m in enumerate(current) if _key(m.name) == _key(added.name)), None)
    label = f"Add {added.name} to the Cast" if index is None else f"Edit {added.name}"
    with mutation(timeline, label, stack=True) as change:
        if index is None:
            current.append(added)
        else:
            current[index] = added
        _write(timeline, current)
        if character_voice is not None and added.kind == CHARACTER:
            voices = {k: v.to_dict() for k, v in character_voices(timeline).items()}
            voices[added.name] = character_voice.to_dict()
            shotline_meta(timeline)["voices"] = voices
        change.result = added.name
    return change


def add_members(timeline: Timeline, added: list[CastMember]) -> Change:
    """Add several members at once (a script's characters and places); those already there are kept."""
    current = members(timeline)
    known = {_key(m.name) for m in current}
    new = []
    for one in added:
        checked = _checked(one)
        if _key(checked.name) not in known:
            known.add(_key(checked.name))
            new.append(checked)
    with mutation(timeline, "Add to the Cast", stack=True) as change:
        _write(timeline, current + new)
        change.result = [m.name for m in new]
    return change


def remove_member(timeline: Timeline, name: str) -> Change:
    current = members(timeline)
    gone = member(timeline, name)
    if gone is None:
        raise EditError(f"No one in the Cast is called {name}")
    with mutation(timeline, f"Remove {gone.name} from the Cast", stack=True) as change:
        _write(timeline, [m for m in current if m.name != gone.name])
        change.result = gone.name
    return change


def set_style(timeline: Timeline, new: Style) -> Change:
    """The project-wide style: a text that goes into every prompt, and pictures every keyframe follows."""
    checked = _checked(CastMember(STYLE, PLACE, new.description, new.references))
    with mutation(timeline, "Edit Style", stack=True) as change:
        cast = _plain(_stored(timeline))
        cast["style"] = {"description": checked.description, "references": list(checked.references)}
        shotline_meta(timeline)["cast"] = cast
        change.result = STYLE
    return change


def _write(timeline: Timeline, kept: list[CastMember]) -> None:
    cast = _plain(_stored(timeline))
    cast["members"] = [m.to_dict() for m in kept]
    shotline_meta(timeline)["cast"] = cast


def _plain(stored: Any) -> dict[str, Any]:
    return {str(k): v for k, v in stored.items()} if hasattr(stored, "items") else {}


# shots ---------------------------------------------------------------------------------------


def shot_cast(clip: Clip) -> list[str]:
    """The names of the members a shot shows (as the shot names them)."""
    names = clip.metadata.get("shotline", {}).get("cast", [])
    return [str(n) for n in names] if not isinstance(names, str | dict) and hasattr(names, "__iter__") else []


def set_shot_cast(timeline: Timeline, ident: str, names: list[str]) -> Change:
    """Say who and where a shot is; every name must be in the Cast."""
    track, clip = find_clip(timeline, ident)
    chosen = []
    for name in names:
        found = member(timeline, name)
        if found is None:
            raise EditError(f"No one in the Cast is called {name}")
        if found.name not in chosen:
            chosen.append(found.name)
    with mutation(timeline, f"Cast of {clip.name or 'Shot'}", [track]) as change:
        _, clip = find_clip(timeline, ident)
        shotline_meta(clip)["cast"] = chosen
        change.result = chosen
    return change


def prompt_for(timeline: Timeline, prompt: str, names: list[str]) -> str:
    """The shot's prompt with its members' descriptions and the style, so every shot draws them alike."""
    parts = [prompt.strip().rstrip(".") + "."] if prompt.strip() else []
    for name in names:
        found = member(timeline, name)
        if found is not None and found.description:
            parts.append(described(found.name, found.description))
    look = style(timeline)
    if look.description:
        parts.append(described(STYLE, look.description))
    return " ".join(parts)


def described(name: str, description: str) -> str:
    """How a member's description reads in a prompt ("Mara: a keeper in a red coat.")."""
    return f"{name}: {description.strip().rstrip('.')}."


def references_for(timeline: Timeline, names: list[str]) -> list[dict[str, str]]:
    """The pictures a shot's keyframe is made from: each member's, then the style's, with their names."""
    found: list[dict[str, str]] = []
    for name in names:
        one = member(timeline, name)
        if one is not None:
            found.extend({"path": ref, "name": one.name} for ref in one.references)
    found.extend({"path": ref, "name": STYLE} for ref in style(timeline).references)
    return found


def stale_clips(timeline: Timeline) -> list[Staleness]:
    """Which shots' playing takes were made from references that have changed since, and why.

    A take is stale when a picture it was made from now has other content, or
    is no longer one of its member's references, or when a member it shows
    has a reference the take was not made from. Takes that record no
    references (footage, or made before the Cast) are never stale.
    """
    stale = []
    for _, clip in iter_clips(timeline):
        try:
            made = provenance.read(clip.media_reference)
        except EditError:  # a hand-edited or foreign take's record: nothing to compare, so not stale
            continue
        if made is None or "reference_files" not in made.extra:
            continue
        used = [f for f in made.extra.get("reference_files") or [] if isinstance(f, dict)]
        shown = [str(n) for n in made.extra.get("cast") or []]
        reasons = _reasons(timeline, used, shown) + _description_reasons(timeline, made.prompt, shown)
        if reasons:
            ident = str(clip.metadata["shotline"]["id"])
            stale.append(Staleness(ident, clip.name or "Shot", tuple(reasons)))
    return stale


def _description_reasons(timeline: Timeline, prompt: str, shown: list[str]) -> list[str]:
    """Whose description (or the style's) is no longer the one the take's prompt was written with."""
    reasons = []
    said = {name: member(timeline, name) for name in shown}
    described_now = [(m.name, m.description) for m in said.values() if m is not None]
    if shown:
        described_now.append((STYLE, style(timeline).description))
    for name, description in described_now:
        label = "The style's description" if name == STYLE else f"{name}'s description"
        # the words after the name: a member renamed since is still described as the take was
        if description.strip() and described(name, description).removeprefix(name) not in prompt:
            reasons.append(f"{label} has changed")
        elif not description.strip() and f"{name}: " in prompt:
            reasons.append(f"{label} was removed")
    return reasons


def _reasons(timeline: Timeline, used: list[dict[str, Any]], shown: list[str]) -> list[str]:
    """Why a take made from `used` (showing the members `shown`) no longer matches the Cast."""
    reasons = []
    now: dict[str, list[str]] = {m.name: list(m.references) for m in members(timeline)}
    now[STYLE] = list(style(timeline).references)
    used_paths = {str(f.get("path")) for f in used}
    for entry in used:
        name, path = str(entry.get("name") or ""), str(entry.get("path") or "")
        label = f"{name}'s reference {Path(path).name}" if name else f"The reference {Path(path).name}"
        owner = next((n for n in now if _key(n) == _key(name)), None)
        if owner is not None and path not in now[owner]:
            reasons.append(f"{label} was removed from the Cast")
        elif file_identity(path)["sha256"] != entry.get("sha256"):
            reasons.append(f"{label} has changed")
    names = dict.fromkeys([*(str(f.get("name") or "") for f in used), *shown, *([STYLE] if shown else [])])
    for name in names:
        owner = next((n for n in now if _key(n) == _key(name)), None)
        for path in now.get(owner, []) if owner else []:
            if path not in used_paths:
                reasons.append(f"{owner} has a new reference {Path(path).name}")
    return reasons
