"""JSON-RPC 2.0 messages, one per line, as the editor and the engine exchange them.

Line-delimited JSON keeps the framing trivial for any client (a shell
script can drive the engine). Nothing but JSON crosses the pipe: no pickle,
so a malformed or hostile message can at worst be refused. Every message
that cannot be understood gets a JSON-RPC error reply and the engine goes
on reading.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
INTERNAL_ERROR = -32603
#: An error a user can act on (a bad spec, an unknown job), as opposed to a broken message.
JOB_ERROR = -32000
MAX_LINE = 16 * 1024 * 1024  # large data travels as files; a huge line is a broken client


@dataclass(frozen=True)
class Message:
    """A request (with an id, wants a reply) or a notification (no id)."""

    method: str
    params: dict[str, Any]
    id: int | str | None = None

    @property
    def is_request(self) -> bool:
        return self.id is not None


class ProtocolError(Exception):
    def __init__(self, code: int, message: str, id: int | str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.id = code, message, id


class _NotANumber(ValueError):
    """A number JSON cannot hold (NaN, Infinity) or one too large for a float (1e999)."""


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotANumber(f"the number {text[:40]} is too large")
    return value


def _no_constant(name: str) -> float:
    raise _NotANumber(f"{name} is not a JSON number")


def parse(line: str | bytes) -> Message:
    """One line as a message, or ProtocolError with the reply's code; nothing else escapes.

    Python's reader accepts NaN and Infinity and reads 1e999 as an infinity;
    none of those is JSON, and an infinity reaching a frame count only
    fails later as an OverflowError, so they are refused here. A message
    nested deeper than the reader's recursion limit is refused too.
    """
    if len(line) > MAX_LINE:
        raise ProtocolError(INVALID_REQUEST, f"Message too long (more than {MAX_LINE} bytes)")
    try:
        data = json.loads(line, parse_float=_finite_float, parse_constant=_no_constant)
    except _NotANumber as error:
        raise ProtocolError(PARSE_ERROR, f"Parse error: {error}") from None
    except RecursionError:
        raise ProtocolError(PARSE_ERROR, "Parse error: nested too deeply") from None
    except (ValueError, UnicodeDecodeError):  # ValueError covers integers too long to read
        raise ProtocolError(PARSE_ERROR, "Parse error: not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(INVALID_REQUEST, "Invalid request: not an object")
    ident = data.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, int | str)):
        raise ProtocolError(INVALID_REQUEST, "Invalid request: id must be a number or a string")
    if data.get("jsonrpc") != "2.0":
        raise ProtocolError(INVALID_REQUEST, 'Invalid request: "jsonrpc" must be "2.0"', ident)
    method = data.get("method")
    if not isinstance(method, str):
        raise ProtocolError(INVALID_REQUEST, "Invalid request: no method", ident)
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise ProtocolError(INVALID_PARAMS, "Invalid params: must be an object", ident)
    return Message(method, params, ident)


def read_lines(source: BinaryIO) -> Iterator[bytes]:
    """The lines of `source`, each cut at MAX_LINE + 1 bytes so a line with no end cannot fill memory.

    A cut line is still yielded (too long, so `parse` refuses it and the
    client gets its error reply); the rest of it is read and dropped.
    """
    while True:
        line = source.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while True:
                rest = source.readline(MAX_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def request(method: str, params: dict[str, Any], ident: int | str) -> str:
    return _line({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})


def notification(method: str, params: dict[str, Any]) -> str:
    return _line({"jsonrpc": "2.0", "method": method, "params": params})


def result(ident: int | str | None, value: Any) -> str:
    return _line({"jsonrpc": "2.0", "id": ident, "result": value})


def error(ident: int | str | None, code: int, message: str) -> str:
    return _line({"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}})


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), default=str) + "\n"
