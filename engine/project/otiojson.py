"""OTIO JSON read through one checker before OpenTimelineIO parses it.

OpenTimelineIO's reader is native code, and some documents it does not
refuse but crash on, taking the whole process down where no `except`
can catch it: an object whose `OTIO_SCHEMA` is `UnknownSchema.1` aborts
("should not be created from type registry"), and a `Clip.1` (or
`Clip.0`) that already holds version 2's `media_references` is freed
twice while being upgraded and segfaults. Its reader also takes the
first of two duplicate keys where Python takes the last, and turns an
integer of 2**63 silently into 0.

So every project, autosave journal, clipboard and timeline sent for
export is read here: strictly as JSON by Python first (no NaN or
infinities, no nesting deeper than MAX_DEPTH), then every object is
checked (its schema a kind of document object this OpenTimelineIO knows,
at a version from 1 to the current one, an older version in the shape
that version had), every integer fits 64 bits and every time is within
MAX_SECONDS at a rate up to MAX_RATE. Only then does OpenTimelineIO parse
the document, and it parses the JSON exactly as checked (serialized
again), not the original text.

Errors are `ProjectFileError`s whose message is a predicate ("is nested
too deeply", "holds an object of a kind Shotline does not know"): the
caller puts the file or payload it read in front.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import opentimelineio as otio

from engine.errors import ProjectFileError

#: Deeper than any document OTIO writes (a timeline is about ten levels, metadata a few more).
MAX_DEPTH = 200
#: About eleven days: longer than any film, and than any source timecode (which stays under 24 h).
MAX_SECONDS = 1_000_000
#: The highest rate a time may count in: sound-only media count samples (48 kHz, 192 kHz at most).
MAX_RATE = 1_000_000
MIN_RATE = 0.001
INT64_MAX = 2**63 - 1

#: Objects a timeline document holds. OTIO knows more (plugin manifests, adapters, a test
#: object, UnknownSchema itself); none belongs in a project and some crash the reader.
DOCUMENT_SCHEMAS = frozenset(
    {
        "Timeline",
        "Stack",
        "Track",
        "Clip",
        "Gap",
        "Transition",
        "Effect",
        "TimeEffect",
        "LinearTimeWarp",
        "FreezeFrame",
        "Marker",
        "ExternalReference",
        "MissingReference",
        "GeneratorReference",
        "ImageSequenceReference",
        "MediaReference",
        "SerializableCollection",
        "SerializableObjectWithMetadata",
        "Composable",
        "Composition",
        "Item",
    }
)
#: Value types the JSON reader builds itself, outside the type registry.
VALUE_SCHEMAS = {"RationalTime": 1, "TimeRange": 1, "TimeTransform": 1}
#: Keys an object at an older version may not hold: the upgrade to the current version writes
#: them, and finding them already there is what crashes it.
LATER_KEYS = {("Clip", 1): frozenset({"media_references", "active_media_reference_key"})}

_SCHEMA = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\.([0-9]{1,4})")
_REGISTRY = otio.core.type_version_map()
CURRENT: dict[str, int] = {
    **{name: version for name, version in _REGISTRY.items() if name in DOCUMENT_SCHEMAS},
    **VALUE_SCHEMAS,
}


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ProjectFileError(f"holds the number {text[:40]}, too large for any time or size")
    return value


def _int64(text: str) -> int:
    value = int(text)
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise ProjectFileError(f"holds the number {_cut(text)}, too large for any time or size")
    return value


def _cut(text: str) -> str:
    return text if len(text) <= 30 else f"{text[:30]}…"


def _no_constant(name: str) -> float:
    raise ProjectFileError(f"holds {name}, which is not a number")


def loads(text: str | bytes) -> Any:
    """Strict JSON: the numbers JSON allows, as deep as the checker allows; ProjectFileError if not."""
    try:
        return json.loads(text, parse_float=_finite_float, parse_int=_int64, parse_constant=_no_constant)
    except RecursionError:
        raise ProjectFileError("is nested too deeply to be a timeline") from None
    except UnicodeDecodeError:
        raise ProjectFileError("is not text") from None
    except ValueError as error:  # JSONDecodeError, and integers too long to read
        raise ProjectFileError(f"is damaged or not OTIO JSON ({error})") from None


def _where(node: dict[str, Any]) -> str:
    name = node.get("name")
    return f" named {name[:60]!r}" if isinstance(name, str) and name else ""


def _check_schema(node: dict[str, Any]) -> str:
    schema = node["OTIO_SCHEMA"]
    match = _SCHEMA.fullmatch(schema) if isinstance(schema, str) else None
    if match is None:
        raise ProjectFileError(f"holds an object whose OTIO_SCHEMA {str(schema)[:60]!r} is not Name.version")
    name, version = match.group(1), int(match.group(2))
    current = CURRENT.get(name)
    if current is None:
        raise ProjectFileError(f"holds an object of a kind Shotline does not know ({schema[:60]})")
    if version > current:
        raise ProjectFileError(
            f"holds a {schema}{_where(node)}, newer than this OpenTimelineIO reads ({name}.{current})"
        )
    if version < 1:
        raise ProjectFileError(f"holds a {schema}{_where(node)}: there is no version {version} of {name}")
    later = LATER_KEYS.get((name, version), frozenset()) & node.keys()
    if later:
        raise ProjectFileError(
            f"holds a {schema}{_where(node)} with {', '.join(sorted(later))}, which only a later {name} has"
        )
    return name


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_time(node: dict[str, Any]) -> None:
    value, rate = node.get("value"), node.get("rate")
    if not (_number(value) and _number(rate)):
        raise ProjectFileError("holds a time whose value or rate is not a number")
    if any(isinstance(n, int) and not -INT64_MAX - 1 <= n <= INT64_MAX for n in (value, rate)):
        raise ProjectFileError(f"holds a time of {_cut(str(value))} at a rate of {_cut(str(rate))}")
    if not MIN_RATE <= rate <= MAX_RATE:  # a rate of 0 turns into NaN once the time is rescaled
        raise ProjectFileError(f"holds a time at a rate of {rate:g}, outside {MIN_RATE:g} to {MAX_RATE}")
    if abs(value) / rate > MAX_SECONDS:
        raise ProjectFileError(
            f"holds a time of {value} frames at {rate:g} fps, longer than {MAX_SECONDS} seconds"
        )


def check(data: Any) -> None:
    """Refuse, as ProjectFileError, anything in a JSON tree that OpenTimelineIO must not be given.

    Walks the tree without recursion, so a deep document costs a message, not the stack.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, bool) or node is None or isinstance(node, str):
            continue
        if isinstance(node, float):
            if not math.isfinite(node):
                raise ProjectFileError(f"holds {node}, which is not a number a timeline can hold")
            continue
        if isinstance(node, int):
            if not -INT64_MAX - 1 <= node <= INT64_MAX:
                raise ProjectFileError(f"holds the number {_cut(str(node))}, too large for any time or size")
            continue
        if depth >= MAX_DEPTH:
            raise ProjectFileError(f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
            continue
        if "OTIO_SCHEMA" in node and _check_schema(node) == "RationalTime":
            _check_time(node)
        stack.extend((child, depth + 1) for child in node.values())


def parse(text: str | bytes) -> Any:
    """OTIO objects from OTIO JSON text, checked first; ProjectFileError for anything refused."""
    data = loads(text)
    return parse_data(data)


def parse_data(data: Any) -> Any:
    """OTIO objects from an already-read JSON tree (a timeline sent as an object), checked first."""
    if not isinstance(data, dict) or "OTIO_SCHEMA" not in data:
        raise ProjectFileError("is JSON but not an OpenTimelineIO document")
    check(data)
    try:
        return otio.adapters.read_from_string(json.dumps(data), "otio_json")
    except Exception as error:  # OTIO raises several unrelated types for malformed input
        raise ProjectFileError(f"is damaged or not a timeline ({_short(error)})") from None


def _short(error: Exception) -> str:
    text = str(error).replace("\n", " ")
    return text if len(text) <= 200 else text[:200] + "…"
