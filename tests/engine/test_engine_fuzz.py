"""Whatever arrives on the engine's stdin, every message gets a reply and the engine keeps serving.

Driven over the real pipe (tests/support/engine_process.py), as a buggy or
hostile client would: lines that are not JSON, nested past any stack,
numbers JSON cannot hold or a frame count cannot be, wrong types in every
field of every method, names too long for the file system. After each
line the test asks `status`; the engine must answer it, and must have
answered the line itself first when it was a request. No reply may be an
internal error: that would be an exception escaping a method's own checks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.engine_process import EngineProcess
from tests.support.fuzzing import fuzz_settings

pytestmark = pytest.mark.fuzz

INTERNAL_ERROR = -32603
#: What the engine answers; `shutdown` is left out (it ends the engine, as it should).
METHODS = ["initialize", "submit", "export", "cancel", "status", "no.such.method"]
HOSTILE_NUMBERS = ["1e999", "-1e999", "1e308", "NaN", "Infinity", "-0", str(2**63), str(10**29), "1" * 5000]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    process = EngineProcess({"SHOTLINE_DATA_DIR": str(folder / "data")})
    process.folder = folder
    yield process
    process.close()


class Asker:
    """Sends a line, then `status`; returns every message that came back before status's answer."""

    def __init__(self, engine: EngineProcess) -> None:
        self.engine = engine
        self.lines = 0
        self.replies = 0

    def send(self, line: str | bytes) -> list[dict]:
        engine = self.engine
        seen: list[dict] = []
        engine.send_raw(line)
        self.lines += 1
        engine._next_id += 1
        probe = f"probe-{engine._next_id}"
        engine.send_raw(json.dumps({"jsonrpc": "2.0", "id": probe, "method": "status", "params": {}}))
        while True:  # every message up to status's answer, taken off the queue (none put back)
            message = engine._incoming.get(timeout=60)
            seen.append(message)
            if message.get("id") == probe:
                break
        answer = seen[-1]
        assert "result" in answer, answer
        assert engine.process.poll() is None, "the engine ended"
        replies = [m for m in seen[:-1] if "method" not in m]  # notifications of earlier jobs aside
        self.replies += len(replies)
        for reply in replies:
            assert reply.get("error", {}).get("code") != INTERNAL_ERROR, (line, reply)
        return replies


@pytest.fixture(scope="module")
def asker(engine) -> Asker:
    return Asker(engine)


def request(method: str, params, ident=7) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})


def hostile_lines(folder: Path) -> list[tuple[str, str | bytes]]:
    shot = {"task": "video.generate", "params": {"prompt": "x", "frames": 12, "size": "64x64", "rate": 24}}
    lines: list[tuple[str, str | bytes]] = [
        ("100,000 nested brackets", "[" * 100_000),
        (
            "nested params",
            '{"jsonrpc":"2.0","id":1,"method":"status","params":' + '{"a":' * 5000 + "1" + "}" * 5001,
        ),
        ("not JSON", "this is not json"),
        ("invalid UTF-8", b"\xff\xfe\xfd"),
        ("a lone surrogate", '{"jsonrpc":"2.0","id":1,"method":"\\ud800"}'),
        ("an array", "[1, 2, 3]"),
        ("a 17 MB line", "x" * (17 * 1024 * 1024)),
        ("an id that is an object", '{"jsonrpc":"2.0","id":{"a":1},"method":"status"}'),
        ("params that are a list", '{"jsonrpc":"2.0","id":1,"method":"status","params":[1]}'),
        ("cancel without a job", request("cancel", {})),
        (
            "export with a name too long",
            request("export", {"timeline": "{}", "output": "/tmp/" + "n" * 5000}),
        ),
        ("export to a folder", request("export", {"timeline": "{}", "output": str(folder)})),
        (
            "export of 10^29 frames",
            request("export", {"timeline": absurd_timeline(10**29), "output": str(folder / "a.mp4")}),
        ),
        (
            "export starting at 2^63-1",
            request(
                "export", {"timeline": absurd_timeline(12, start=2**63 - 1), "output": str(folder / "b.mp4")}
            ),
        ),
    ]
    for number in HOSTILE_NUMBERS:
        for key in ("frames", "seed", "steps", "rate", "width"):
            spec = json.dumps(shot).replace('"frames": 12', f'"{key}": {number}')
            lines.append(
                (
                    f"submit {key}={number[:12]}",
                    '{"jsonrpc":"2.0","id":3,"method":"submit","params":{"spec":' + spec + "}}",
                )
            )
        settings = '{"width": ' + number + ', "crf": ' + number + "}"
        lines.append(
            (
                f"export settings {number[:12]}",
                '{"jsonrpc":"2.0","id":4,"method":"export","params":{"timeline":"{}","output":"/tmp/x.mp4","settings":'
                + settings
                + "}}",
            )
        )
    return lines


def absurd_timeline(frames: int, start: int = 0) -> str:
    import opentimelineio as otio

    from engine.project import edits
    from tests.support.editing import project, shot

    timeline = project()
    edits.append(timeline, {"V1": shot("long", 24)})
    text = otio.adapters.write_to_string(timeline)
    data = json.loads(text)
    clip = data["tracks"]["children"][0]["children"][0]
    clip["source_range"]["duration"]["value"] = frames
    clip["source_range"]["start_time"]["value"] = start
    return json.dumps(data)


def test_hostile_lines_each_get_an_answer_and_the_engine_keeps_serving(engine, asker) -> None:
    for name, line in hostile_lines(engine.folder):
        replies = asker.send(line)
        assert len(replies) == 1, (name, replies)
        assert "error" in replies[0], (name, replies)
        assert len(replies[0]["error"]["message"]) < 2000, name
    assert engine.request("status")["result"] == {"jobs": []}


def test_absurd_numbers_are_refused_naming_the_value(engine, asker) -> None:
    replies = asker.send(
        request("export", {"timeline": absurd_timeline(10**29), "output": str(engine.folder / "c.mp4")})
    )
    assert replies[0]["error"]["message"] == (
        f"The timeline sent for export holds the number {10**29}, too large for any time or size"
    )
    replies = asker.send(
        request("export", {"timeline": absurd_timeline(10, start=2**63 - 1), "output": "/tmp/d.mp4"})
    )
    assert f"holds a time of {2**63 - 1} frames" in replies[0]["error"]["message"]
    spec = {"task": "video.generate", "params": {"prompt": "x", "frames": 1e308, "size": "64x64", "rate": 24}}
    refused = asker.send(request("submit", {"spec": spec}))[0]["error"]["message"]
    assert refused == "frames must be a whole number from 1 to 10000, not 1e+308"
    refused = asker.send(
        '{"jsonrpc":"2.0","id":5,"method":"submit","params":{"spec":{"task":"video.generate","params":{"frames":1e999}}}}'
    )
    assert refused[0]["error"] == {"code": -32700, "message": "Parse error: the number 1e999 is too large"}


JSON_ATOMS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["video.generate", "music.score", "../../etc/passwd", "/dev/null", "x" * 300])
)
JSON_VALUES = st.recursive(
    JSON_ATOMS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = (
    "spec",
    "task",
    "params",
    "frames",
    "rate",
    "size",
    "timeline",
    "output",
    "settings",
    "job",
    "prompt",
)
PARAMS = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), JSON_VALUES, max_size=5)


@st.composite
def messages(draw) -> str:
    """A message close enough to a request to reach the methods, with something wrong somewhere."""
    message = {
        "jsonrpc": draw(st.sampled_from(["2.0", "2.0", "2.0", "1.0", 2, None])),
        "id": draw(
            st.integers(-(2**63), 2**63)
            | st.text(max_size=8)
            | st.none()
            | st.booleans()
            | st.floats(allow_nan=False)
        ),
        "method": draw(st.sampled_from(METHODS) | st.text(max_size=10) | JSON_ATOMS),
        "params": draw(PARAMS | JSON_VALUES),
    }
    for key in draw(st.lists(st.sampled_from(list(message)), max_size=2)):
        message.pop(key, None)
    text = json.dumps(message)
    if draw(st.booleans()):  # a number JSON cannot hold, put where a number was
        number = draw(st.sampled_from(HOSTILE_NUMBERS))
        text = text.replace(draw(st.sampled_from(["0", "1", "2", "null", "true"])), number, 1)
    if draw(st.integers(0, 9)) == 0:  # damaged on the way
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]
    return text


@fuzz_settings(300)
@given(line=messages())
def test_fuzzed_messages_always_get_their_answer(asker, line: str) -> None:
    replies = asker.send(line)
    try:
        sent = json.loads(line)
    except ValueError:
        sent = None
    wants_reply = (
        isinstance(sent, dict)
        and isinstance(sent.get("id"), int | str)
        and not isinstance(sent.get("id"), bool)
    )
    if not line.strip():
        assert replies == []  # a blank line is no message
    elif wants_reply or not isinstance(sent, dict):
        assert len(replies) == 1, (line, replies)
    assert len(replies) <= 1, (line, replies)


def test_the_engine_answers_status_after_the_fuzzing(engine, asker) -> None:
    assert engine.request("status")["result"]["jobs"] is not None
    assert engine.process.poll() is None
    print(
        f"\nprotocol fuzz: {asker.lines} lines sent, {asker.replies} replies, 0 internal errors, engine alive"
    )
