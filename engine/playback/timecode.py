"""Reading a timecode a user types, the way Premiere's timecode fields read it.

Fields are read from the right: the last is frames, then seconds, minutes,
hours. Separators may be ``:``, ``;`` or ``.``; digits typed without any are
taken two at a time from the right, so ``100`` is 00:00:01:00 and ``1:00``
is one second. Fields may overflow (``90`` at 30 fps is three seconds). A
leading ``+`` or ``-`` moves relative to the current frame, so ``+10`` steps
ten frames and ``-1:00`` goes back a second. Frames count at the nominal
(rounded) rate, as `engine.project.times.timecode` writes them.
"""

from __future__ import annotations

import re

from engine.errors import EditError

_SEPARATORS = re.compile(r"[:;.]")


def parse_timecode(text: str, rate: float, current: int = 0) -> int:
    """The frame `text` names; an `EditError` with a readable message when it names none."""
    raw = text.strip().replace(" ", "")
    sign = 0
    if raw[:1] in "+-" and raw:
        sign = 1 if raw[0] == "+" else -1
        raw = raw[1:]
    if not raw:
        raise EditError(f"{text!r} is not a timecode (type HH:MM:SS:FF, or + or - and frames)")
    if _SEPARATORS.search(raw):
        fields = _SEPARATORS.split(raw)
    else:
        fields = [raw[max(0, end - 2) : end] for end in range(len(raw), 0, -2)][::-1]
    if len(fields) > 4 or not all(f.isdigit() for f in fields):
        raise EditError(f"{text!r} is not a timecode (type HH:MM:SS:FF, or + or - and frames)")
    fps = round(rate)
    hours, minutes, seconds, frames = ([0, 0, 0, 0] + [int(f) for f in fields])[-4:]
    total = ((hours * 60 + minutes) * 60 + seconds) * fps + frames
    if sign:
        return max(0, current + sign * total)
    return total
