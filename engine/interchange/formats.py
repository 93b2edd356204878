"""The timeline formats Shotline reads and writes, by file extension, through OpenTimelineIO's plugins.

Each format is one of OTIO's adapters (from the ``opentimelineio-plugins``
package and the FCPXML and Kdenlive adapters). What each carries both ways is
in the README's table; `Format.loses` names what an export to it cannot
hold, for the one-line warning. Adapters are third-party code reading
untrusted files: every failure they raise becomes one `ProjectFileError`
naming the file, and what they print (the Kdenlive adapter prints a banner)
is kept off the user's terminal.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import ProjectFileError
from engine.interchange import edl_fades, fcp7, kdenlive_speed
from engine.project.persistence import MAX_PROJECT_BYTES


@dataclass(frozen=True)
class Format:
    suffix: str
    adapter: str
    label: str
    loses: tuple[str, ...]  # what an export to it cannot carry (beyond takes, masks, provenance, effects)
    native: bool = False  # OTIO's own JSON: carries everything
    #: the time effects (finishing.SPEED, REVERSE, FREEZE) its adapter writes as the format's own
    time_effects: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {
    f.suffix: f
    for f in (
        Format(".otio", "otio_json", "OpenTimelineIO", (), native=True),
        Format(".otioz", "otioz", "OpenTimelineIO bundle", (), native=True),
        Format(".otiod", "otiod", "OpenTimelineIO folder bundle", (), native=True),
        Format(
            ".edl",
            "cmx_3600",
            "CMX 3600 EDL",
            ("markers", "nested sequences", "disabled clips"),
            time_effects=("speed changes", "freeze frames"),  # M2 lines and FF events
        ),
        Format(
            ".xml",
            "fcp_xml",
            "Final Cut Pro 7 XML",
            (),
            time_effects=("speed changes", "reversed clips"),  # Time Remap filters (fcp7_speed)
        ),
        Format(".fcpxml", "fcpx_xml", "FCPXML", ("transitions", "markers", "disabled clips")),
        Format(".aaf", "AAF", "AAF", ("markers", "disabled clips")),
        Format(
            ".kdenlive",
            "kdenlive",
            "Kdenlive project",
            ("transitions", "markers"),
            # MLT timewarp producers (kdenlive_speed); the adapter writes a reversed one's in
            # point negative, so a reversed clip goes as forwards
            time_effects=("speed changes",),
        ),
    )
}


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format a file name asks for; a `ProjectFileError` listing the known ones otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    known = ", ".join(FORMATS)
    raise ProjectFileError(f"{Path(path).name}: Shotline reads and writes timelines as {known}")


@contextlib.contextmanager
def _quiet_adapter():
    """Adapters print banners and notices on stdout; the CLI's stdout is for its own output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def read(path: Path, fmt: Format, rate: float | None = None) -> Any:
    """What the adapter makes of the file: a Timeline, or a collection of them."""
    if not path.is_file():
        raise ProjectFileError(f"{path} does not exist" if not path.exists() else f"{path} is not a file")
    if path.stat().st_size > MAX_PROJECT_BYTES and fmt.suffix not in (".otioz", ".aaf"):
        raise ProjectFileError(f"{path.name} is too large to be a timeline")
    kwargs: dict[str, Any] = {}
    if fmt.suffix == ".edl":
        kwargs["rate"] = rate or 24.0  # an EDL records no rate; 24 is the adapter's own default
    try:
        with _quiet_adapter():
            if fmt.adapter in ("AAF", "otioz", "otiod"):
                return otio.adapters.read_from_file(str(path), adapter_name=fmt.adapter, **kwargs)
            text = path.read_bytes().decode("utf-8-sig")
            if fmt.suffix == ".xml":
                return fcp7.read_from_string(text)
            if fmt.suffix == ".kdenlive":  # its timewarp producers, which the adapter cannot read
                result = otio.adapters.read_from_string(kdenlive_speed.unwarp(text), adapter_name=fmt.adapter)
                kdenlive_speed.read_speeds(result)
                return result
            if fmt.suffix == ".edl":  # a fade up from black, which the adapter's reader refuses
                text, fades = edl_fades.without_black_starts(text, kwargs["rate"])
                result = otio.adapters.read_from_string(text, adapter_name=fmt.adapter, **kwargs)
                edl_fades.restore(result, fades, kwargs["rate"])
                edl_fades.restore_fade_outs(result)
                return result
            return otio.adapters.read_from_string(text, adapter_name=fmt.adapter, **kwargs)
    except UnicodeDecodeError:
        raise ProjectFileError(f"{path.name} is not a {fmt.label} file (it is not text)") from None
    except Exception as error:  # adapters raise anything from ValueError to their own parse errors
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ProjectFileError(f"{path.name} is not a readable {fmt.label} file ({reason})") from None


def write_string(timeline: otio.schema.Timeline, fmt: Format, **kwargs: Any) -> bytes:
    """The file's bytes, for the formats whose adapters write strings."""
    with _quiet_adapter():
        return otio.adapters.write_to_string(timeline, adapter_name=fmt.adapter, **kwargs).encode("utf-8")


def write_file(timeline: otio.schema.Timeline, fmt: Format, path: Path, **kwargs: Any) -> None:
    """Write through an adapter that only writes files (AAF, .otiod)."""
    with _quiet_adapter():
        otio.adapters.write_to_file(timeline, str(path), adapter_name=fmt.adapter, **kwargs)
